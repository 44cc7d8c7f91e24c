"""`howcanwe serve` tunes the garbage collector once it is up (figures in docs/slack.md)."""

from __future__ import annotations

import gc

from bot.app import YOUNG_GENERATION, tune_garbage_collector


def test_the_start_up_heap_is_frozen_and_young_objects_are_collected_less_often() -> None:
    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (YOUNG_GENERATION, *before[1:])
    finally:  # leave the test process as it was
        gc.unfreeze()
        gc.set_threshold(*before)
