"""R19: segments counted as carriers count them, and reply parts joined by those rules."""

from __future__ import annotations

from sms.gsm import fit, segments

EMOJI = "\U0001F4DE"  # 📞: outside the BMP, a surrogate pair (2 UTF-16 code units)


KNOWN = [
    ("", ("GSM-7", 1)),
    ("a" * 160, ("GSM-7", 1)),
    ("a" * 161, ("GSM-7", 2)),
    ("a" * 306, ("GSM-7", 2)),
    ("a" * 307, ("GSM-7", 3)),
    ("a" * 459, ("GSM-7", 3)),
    ("a" * 460, ("GSM-7", 4)),
    ("é" * 160, ("GSM-7", 1)),  # é, ñ, ü, à ... are in the GSM-7 basic table
    ("€" * 80, ("GSM-7", 1)),  # an extension character takes 2 septets: 160
    ("€" * 80 + "a", ("GSM-7", 2)),  # 161 septets
    ("a" * 159 + "{", ("GSM-7", 2)),  # 161 septets in 160 characters
    # The escape pair is never split: 152 septets, then "€" opens part 2, which then holds
    # 2 + 152 = 154 > 153 septets. 306 septets take 3 parts, not 2.
    ("a" * 152 + "€" + "a" * 152, ("GSM-7", 3)),
    ("a" * 153 + "€" + "a" * 151, ("GSM-7", 2)),  # the same septets, the pair not at the edge
    ("ó" * 70, ("UCS-2", 1)),  # ó is not GSM-7: the whole text is UCS-2
    ("ó" * 71, ("UCS-2", 2)),
    ("a" * 69 + "ó", ("UCS-2", 1)),
    ("a" * 70 + "ó", ("UCS-2", 2)),
    ("ó" * 134, ("UCS-2", 2)),
    ("ó" * 135, ("UCS-2", 3)),
    ("ó" * 201, ("UCS-2", 3)),
    ("ó" * 202, ("UCS-2", 4)),
    (EMOJI, ("UCS-2", 1)),
    (EMOJI * 35, ("UCS-2", 1)),  # 70 code units
    (EMOJI * 35 + "a", ("UCS-2", 2)),  # 71
    ("a" * 68 + EMOJI, ("UCS-2", 1)),
    ("a" * 69 + EMOJI, ("UCS-2", 2)),  # 71 code units in 70 characters
    # A surrogate pair is never split: 66 units, then the emoji opens part 2 (2 + 66 = 68).
    ("a" * 66 + EMOJI + "a" * 66, ("UCS-2", 3)),
    ("a" * 67 + EMOJI + "a" * 65, ("UCS-2", 2)),
    ("\u2019" * 10, ("UCS-2", 1)),  # a curly apostrophe forces UCS-2
]


def test_segments_by_the_real_gsm7_and_ucs2_rules_R19():
    wrong = [(len(text), text[:12], segments(text), expected) for text, expected in KNOWN
             if segments(text) != expected]
    assert wrong == []


def _fits(message: str) -> bool:
    return segments(message)[1] <= 3


def test_fit_counts_segments_not_characters_R19():
    # Two UCS-2 parts of 120 characters: 241 characters is under 3 x 153, but as one UCS-2
    # message 241 code units need 4 segments: two messages.
    accented = ["ó" * 120, "ú" * 120]
    assert fit(accented) == accented
    # Extension characters take 2 septets each: 301 characters are 602 septets.
    braces = ["{" * 200, "}" * 100]
    assert fit(braces) == braces
    emoji = [EMOJI * 60, EMOJI * 60]
    assert fit(emoji) == emoji
    # A GSM-7 part joined to a UCS-2 one turns the whole message UCS-2: 252 code units.
    mixed = ["a" * 250, "ó"]
    assert fit(mixed) == mixed
    assert all(_fits(m) for parts in (accented, braces, emoji, mixed) for m in fit(parts))


def test_fit_joins_as_few_messages_as_three_segments_allow_in_order():
    assert fit(["PIN OK.", "Line (555) 010-0001 (active): no plans."]) == [
        "PIN OK. Line (555) 010-0001 (active): no plans."]
    parts = ["a" * 299 + ".", "b" * 99 + ".", "c" * 99 + ".", "d" * 357 + "."]
    assert fit(parts) == [parts[0] + " " + parts[1], parts[2] + " " + parts[3]]
    assert fit(["ó" * 99 + ".", "ú" * 100]) == ["ó" * 99 + ". " + "ú" * 100]  # 201 units: 3 segments
    assert fit([]) == []


def test_a_part_followed_by_another_ends_its_sentence_but_a_link_is_left_alone():
    assert fit(["To stop one: STOP PLAN name", "Cancel line?"]) == ["To stop one: STOP PLAN name. Cancel line?"]
    assert fit(["Done!", "Bye"]) == ["Done! Bye"]
    assert fit(["See https://support.apple.com/en-us/HT202039", "Then text CANCEL LINE."]) == [
        "See https://support.apple.com/en-us/HT202039 Then text CANCEL LINE."]


def test_a_part_too_long_on_its_own_is_split_at_spaces_never_sent_over_three_segments():
    words = [f"w{i}ó" for i in range(200)]
    messages = fit(["PIN OK.", " ".join(words)])
    assert all(_fits(m) for m in messages)
    assert " ".join(messages).split() == ["PIN", "OK."] + words


def _segments_char_by_char(text: str) -> tuple[str, int]:
    """The rules as written, a character at a time: what sms.gsm's counted path must equal."""
    from sms.gsm import BASIC, EXTENDED, PART, SINGLE

    enc = "GSM-7" if all(ch in BASIC or ch in EXTENDED for ch in text) else "UCS-2"
    sizes = [(2 if ch in EXTENDED else 1) if enc == "GSM-7" else (2 if ord(ch) > 0xFFFF else 1) for ch in text]
    if sum(sizes) <= SINGLE[enc]:
        return enc, 1
    count, used = 1, 0
    for size in sizes:
        if used + size > PART[enc]:
            count, used = count + 1, 0
        used += size
    return enc, count


def test_segments_counted_in_bulk_equal_the_rules_character_by_character_R19():
    # sms.gsm counts by whole-string operations (a set's superset, str.count, the UTF-16 length)
    # and walks characters only when one is two units: the same answers as the walk, always.
    import random

    from hypothesis import given, settings, strategies as st

    alphabet = "a Zé€{}\\[~]|^\f\n\rñüàóç中" + EMOJI + "\U0001F600"
    rnd = random.Random(26)
    for _ in range(3000):
        n = rnd.choice([0, 1, 69, 70, 71, 134, 135, 152, 153, 154, 159, 160, 161, 200, 305, 306, 307, 460])
        text = "".join(rnd.choice(alphabet) if rnd.random() < 0.1 else "a" for _ in range(n))
        assert segments(text) == _segments_char_by_char(text), repr(text)

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list(alphabet)), max_size=500))
    def same(text):
        assert segments(text) == _segments_char_by_char(text)

    same()
