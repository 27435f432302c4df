"""Issue 22 (R20): one register per language. Spanish speaks to the customer in "tú" everywhere
the customer reads or hears it: the texts, the calls, the console's texts, the call-back and
App Store words. A form of "usted" anywhere fails."""

from __future__ import annotations

import re

import pytest

from core.formatting import fold

# Forms that only "usted" takes (folded: no accents), as whole words.
USTED = re.compile(r"\b(usted|presione|oprima|marque|diga|escriba|envie|responda|llame|espere|intente|pulse|"
                   r"ingrese|confirme|comparta|cancele|elija|vuelva|le (pediremos|llamaremos|devuelva|enviaremos)|"
                   r"su (codigo|pin|cuenta|linea|numero))\b")


def spanish_texts():
    import datetime as dt

    from appstore import wording
    from console import words
    from ivr import callbacks, prompts, prompts_es
    from sms import replies, replies_es
    from tests.ivr.test_prompts_es import VALUES as VOICE
    from tests.sms.test_replies_fit import LONGEST as TEXT

    for key in replies_es.REPLIES:
        for fix in (("voice_network_mode", "device_settings") if "fix" in key else (None,)):
            values = {**TEXT, **({"fix": fix} if fix else {})}
            yield f"sms:{key}", replies.render(key, values, brand="Second Line", lang="es")
    for key in replies_es.RECEIPTS:
        yield f"receipt:{key}", replies.receipt_text(key, TEXT, brand="Second Line", lang="es")
    for key in prompts_es.PROMPTS:
        yield f"voice:{key}", prompts.say(key, VOICE, brand="Second Line", lang="es")
    for key, text in callbacks.WORDS["es"].items():
        yield f"callback:{key}", text
    for key in words.INSTRUCTIONS:
        yield f"console:{key}", words.instruction_text(key, "es", "Second Line")
    yield "console:code", words.code_text("es", "Second Line")("123456", 10)
    for effect, text in wording.RECEIPTS["es"].items():
        yield f"app_store:{effect}", text
    del dt


SPANISH = list(spanish_texts())


@pytest.mark.parametrize("where, text", SPANISH, ids=[w for w, _ in SPANISH])
def test_spanish_speaks_in_tu_everywhere_R20(where, text):
    found = USTED.search(fold(text))
    assert found is None, (found and found[0], text)


def test_the_register_test_catches_usted():
    assert USTED.search(fold("Le llamaremos al número. Para confirmar, presione 1."))
    assert not USTED.search(fold("Te llamaremos. Para confirmar, oprime 1 o di sí. Escribe AGENTE."))
