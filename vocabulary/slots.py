"""The details in a sentence, wherever they are in it: phone numbers (typed or spoken, English
or Spanish), an area code, a plan by its name or its everyday name, a line by its last four
digits or its user's name, a PIN or a one-time code, an option's number.

Pure functions of the words (no Flask, no database, no model): ``slots(text, lang, step)``
gives a dict in one convention, the one the conversation's journeys read and the held-out
set (tests/data/turns/README.md) is labelled in: ``phone`` (digits only, no country code 1),
``area_code``, ``plan`` (``text_archive``, ``call_recording``, ``number_plan``), ``last4``,
``name``, ``pin``, ``code``, ``choice``.

How, and why this way (measured: ``python -m vocabulary.slots --compare``):
- Spoken numbers become digits first, by a small hand-written reader of both languages'
  number words ("two one two", "oh", "double five", "five fifty-five", "dos uno dos",
  "doble cinco", "cincuenta y cinco", "doscientos doce"). ``text2num`` (``alpha2digit``)
  was measured against it on the same cases: it does not read "oh", "double" / "doble",
  and it reads "eight hundred five five five" as 805 (an 800 number said aloud is 800 then
  5 5 5), so it lost; it stays the reference the comparison runs.
- Written numbers are then found by ``phonenumbers.PhoneNumberMatcher`` (US, leniency
  POSSIBLE: fictional 555 numbers are numbers people type), which knows every written form
  (spaces, dashes, dots, brackets, +1, 1-); a run of spoken digits is offered to it as
  one written number. A seven-digit local number ("555-0142"), which the matcher does not
  return, is kept as its seven digits.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

import phonenumbers

from core import languages
from core.formatting import fold, format_list

MAX_CHARS = 400
REACTION = re.compile(r"^\s*(liked|loved|disliked|laughed at|emphasized|questioned|le gusto|le gustó|le encanto|"
                      r"le encantó|no le gusto|no le gustó|reacted \S+ to)\s+[\"“”']", re.I)

# Number words -------------------------------------------------------------------------------
_EN_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "nought": 0}
_EN_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
_ES_UNITS = {"cero": 0, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
             "ocho": 8, "nueve": 9}
_ES_TEENS = {"diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
             "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21,
             "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
             "veintisiete": 27, "veintiocho": 28, "veintinueve": 29}
_ES_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
            "noventa": 90}
_ES_HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
                "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500,
                "quinientas": 500, "seiscientos": 600, "seiscientas": 600, "setecientos": 700,
                "setecientas": 700, "ochocientos": 800, "ochocientas": 800, "novecientos": 900,
                "novecientas": 900}
UNITS = {**_EN_UNITS, **_ES_UNITS}
TEENS = {**_EN_TEENS, **_ES_TEENS}
TENS = {**_EN_TENS, **_ES_TENS}
REPEAT = {"double": 2, "triple": 3, "doble": 2}  # "triple" is both languages' word
ZERO_LETTER = ("oh", "o")  # a zero, said as a letter, where "o" is not the word for "or" (Spanish)
JOINERS = ("and", "y")  # "fifty and five" is rare; "cincuenta y cinco" is how it's said


def _is_number_word(w: str) -> bool:
    return (w in UNITS or w in TEENS or w in TENS or w in _ES_HUNDREDS or w in REPEAT
            or w in ("hundred", "thousand", "mil") or w.isdigit())


def spoken_to_digits(words: list[str], lang: str = languages.DEFAULT_CODE) -> list[str]:
    """The words with every spoken number written as digits; a number of two or more words
    becomes one token ("fifty five" → "55", "double five" → "55", "doscientos doce" → "212").
    A lone small number word stays a word ("the first one", "quiero uno"): it is a digit only
    beside another number."""
    out: list[str] = []
    i, n = 0, len(words)
    spoken: list[str | None] = []  # the word a lone unit came from (for the lone-word rule)

    def thousands(value: int, start: int, k: int) -> tuple[str, int]:
        """"dos mil veinte" is 2020, "mil novecientos noventa" 1990: the thousands (said from
        words[start] to words[k]), then what is below a thousand said after them (its digits,
        the words used)."""
        after = k + (k < n and words[k] in JOINERS)
        rest = number_at(after) if after < n and words[after] not in ("thousand", "mil") else None
        if rest is not None and int(rest[0]) < 1000:
            return str(value + int(rest[0])), after + rest[1] - start
        return str(value), k - start

    def number_at(j: int) -> tuple[str, int] | None:
        """The number that starts at words[j] (its digits, words used); a number below a thousand
        said before "mil" / "thousand" is that many thousands ("seiscientos veinte mil ciento
        dieciocho" is 620118, "veinte mil" 20000)."""
        got = below_thousands(j)
        if got is not None and words[j] not in REPEAT and j + got[1] < n and words[j + got[1]] in ("thousand", "mil") \
                and 0 < int(got[0]) < 1000:
            return thousands(int(got[0]) * 1000, j, j + got[1] + 1)
        return got

    def below_thousands(j: int) -> tuple[str, int] | None:
        w = words[j]
        nxt = words[j + 1] if j + 1 < n else ""
        nxt2 = words[j + 2] if j + 2 < n else ""
        if w in REPEAT:
            unit = _unit(nxt, lang, context=True)
            if unit is not None:
                return str(unit) * REPEAT[w], 2
            return None
        if w in _ES_HUNDREDS:
            rest = _two_digit(words, j + 1, lang)
            if rest is not None:
                return str(_ES_HUNDREDS[w] + int(rest[0])), 1 + rest[1]
            return str(_ES_HUNDREDS[w]), 1
        unit = _unit(w, lang, context=_near_number(words, j, lang))
        if unit is not None and nxt == "hundred":
            rest = _two_digit(words, j + 2 + (nxt2 == "and"), lang, teens_only=True)
            if rest is not None:
                return str(unit * 100 + int(rest[0])), 2 + (nxt2 == "and") + rest[1]
            return str(unit * 100), 2
        if unit is not None and nxt in ("thousand", "mil"):
            return thousands(unit * 1000, j, j + 2)
        if w == "mil":
            got = thousands(1000, j, j + 1)
            return got if got[1] > 1 or _near_number(words, j, lang) else None  # "mil gracias": a word
        two = _two_digit(words, j, lang)
        if two is not None and (two[1] > 1 or w in TEENS or w in TENS):
            return two
        if unit is not None:
            return str(unit), 1
        return None

    while i < n:
        got = number_at(i)
        if got is None:
            out.append(words[i])
            spoken.append(None)
            i += 1
            continue
        digits, used = got
        out.append(digits)
        spoken.append(words[i] if used == 1 and words[i] in UNITS else None)
        i += used
    # A lone unit word with no number beside it is a word again ("one", "uno").
    for k, word in enumerate(spoken):
        if word and not ((k and out[k - 1].isdigit()) or (k + 1 < len(out) and out[k + 1].isdigit())):
            out[k] = word
    return out


def as_digits(folded: str, lang: str = languages.DEFAULT_CODE) -> str:
    """Folded words with every spoken number of two words or more as its digits."""
    return " ".join(spoken_to_digits(folded.split(), lang))


def _unit(w: str, lang: str, context: bool) -> int | None:
    if w in UNITS:
        return UNITS[w]
    if w in ZERO_LETTER and context and not _o_is_or(lang):
        return 0
    if w.isdigit() and len(w) == 1:
        return int(w)
    return None


@lru_cache(maxsize=None)
def _o_is_or(lang: str) -> bool:
    """Whether "o" is the language's word for "or" (its list format, from the registry's locale)."""
    return " o " in format_list(["a", "b"], style="or", lang=lang)


def _near_number(words: list[str], j: int, lang: str) -> bool:
    """Whether words[j] has a number word or digits beside it (so "oh" may be a zero)."""
    for step in (-1, 1):
        k = j + step
        while 0 <= k < len(words) and words[k] == "oh":  # "oh oh one oh": a run of zeros said as letters
            k += step
        if 0 <= k < len(words) and _is_number_word(words[k]):
            return True
    return False


def _two_digit(words: list[str], j: int, lang: str, teens_only: bool = False) -> tuple[str, int] | None:
    """A number below 100 said at words[j]: "fifty five", "fifty-five", "cincuenta y cinco",
    "twelve", "veintidos" (its value, words used)."""
    if j >= len(words):
        return None
    w = words[j]
    if w in TEENS:
        return str(TEENS[w]), 1
    if w in TENS:
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if nxt in JOINERS and j + 2 < len(words) and words[j + 2] in UNITS and UNITS[words[j + 2]]:
            return str(TENS[w] + UNITS[words[j + 2]]), 3
        if nxt in UNITS and UNITS[nxt]:
            return str(TENS[w] + UNITS[nxt]), 2
        return str(TENS[w]), 1
    if teens_only:
        return None
    return None


def text2num_digits(words: list[str], lang: str = languages.DEFAULT_CODE) -> list[str]:
    """The same job done by ``text2num`` (kept for the measured comparison, not used)."""
    from text_to_num import alpha2digit

    return alpha2digit(" ".join(words), languages.code_or_default(lang)).split()


# Phone numbers ------------------------------------------------------------------------------
def _tokens(text: str, lang: str, reader=spoken_to_digits) -> list[str]:
    if reader is spoken_to_digits:
        return list(_read_tokens(text or "", lang))
    return reader(fold((text or "")[:MAX_CHARS].replace("-", " ")).split(), lang)


@lru_cache(maxsize=256)
def _read_tokens(text: str, lang: str) -> tuple[str, ...]:
    """The folded words with spoken numbers as digits (read once a turn: every slot uses them)."""
    return tuple(spoken_to_digits(fold(text[:MAX_CHARS].replace("-", " ")).split(), lang))


def digit_runs(tokens: list[str]) -> list[tuple[str, int, int]]:
    """Runs of digit tokens side by side: (digits, first token, last token + 1)."""
    runs, i = [], 0
    while i < len(tokens):
        if tokens[i].lstrip("+").isdigit():
            j = i
            while j < len(tokens) and tokens[j].lstrip("+").isdigit():
                j += 1
            runs.append(("".join(t.lstrip("+") for t in tokens[i:j]), i, j))
            i = j
        else:
            i += 1
    return runs


def _national(digits: str) -> str | None:
    """A run as a US number: 10 digits (a leading 1 dropped), or 7 digits (local)."""
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits if len(digits) in (7, 10) else None


def _windows(tokens: list[str], i: int, j: int) -> str | None:
    """In a run of digit tokens that is no number as a whole ("212 555 0143 2" times), the
    leftmost tokens side by side that make one (10 digits, or 11 after a 1)."""
    for a in range(i, j):
        total = ""
        for b in range(a, j):
            total += tokens[b].lstrip("+")
            if len(total) > 11:
                break
            if len(total) >= 10 and _national(total):
                return _national(total)
    return None


def phones_by_runs(text: str, lang: str = languages.DEFAULT_CODE, reader=spoken_to_digits) -> list[str]:
    """Phone numbers by runs of digits alone (the hand-written way, measured against the matcher)."""
    found = []
    tokens = _tokens(text, lang, reader)
    for digits, i, j in digit_runs(tokens):
        number = _national(digits) or _windows(tokens, i, j)
        if number and number not in found:
            found.append(number)
    return found


def phones(text: str, lang: str = languages.DEFAULT_CODE, reader=spoken_to_digits) -> list[str]:
    """Every phone number in the text, in order, digits only without the country code."""
    tokens = _tokens(text, lang, reader)
    written = " ".join(tokens)
    found: list[str] = []
    for m in phonenumbers.PhoneNumberMatcher(written, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        number = phonenumbers.national_significant_number(m.number)
        if len(number) == 10 and number not in found:
            found.append(number)
    if not found:  # a local number the matcher doesn't return ("555-0142"), a number run into a count
        for digits, i, j in digit_runs(tokens):
            number = digits if len(digits) == 7 else _windows(tokens, i, j)
            if number and number not in found:
                found.append(number)
    return found


# Area codes -----------------------------------------------------------------------------------
_AREA_BEFORE = ("area code", "area", "code", "codigo de area", "codigo", "lada", "prefijo", "with a", "with an",
                "a", "an", "un", "una", "del", "de", "el", "in the", "in", "con", "starts with", "starting with",
                "that starts with", "empiece con", "empiece por", "empiece en", "que empiece con", "empiece",
                "empieza con", "empiece", "comience con", "del area", "de area", "to", "number", "numero",
                "begins with", "beginning with", "starting in", "que empiece en", "que comience con", "que sea del",
                "lada de", "clave", "from the", "from", "local", "for", "en el", "for a", "para", "por")
_AREA_AFTER = ("area code", "area", "number", "numero", "code", "one", "prefix")
_AREA_CUES = ("area", "code", "codigo", "lada", "prefijo", "number", "numero", "starts", "empiece", "empieza",
              "comience", "local", "starting", "start", "begins", "beginning", "begin", "empiecen", "inicie",
              "clave", "new", "nuevo", "different", "otro", "change", "cambiar", "cambio", "get", "want", "quiero")


def area_code(text: str, lang: str = languages.DEFAULT_CODE) -> str | None:
    """The area code asked for: "area code 212", "a 212 number", "un número del 305", "with a 212"."""
    tokens = _tokens(text, lang)
    padded = " ".join(tokens)
    if not any(c in tokens for c in _AREA_CUES) and not re.search(r"\b(with|con) an? \d{3}\b|\bun \d{3}\b", padded):
        return None
    for digits, i, j in digit_runs(tokens):
        if len(digits) != 3:
            continue
        before = " ".join(tokens[max(0, i - 3):i])
        after = " ".join(tokens[j:j + 2])
        if any(before.endswith(p) for p in _AREA_BEFORE) or any(after.startswith(p) for p in _AREA_AFTER):
            return digits
    return None


# Plans ------------------------------------------------------------------------------------------
PLANS = {
    "text_archive": ("text archive", "txt archive", "texts archive", "message archive", "messages archive",
                     "archive", "archiving", "archived texts", "saved texts", "archivo de textos",
                     "archivo de mensajes", "archivo", "el archivo", "archivador"),
    "call_recording": ("call recording", "call recordings", "call rec", "recording", "recordings", "recorder",
                       "recording calls", "record calls", "record my calls", "grabacion de llamadas",
                       "grabacion", "grabaciones", "grabar llamadas", "grabar mis llamadas", "grabadora"),
    "number_plan": ("number plan", "main plan", "base plan", "basic plan", "line plan", "phone plan",
                    "unlimited", "unlimited monthly", "unlimited annual", "my number s plan", "plan for my number",
                    "plan principal", "plan base", "plan basico", "plan de numero", "plan del numero",
                    "plan de linea", "plan de la linea", "plan ilimitado", "ilimitado", "plan de mi numero"),
}


@lru_cache(maxsize=1)
def _plan_phrases() -> list[tuple[str, str]]:
    return sorted(((p, key) for key, ps in PLANS.items() for p in ps), key=lambda x: -len(x[0]))


def plan(text: str) -> str | None:
    """The first plan a sentence names, by its name or its everyday name."""
    found = plans(text)
    return found[0] if found else None


# At "which plan?", fewer words name one: "the texts one", "el de llamadas", "the monthly".
PLAN_STEP = {
    "text_archive": ("texts", "text", "messages", "mensajes", "textos", "the texts one", "el de mensajes",
                     "el de textos", "archiving one", "saved messages", "mensajes guardados"),
    "call_recording": ("calls", "llamadas", "the calls one", "el de llamadas", "el de grabar", "record",
                       "grabar", "grabadas", "recorded calls", "llamadas grabadas"),
    "number_plan": ("number", "numero", "my number", "mi numero", "line", "linea", "the line", "la linea",
                    "monthly", "annual", "mensual", "anual", "the monthly", "the annual", "el mensual",
                    "el anual", "main", "principal", "base", "el del numero", "el de la linea", "the number one",
                    "phone number"),
}


def plan_at_step(text: str) -> str | None:
    """The plan an answer to "which plan?" names, in fewer words than elsewhere."""
    found = plan(text)
    if found:
        return found
    padded = f" {fold((text or '')[:MAX_CHARS])} "
    hits = [key for key, phrases in PLAN_STEP.items() if any(f" {p} " in padded for p in phrases)]
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=1)
def _plans_rx() -> tuple[re.Pattern, dict[str, str]]:
    phrases = _plan_phrases()
    alternatives = "|".join(re.escape(p) for p, _ in phrases)
    return re.compile(rf"(?<= )(?:{alternatives})(?= )"), dict(phrases)


def plans(text: str) -> list[str]:
    """Every plan a sentence names, in order ("the text archive and the call recording")."""
    rx, key_of = _plans_rx()
    found: list[str] = []
    for m in rx.finditer(f" {fold((text or '')[:MAX_CHARS])} "):
        key = key_of[m.group(0)]
        if key not in found:
            found.append(key)
    return found


# A line, a PIN, a code, a choice ------------------------------------------------------------------
_LAST4_CUES = ("ends", "terminacion", "con terminacion", "que termina con", "acabado en", "finaliza en",
               "last four are", "last 4 are", "last four digits are", "last 4 digits are", "ultimos cuatro son",
               "ultimos 4 son", "ultimos digitos son", "the one ending", "la terminada en", "ending in", "ending with",
               "ending", "ends in", "ends with", "that ends in", "last four",
               "last 4", "last four digits", "last digits", "last 4 digits", "termina en", "que termina en",
               "terminada en", "terminado en", "acaba en", "que acaba en", "ultimos cuatro", "ultimos 4",
               "ultimos cuatro digitos", "ultimos digitos", "ultimos 4 digitos", "termina con")

_LAST4 = re.compile(r"(?:^| )(?:%s) (?:is |digits |en |with |of |de |in )?(\d{4})(?: |$)"
                    % "|".join(re.escape(c) for c in sorted(_LAST4_CUES, key=len, reverse=True)))

_ORDINALS = {
    1: ("first", "the first", "first one", "the first one", "1st", "primero", "primera", "el primero", "la primera",
        "primer"),
    2: ("second", "the second", "second one", "the second one", "2nd", "segundo", "segunda", "el segundo",
        "la segunda", "last one", "the last one", "the last", "la ultima", "el ultimo", "the other one",
        "la otra", "el otro"),
    3: ("third", "the third", "third one", "3rd", "tercero", "tercera", "el tercero", "la tercera"),
    4: ("fourth", "the fourth", "4th", "cuarto", "cuarta", "el cuarto", "la cuarta"),
    5: ("fifth", "the fifth", "5th", "quinto", "quinta", "el quinto", "la quinta"),
}
_CHOICE_FILLER = {"option", "number", "the", "press", "pressed", "one", "opcion", "numero", "el", "la", "i", "choose",
                  "pick", "want", "quiero", "la", "de", "please", "por", "favor", "oprimo", "marco", "elijo", "go",
                  "with", "say", "digo", "uh", "um", "eh", "ok", "okay", "", "lo", "that", "porfa", "porfavor", "pls",
                  "plz", "este", "pues", "hmm", "mmm", "thanks", "gracias"}
CHOICE_STEPS = ("plan", "which", "fix", "reason", "target", "offer", "command")
def last4(text: str, lang: str = languages.DEFAULT_CODE, tokens: list[str] | None = None) -> str | None:
    tokens = tokens if tokens is not None else _tokens(text, lang)
    joined: list[str] = []  # spoken digits one by one ("oh one four three") as one run
    for t in tokens:
        if t.isdigit() and joined and joined[-1].isdigit() and len(joined[-1]) < 4:
            joined[-1] += t
        else:
            joined.append(t)
    m = _LAST4.search(" ".join(joined))
    return m.group(1) if m else None


def choice(text: str, lang: str = languages.DEFAULT_CODE) -> int | None:
    """An option's number said or keyed: "2", "option two", "the second one", "la segunda"."""
    folded = fold((text or "")[:80])
    words = folded.split()
    if not words or len(words) > 6:
        return None
    for n, phrases in _ORDINALS.items():
        if any(f" {p} " in f" {folded} " for p in phrases):
            return n
    nums = [w for w in words if w not in _CHOICE_FILLER]
    core = [w for w in words if w not in ("please", "pls", "plz", "porfa", "thanks", "uh", "um")]
    if not nums and "one" in core and core[-1] == "one" and len(core) <= 3:
        return 1  # "number one", "option one"
    return _option_number(nums[0]) if len(nums) == 1 else None


def _option_number(w: str) -> int | None:
    """One word as an option's number: a digit 1-9 or a number word."""
    if w.isdigit() and len(w) == 1 and w != "0":
        return int(w)
    return UNITS[w] if w in UNITS and UNITS[w] else None


NOT_NAMES = frozenset("""my mine the a an one line number phone cell his her their our your me it that this
    son daughter wife husband mom dad mother father boss kid kids brother sister friend employee employees
    mi mis la el de del linea numero telefono celular hijo hija esposa esposo mama papa jefe hermano hermana
    amigo amiga empleado empleada su sus otra otro other second first primera segunda yes no si ok please
    por favor thanks gracias for of is es line s all todas todos whole toda todo account cuenta what there here
    who today mine own work business main personal mio mia trabajo negocio oficina principal everyone everybody
    both ambas ambos las los dos same that s whats them they those these ellas ellos esas esos estas estos""".split())
_OWNED = re.compile(r"\b([^\W\d_]+)(?:'s| s)\s+(?:line|number|phone|cell|one)\b", re.I)
_FOR = re.compile(r"\b(?:for|of|la de|el de|linea de|línea de|numero de|número de|la del|la que es de|"
                  r"the one for|belongs to|que es de|es de)\s+"
                  r"(?:(?:don|doña|dona|señor|senor|señora|senora|sr|sra|mr|mrs|ms|miss)\.?\s+)?"  # "la de don Pedro"
                  r"([^\W\d_]+(?:\s+[^\W\d_]+)?)", re.I)


_OWNER_LINE = re.compile(r"\b(?:line|number|phone) (?:for|of|belonging to)\s+([^\W\d_]+)|"
                         r"\b(?:linea|línea|numero|número|telefono|teléfono) de\s+([^\W\d_]+)", re.I)


def name(text: str) -> str | None:
    """A line's user named ("Maria's line", "the one for John", "la de María", "tom")."""
    raw = (text or "")[:MAX_CHARS]
    from vocabulary.language_id import _weights

    known = _weights()
    for rx in (_OWNED, _FOR):
        for m in rx.finditer(raw):
            first, *second = m.group(1).split()
            if fold(first) not in NOT_NAMES:
                # a surname, never a word of the sentence ("la de roberto el de ventas")
                surname = second and fold(second[0]) not in NOT_NAMES and fold(second[0]) not in known
                return f"{first} {second[0]}" if surname else first
    words = [w for w in re.findall(r"[^\W\d_]+", raw) if fold(w) not in NOT_NAMES and fold(w) not in known]
    if 1 <= len(words) <= 2 and len(re.findall(r"[^\W\d_]+", raw)) <= 4 and all(len(w) >= 2 for w in words):
        return " ".join(words)
    return None


def owner(text: str) -> str | None:
    """A line named by its user's name in a request ("cancel Tom's line", "la línea de María")."""
    raw = (text or "")[:MAX_CHARS]
    for rx in (_OWNED, _OWNER_LINE):
        for m in rx.finditer(raw):
            who = next(g for g in m.groups() if g)
            if fold(who.split()[0]) not in NOT_NAMES and (who[:1].isupper() or rx is _OWNED):
                return who
    return None


# Two requests in one message ----------------------------------------------------------------------
_JOINERS = re.compile(r"(?:,|;|\.|\s)\s*(?:and also|and then|and|also|plus|then|as well as|y tambien|y también|"
                      r"y ademas|y además|ademas|además|tambien|también|y luego|luego|y|e)\s+", re.I)


def clauses(text: str) -> list[str]:
    """The parts of a message joined by "and also", "y también"…: at most two, the second being
    whatever follows the first joiner after at least two words."""
    raw = (text or "")[:MAX_CHARS]
    for m in _JOINERS.finditer(raw):
        first, second = raw[:m.start()].strip(" ,;."), raw[m.end():].strip()
        if len(first.split()) >= 2 and len(second.split()) >= 2:
            return [first, second]
    return [raw]


# Everything at once -------------------------------------------------------------------------------
def slots(text: str, lang: str = languages.DEFAULT_CODE, step: str = "command") -> dict[str, str]:
    """The details of one turn, in the held-out set's convention (digits only, no country
    code), read in the light of what the step asked for: digits at the PIN prompt are a PIN,
    at the code prompt a code, at the choice of line its last four digits."""
    text = (text or "")[:MAX_CHARS]
    if REACTION.match(text):
        return {}  # an iPhone reaction quotes our own text: nothing in it is the customer's
    tokens = _tokens(text, lang)
    runs = [d for d, _, _ in digit_runs(tokens)]
    found = phones(text, lang)
    secret = _secret(step, runs, found)
    if secret:
        return secret
    out = _numbers(text, lang, step, tokens, runs, found)
    p = plan(text)
    if step == "plan" and not p and not runs and choice(text, lang) is None:
        p = plan_at_step(text)
    if p:
        out["plan"] = p
    if step in CHOICE_STEPS and not out and (step != "command" or text.strip().isdigit()):
        c = choice(text, lang)
        if c is not None:
            out["choice"] = str(c)
    who = _who(text, step, out)
    if who:
        out["name"] = who
    return out


def _secret(step: str, runs: list[str], found: list[str]) -> dict[str, str]:
    """At the PIN prompt a PIN (4 to 8 digits; a whole number there is the line's own, said
    first); at the code prompt a code (six digits first)."""
    out: dict[str, str] = {}
    if step == "pin" and runs:
        pin = next((d for d in runs if 4 <= len(d) <= 8), None)
        whole = next((p for p in found if len(p) == 10), None)
        if whole:
            out["phone"] = whole
        if pin:
            out["pin"] = pin
    elif step == "code" and runs:
        code = next((d for d in runs if len(d) == 6), None) or next((d for d in runs if 4 <= len(d) <= 8), None)
        if code:
            out["code"] = code
    return out


def _numbers(text: str, lang: str, step: str, tokens, runs: list[str], found: list[str]) -> dict[str, str]:
    """A line's last four digits, else a phone number, else an area code asked for."""
    out: dict[str, str] = {}
    l4 = last4(text, lang, tokens)
    if l4:
        out["last4"] = l4
    elif step == "target" and not found and any(len(d) == 4 for d in runs):
        out["last4"] = next(d for d in runs if len(d) == 4)
    if found and not l4:
        out["phone"] = found[0]
    area = area_code(text, lang)
    if area and "phone" not in out:
        out["area_code"] = area
    return out


def _who(text: str, step: str, out: dict[str, str]) -> str | None:
    """A line's user: named alone at the choice of line, or as the owner of a line asked for."""
    if step == "target":
        return name(text) if not out else None
    return owner(text) if "phone" not in out and "last4" not in out else None


# What the journeys read ---------------------------------------------------------------------------
# A plan's key → its product's name as the data spells it (core/journeys/cancel_plan.py matches it).
PRODUCTS = {"text_archive": "Text Archive", "call_recording": "Call Recording"}


@lru_cache(maxsize=128)
def _heard(text: str, lang: str) -> tuple[tuple[str, object], ...]:
    found: dict[str, object] = dict(slots(text, lang, "command"))
    if "phone" not in found:  # a short code or an emergency number is a number too (refused by name)
        runs = [d for d, _, _ in digit_runs(_tokens(text, lang)) if len(d) >= 3]
        if runs:
            found["digits"] = max(runs, key=len)
    named = plans(text)
    if named:
        found["plans"] = tuple(named)
    return tuple(found.items())


def heard(text: str, lang: str = languages.DEFAULT_CODE) -> dict[str, object]:
    """A request's details for its journey (``Journey.slots_heard``): ``slots`` at a new request,
    with ``digits`` (the longest run of three digits or more, when no phone number is in it)
    and ``plans`` (every plan named, in order: "the text archive and the call recording")."""
    return dict(_heard((text or "")[:MAX_CHARS], lang))


# A data step's answer said in words ("my PIN is one three five seven", "it's two one two…"):
# the slots it asks for, in order of preference (a whole number at the PIN prompt is the line's own).
STEP_SLOTS = {"pin": ("pin", "phone"), "code": ("code",), "block_number": ("phone", "digits"),
              "target": ("last4", "phone")}


def step_digits(text: str | None, lang: str, step: str) -> str:
    """The digits a data step asks for, found anywhere in the words ("" when none)."""
    wanted = STEP_SLOTS.get(step)
    if not wanted or not text:
        return ""
    found = heard(text, lang) if step == "block_number" else slots(text, lang, step)
    return next((str(found[key]) for key in wanted if found.get(key)), "")


def second_request(text: str) -> str | None:
    """The words of a second request joined to the first ("…, and also block 555-0142")."""
    parts = clauses(text)
    return parts[1] if len(parts) == 2 else None


def with_next(got, text: str, lang: str, understand):
    """Two requests in one message (issue 21): the first is what ``got`` asks for, the second
    rides along as its ``next`` slot ([journey, slots]) for the conversation to offer after it.
    Two plans named for one cancellation are two requests too (R4: each confirmed). ``got`` is
    an ``Understanding``; ``understand`` reads the second clause the same way."""
    intent = got.intent
    if not got.sure or intent.kind != "journey" or intent.slot("next"):
        return got
    named = heard(text, lang).get("plans") or ()
    if intent.value == "cancel_plan" and len(named) >= 2 and named[1] in PRODUCTS:
        return _riding(got, intent, intent.slots, ["cancel_plan", {"plan": PRODUCTS[named[1]]}])
    part = second_request(text)
    if part is None:
        return got
    first, second = understand(text[:len(text) - len(part)], lang), understand(part, lang)
    if not (first.sure and second.sure and first.intent.kind == second.intent.kind == "journey"):
        return got
    if (first.intent.value, first.intent.slots) == (second.intent.value, second.intent.slots):
        return got
    return _riding(first, first.intent, first.intent.slots, [second.intent.value, dict(second.intent.slots)])


def of_command(journey, arg: str | None, lang: str, understand) -> dict:
    """A command's slots: its own words (``Journey.command_slots``), then the details of the
    sentence after it ("BLOCK 212 555 0143, they keep calling me"), and a second request
    joined to it ("BLOCK 555-0142 and also change my number") as ``next``."""
    given = journey.command_slots(arg) if journey.command_slots else {}
    if not arg:
        return given
    part = second_request(arg)
    own = arg[:len(arg) - len(part)] if part else arg
    found = {**given, **(journey.slots_heard(heard(own, lang)) if journey.slots_heard else {})}
    if part:
        second = understand(part, lang)
        if second.sure and second.intent.kind == "journey" and second.intent.value != journey.name:
            found["next"] = [second.intent.value, dict(second.intent.slots)]
    named = heard(arg, lang).get("plans") or ()
    if journey.name == "cancel_plan" and len(named) >= 2 and named[1] in PRODUCTS:
        found["next"] = ["cancel_plan", {"plan": PRODUCTS[named[1]]}]
    return found


def _riding(got, intent, slots: dict, nxt: list):
    from dataclasses import replace

    from core.intents import journey

    return replace(got, intent=journey(intent.value, **{**slots, "next": nxt}))


# The measured comparison ---------------------------------------------------------------------------
# (text, lang, the phone number in it) — written for this comparison, from the forms people use.
PHONE_CASES = (
    ("block 212 555 0143, they keep calling me", "2125550143"),
    ("please block (917) 555-0142 right now", "9175550142"),
    ("+1 212.555.0143 keeps calling", "2125550143"),
    ("1-212-555-0143", "2125550143"),
    ("the number is 2125550143", "2125550143"),
    ("block 555-0142", "5550142"),
    ("two one two five five five zero one four three", "2125550143"),
    ("two one two five five five oh one four three", "2125550143"),
    ("nine one seven triple five oh one four two", "9175550142"),
    ("it's two one two double five five zero one four three", "2125550143"),
    ("two twelve five fifty-five oh one four three", "2125550143"),
    ("eight hundred five five five one two one two", "8005551212"),
    ("one two one two five five five zero one four three", "2125550143"),
    ("bloquea el 212 555 0143 por favor", "2125550143"),
    ("dos uno dos cinco cinco cinco cero uno cuatro tres", "2125550143"),
    ("nueve uno siete cinco cinco cinco cero uno cuatro dos", "9175550142"),
    ("dos uno dos doble cinco cinco cero uno cuatro tres", "2125550143"),
    ("nueve uno siete triple cinco cero uno cuatro dos", "9175550142"),
    ("doscientos doce cinco cinco cinco cero uno cuatro tres", "2125550143"),
    ("dos doce cinco cincuenta y cinco cero uno cuarenta y tres", "2125550143"),
    ("me llaman del (305) 555-0199", "3055550199"),
    ("el número es tres cero cinco, cinco cinco cinco, cero uno nueve nueve", "3055550199"),
    ("it was 212 555 0143 2 times today", "2125550143"),
    ("me llamaron del 305 555 0199 3 veces", "3055550199"),
    ("block +1 (212) 555-0143 and 917 555 0142", "2125550143"),
)


def compare(out=sys.stdout) -> dict[str, int]:
    """Right answers of each way of reading phone numbers, on PHONE_CASES."""
    ways = {
        "hand reader + phonenumbers matcher": lambda t, lg: phones(t, lg),
        "hand reader + runs of digits": lambda t, lg: phones_by_runs(t, lg),
        "text2num + phonenumbers matcher": lambda t, lg: phones(t, lg, reader=text2num_digits),
        "text2num + runs of digits": lambda t, lg: phones_by_runs(t, lg, reader=text2num_digits),
    }
    from vocabulary.language_id import language_of

    cases = [(text, language_of(text, languages.DEFAULT_CODE), want) for text, want in PHONE_CASES]
    score = {}
    for label, way in ways.items():
        score[label] = sum(1 for t, lg, want in cases if (way(t, lg) or [None])[0] == want)
        print(f"{label:40} {score[label]}/{len(PHONE_CASES)}", file=out)
    return score


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    compare()
