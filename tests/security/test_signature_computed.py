"""web.twilio.compute_signature is twilio's own RequestValidator.compute_signature, byte for byte
(issue 26's edge computes it without the library's per-parameter lookups)."""

from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import ImmutableMultiDict

from web.twilio import compute_signature

TOKEN = "12345678901234567890123456789012"
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=500, deadline=None)
@given(url=TEXT, pairs=st.lists(st.tuples(st.sampled_from(["Body", "From", "To", "Digits", "a", "é", ""]) | TEXT, TEXT),
                                max_size=15))
def test_the_same_signature_as_twilios_for_any_form(url, pairs):
    form = ImmutableMultiDict(pairs)  # repeated names, blank names and values, any characters
    v = RequestValidator(TOKEN)
    assert compute_signature(v.token, "https://x.example/sms" + url, form) == \
        v.compute_signature("https://x.example/sms" + url, form)


def test_the_same_signature_for_no_form_and_for_a_plain_dict():
    v = RequestValidator(TOKEN)
    for params in ({}, None, {"Body": "HELP", "From": "+15557770001"}):
        assert compute_signature(v.token, "https://x.example/voice?m=1", params) == \
            v.compute_signature("https://x.example/voice?m=1", params)


def test_a_twilio_shaped_form_with_its_real_fields():
    rnd = random.Random(26)
    v = RequestValidator(TOKEN)
    for _ in range(200):
        form = ImmutableMultiDict([("AccountSid", "AC" + "%032x" % rnd.getrandbits(128)),
                                   ("From", "+1555%07d" % rnd.randrange(10**7)), ("To", "+15550109000"),
                                   ("Body", rnd.choice(["HELP", "PLANS", "quiero ver mis planes", "café ☎", ""])),
                                   ("NumMedia", "0"), ("MessageSid", "SM" + "%032x" % rnd.getrandbits(128))])
        assert compute_signature(v.token, "https://bench.example/sms", form) == \
            v.compute_signature("https://bench.example/sms", form)
