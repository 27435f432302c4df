"""core/locale_tables.py is Babel's data, and core/formatting.py formats with it exactly as Babel
would: the module regenerated from the installed Babel is the one checked in (after a Babel
upgrade that changes a name, run `python -m core.locale_source`), and every day of 2024–2035 and
lists of every length up to six, in every language of the registry, are Babel's own output."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from babel.dates import format_date
from babel.lists import format_list as babel_list

from core import formatting, languages, locale_source

ITEMS = ["Text Archive", "Call Recording", "a", "{0}", "Ñandú", "x, y"]


def test_the_checked_in_tables_are_the_ones_babel_gives_today():
    assert locale_source.TARGET.read_text(encoding="utf-8") == locale_source.render(), (
        "Babel's data changed: run `python -m core.locale_source` and review the difference")


@pytest.mark.parametrize("lang", languages.CODES)
def test_every_day_of_2024_to_2035_is_written_as_babel_writes_it(lang):
    language = languages.get(lang)
    day, last = dt.date(2024, 1, 1), dt.date(2035, 12, 31)
    while day <= last:
        want = format_date(day, language.date_pattern, locale=language.babel_locale).replace(".", "")
        assert formatting._format(day, lang) == want
        day += dt.timedelta(days=1)
    for far in (dt.date(1999, 9, 9), dt.date(2100, 2, 28), dt.date(9999, 12, 31)):
        assert formatting._format(far, lang) == format_date(far, language.date_pattern,
                                                            locale=language.babel_locale).replace(".", "")


@pytest.mark.parametrize("lang", languages.CODES)
@pytest.mark.parametrize("style", locale_source.LIST_STYLES)
def test_lists_of_every_length_are_babels(lang, style):
    locale = languages.get(lang).list_locale
    for n in range(len(ITEMS) + 1):
        assert formatting.format_list(ITEMS[:n], style, lang) == babel_list(ITEMS[:n], style, locale=locale)
    assert formatting.and_list(iter(ITEMS[:3]), lang) == babel_list(ITEMS[:3], locale=locale)


def test_a_worker_formatting_dates_and_lists_never_loads_babel():
    probe = ("import sys; from core import formatting as f; from vocabulary import slots; "
             "print(f.day('2026-12-15', 'es'), '|', f.and_list(['a', 'b', 'c'], 'en'), '|', slots._o_is_or('es'), "
             "'|', any(m == 'babel' or m.startswith('babel.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, "SWITCHBOARD_MODEL_CACHE": "off"})
    assert out.stdout.strip() == "15 de dic de 2026 | a, b and c | True | False"
