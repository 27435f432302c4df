"""The integrated interpreter on the development turns written apart (vocabulary/phrases/turns_dev/):
their table, and with ``--failures`` every turn read wrong (they are ours to read).

    python -m vocabulary.dev_turns [--failures]
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - run by hand
    from vocabulary.evaluate import evaluate, integrated, labelled_as, read_right
    from vocabulary.held_out import load_dev_turns

    argv = sys.argv[1:] if argv is None else argv
    rows = load_dev_turns()
    print(evaluate(integrated, rows=rows, near_misses=[], name="development turns").table())
    if "--failures" in argv:
        for row in rows:
            act, intent, slots = labelled_as(integrated(row.case))
            if not read_right(row, act, intent, slots):
                print(f"{row.source}\t{row.case.channel}/{row.case.step}\twant {row.act}/{row.intent} "
                      f"{dict(row.slots) or ''}\tgot {act}/{intent} {dict(slots) or ''}\t{row.case.text}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
