"""Issue 26: the understanding's caches stay small in a long-lived worker. A turn reads its text
several times (the act rules, the act model, the intent model, the slots), so a few entries are
enough; 1,024 to 4,096 of them had grown a worker's Python heap by about 11.6 MB after 3,000
distinct turns (bench/README.md, "Memory a worker")."""

from __future__ import annotations

import gc
import tracemalloc


def test_fifteen_hundred_distinct_turns_grow_the_heap_by_little():
    from vocabulary.evaluate import integrated
    from vocabulary.held_out import Case
    from vocabulary.training_turns import load

    turns = list(load())[:1500]
    integrated(Case("hello", "sms", "command", "en"))  # the models loaded, the fixed tables built
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for t in turns:
            integrated(Case(t.text, t.channel, t.step, t.lang))
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 2_500_000, f"{grown / 1e6:.1f} MB"
