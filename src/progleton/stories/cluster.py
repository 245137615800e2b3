"""Online story clustering: each new article joins the most similar open story or starts one.

A story is the sum of its members' article vectors (`features.vectorize`: TF-IDF of title
words and word pairs, body lead and capitalised names, IDF learned online), so it drifts with
the coverage instead of staying pinned to whichever article came first. Similarity is the
cosine between an article and a story's centroid, damped by the time between the article
and the story's span, so that a recurring theme a week later starts a new story.

Cost per article stays flat as the store grows because only *open* stories can be joined
(seen within `window_hours`, at most `max_open` of them) and only stories sharing one of the
article's rarest terms are scored: an inverted index maps centroid terms to open stories,
the article's `probe_terms` highest-weighted terms pick candidates, and the `rescore` best
by partial score get an exact cosine. Centroids keep their `max_story_terms` heaviest terms.

One-pass clustering splits stories whose first articles looked different; `merge_pass`
repairs that by merging recently active stories whose centroids have grown alike.

The whole state (document frequencies, open stories, the next story id) serialises to a
zlib-compressed JSON blob (`to_bytes`/`from_bytes`) for the store.

Optional semantic mode (`embedder=`, see `stories.semantic`; off by default): each story
also keeps the sum of its members' sentence embeddings, and every similarity (join, merge,
`similarity`) becomes ``w * cos(embedding, centroid) + (1 - w) * sqrt(TF-IDF cosine)``,
time-damped as before, with its own thresholds (`SemanticParams`). Candidates still come
from the inverted index, so the cost per article stays flat; the embedding itself (a batch
at a time with `add_many`) is most of the cost. Without an embedder nothing changes, the
state included, and nothing of the embedding stack is imported.
"""

from __future__ import annotations

import base64
import heapq
import json
import math
import operator
import sys
import zlib
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from progleton.stories.features import (
    Featurizer,
    FieldWeights,
    TermCounts,
    Vector,
    Vocabulary,
    dot,
    vectorize,
)

if TYPE_CHECKING:
    from progleton.stories.semantic import Embedder

_FORMAT = 2


@dataclass(frozen=True, slots=True)
class ClusterParams:
    """Every tunable of the clusterer (defaults tuned on `bench/stories.py`)."""

    #: Least (time-damped) cosine between an article and a story's centroid to join it. Both
    #: benches agree on ~0.12: best one-pass B-cubed F1 on Google News titles, and the
    #: F1-best cut for "same story" on the SemEval-2022 English article pairs (0.12-0.14).
    threshold: float = 0.12
    #: Similarity decays with the hours between an article and a story's span, with this
    #: time scale (e-folding), down to `decay_floor` of its value: coverage of one event is
    #: bunched in time, a theme that returns days later is usually a new event.
    time_scale_hours: float = 12.0
    decay_floor: float = 0.5
    #: A story unseen for this long is closed (it can no longer be joined).
    window_hours: float = 72.0
    #: At most this many open stories; the least recently joined close first.
    max_open: int = 10_000
    #: Least (time-damped) cosine between two centroids for `merge_pass` to merge two stories
    #: of more than `absorb_size` articles ...
    merge_threshold: float = 0.18
    #: ... and for a smaller story to be absorbed by a larger one: the join threshold, i.e. a
    #: fragment merges when its centroid could have joined. Lower helps short titles (0.10:
    #: Google News B-cubed F1 0.857 instead of 0.851) but merges distinct stories that share
    #: a name when there are bodies (synthetic bench: 0.876 instead of 0.927).
    absorb_threshold: float = 0.12
    absorb_size: int = 10
    #: `merge_pass` compares stories joined within this many hours of `now`.
    merge_window_hours: float = 24.0
    #: Candidate stories come from the postings of the article's heaviest terms ...
    probe_terms: int = 12
    #: ... and this many of them, best by partial score, get an exact cosine.
    rescore: int = 12
    #: Terms kept per story centroid (the heaviest); bounds memory and scoring cost.
    max_story_terms: int = 120
    #: Document frequencies kept for IDF (the most frequent); rarer terms count as unseen.
    max_vocabulary: int = 200_000
    #: Feature-set weights (see `features.FieldWeights`).
    title_weight: float = 1.0
    title_pairs: float = 0.5
    body_weight: float = 1.0
    names_weight: float = 0.5

    def field_weights(self) -> FieldWeights:
        """The feature-set weights as `features.FieldWeights`."""
        return FieldWeights(
            title=self.title_weight,
            title_pairs=self.title_pairs,
            body=self.body_weight,
            names=self.names_weight,
        )


@dataclass(frozen=True, slots=True)
class SemanticParams:
    """The semantic mode's tunables (used only with an embedder; tuned on `bench/stories.py`).

    Similarity is ``weight * embedding cosine + (1 - weight) * sqrt(TF-IDF cosine)``; the
    square root spreads the lexical cosines, which bunch near 0 for unrelated texts.
    """

    #: Embedding share of the mix: best |Pearson| on the SemEval-2022 training pairs (0.873 at
    #: 0.6 and 0.7, within 0.01 from 0.4 to 1.0); Google News titles prefer 0.6 to 0.7.
    weight: float = 0.6
    #: Least (time-damped) mixed similarity to join a story: best Google News B-cubed F1 (0.35
    #: to 0.55 tried); the SemEval training pairs' best "same story" cut is higher (0.46), as
    #: whole articles agree more than titles.
    threshold: float = 0.4
    #: Least mixed similarity between two grown stories for `merge_pass` to merge them ...
    merge_threshold: float = 0.5
    #: ... and for a small story (`ClusterParams.absorb_size`) to be absorbed by a larger one:
    #: the join threshold, as in the default mode (0.35 adds 0.007 Google News B-cubed F1, but
    #: absorbing below the join threshold merged distinct stories in the synthetic bench).
    absorb_threshold: float = 0.4


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where `StoryClusterer.add` put an article."""

    article_id: int
    story_id: int
    similarity: float  # to the story joined (0.0 for a new story)
    created: bool  # True: this article started a new story


Embedding: TypeAlias = "array[float]"  # array("f"): float32 numbers


class _Story:
    __slots__ = ("emb", "enorm", "first", "id", "last", "norm", "size", "vec")

    def __init__(
        self, sid: int, first: int, last: int, size: int, vec: Vector, emb: Embedding | None = None
    ) -> None:
        self.id = sid
        self.first = first  # times (see `_epoch`) of the earliest and latest member
        self.last = last
        self.size = size
        self.vec = vec  # sum of member unit vectors, pruned to the heaviest terms
        self.norm = math.sqrt(sum(x * x for x in vec.values()))
        # Semantic mode: sum of member embeddings (None: no member was embedded).
        self.emb = emb
        self.enorm = _norm(emb) if emb is not None else 0.0


def _edot(a: Embedding, b: Embedding) -> float:
    return math.fsum(map(operator.mul, a, b))


def _norm(emb: Embedding) -> float:
    return math.sqrt(_edot(emb, emb))


def _eadd(into: Embedding | None, other: Embedding) -> Embedding:
    if into is None:
        return array("f", other)
    if len(into) != len(other):
        raise ValueError(f"embedding of {len(other)} numbers for a {len(into)}-number centroid")
    return array("f", map(operator.add, into, other))


def _smaller(a: _Story, b: _Story) -> bool:
    # Fewer articles, or as many and younger: the one absorbed in a merge.
    return (a.size, -a.id) < (b.size, -b.id)


_UNIX = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_HOUR = 3_600_000_000  # microseconds


# Times are kept as integer microseconds since 1970 (UTC): exact through the JSON state.
def _epoch(when: datetime) -> int:
    # Naive times are taken as UTC (what the store holds); aware ones are converted.
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - _UNIX) // _US


def _pack(code: str, values: Iterable[float]) -> str:
    # Little-endian machine values in base64: exact, and fast to write and read.
    packed = array(code, values)
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack(code: str, text: str) -> array[Any]:
    packed = array(code, base64.b64decode(text))
    if sys.byteorder != "little":
        packed.byteswap()
    return packed


def _iso(us: int) -> str:
    return (_UNIX + us * _US).isoformat()


def _from_iso(raw: str) -> int:
    return _epoch(datetime.fromisoformat(raw))


class StoryClusterer:
    """Online single-pass story clustering over a bounded pool of open stories.

    With an `embedder` (`stories.semantic`), similarities mix in sentence embeddings with
    `semantic`'s weight and thresholds; without one (the default) they are TF-IDF only.
    """

    def __init__(
        self,
        params: ClusterParams | None = None,
        *,
        embedder: Embedder | None = None,
        semantic: SemanticParams | None = None,
    ) -> None:
        self.params = params or ClusterParams()
        self.embedder = embedder
        self.semantic = semantic or SemanticParams()
        p, sp = self.params, self.semantic
        on = embedder is not None
        self._threshold = sp.threshold if on else p.threshold
        self._merge_at = sp.merge_threshold if on else p.merge_threshold
        self._absorb_at = sp.absorb_threshold if on else p.absorb_threshold
        self._weights = self.params.field_weights()
        self._featurizer = Featurizer(self._weights)
        self.vocab = Vocabulary()
        # Open stories, least recently joined first (joins move a story to the end).
        self._open: OrderedDict[int, _Story] = OrderedDict()
        self._postings: dict[str, set[int]] = {}
        self._next_id = 1
        self._dirty: set[int] = set()  # stories changed since the last merge pass
        self._now: int | None = None  # latest article time seen

    # -- public API ---------------------------------------------------------------------------

    @property
    def open_stories(self) -> int:
        """Number of stories that can still be joined."""
        return len(self._open)

    @property
    def next_story_id(self) -> int:
        """The id the next new story will get."""
        return self._next_id

    def add(
        self,
        article_id: int,
        title: str,
        body: str,
        when: datetime,
        embedding: Sequence[float] | None = None,
    ) -> Assignment:
        """Online: join the best open story above the threshold, or start a new one.

        In semantic mode the article is embedded here unless its `embedding` is given
        (`add_many` embeds a whole batch at once, which is far faster).
        """
        emb: Embedding | None = None
        if self.embedder is not None:
            if embedding is None:
                emb = self.embedder.embed([(title, body)])[0]
            else:
                emb = array("f", embedding)
            if len(emb) != self.embedder.dim:
                raise ValueError(f"embedding of {len(emb)} numbers, expected {self.embedder.dim}")
        ts = _epoch(when)
        if self._now is None or ts > self._now:
            self._now = ts
            self._expire()
        counts = self._featurizer.counts(title, body)
        self._count(counts)
        vec = vectorize(counts, self.vocab, self._weights)
        best, score = self._best(vec, ts, emb)
        if best is not None and score >= self._threshold:
            self._join(best, vec, ts, emb)
            return Assignment(article_id, best.id, score, False)
        story = _Story(self._next_id, ts, ts, 1, {})
        self._next_id += 1
        self._open[story.id] = story
        self._join(story, vec, ts, emb, new=True)
        while len(self._open) > self.params.max_open:
            self._close(next(iter(self._open)))
        return Assignment(article_id, story.id, 0.0, True)

    def add_many(self, articles: Sequence[tuple[int, str, str, datetime]]) -> list[Assignment]:
        """`add` each (article_id, title, body, when) in order; embeds them as one batch."""
        if self.embedder is None:
            return [self.add(*a) for a in articles]
        embs = self.embedder.embed([(title, body) for _, title, body, _ in articles])
        if len(embs) != len(articles):
            raise ValueError(f"the embedder gave {len(embs)} vectors for {len(articles)} articles")
        return [self.add(*a, embedding=e) for a, e in zip(articles, embs, strict=True)]

    def observe(self, title: str, body: str) -> None:
        """Count an article's terms for IDF only (no clustering), e.g. to warm up a vocabulary."""
        self._count(self._featurizer.counts(title, body))

    def merge_pass(self, now: datetime | None = None) -> list[tuple[int, int]]:
        """Repair early mistakes: merge open stories that have become similar.

        Returns (absorbed_id, into_id) pairs; the absorbed story is gone from the pool
        afterwards. Only stories that changed since the last pass are compared, with the open
        stories joined within `merge_window_hours` of `now` (default: the latest article
        time); the smaller story is absorbed by the larger.
        """
        p = self.params
        ref = _epoch(now) if now is not None else self._now
        if ref is None:
            return []
        since = ref - p.merge_window_hours * _HOUR
        dirty, self._dirty = self._dirty, set()
        seen: set[tuple[int, int]] = set()
        pairs: list[tuple[float, int, int]] = []
        for sid in sorted(dirty):
            s = self._open.get(sid)
            if s is None or s.last < since or not s.norm:
                continue
            for o in self._candidates(s.vec, exclude=s.id):
                key = (min(s.id, o.id), max(s.id, o.id))
                if o.last < since or key in seen:
                    continue
                seen.add(key)
                small, big = (o, s) if _smaller(o, s) else (s, o)
                sim = self._story_similarity(small, big)
                if sim >= self._merge_threshold(small, big):
                    pairs.append((sim, small.id, big.id))
        pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
        merged: list[tuple[int, int]] = []
        for _, small_id, big_id in pairs:
            small_or_none, big_or_none = self._open.get(small_id), self._open.get(big_id)
            if small_or_none is None or big_or_none is None:
                continue
            small, big = small_or_none, big_or_none
            if _smaller(big, small):
                small, big = big, small
            # Earlier merges in this pass changed the centroids: check again.
            if self._story_similarity(small, big) < self._merge_threshold(small, big):
                continue
            self._absorb(small, big)
            merged.append((small.id, big.id))
        return merged

    def similarity(self, title_a: str, body_a: str, title_b: str, body_b: str) -> float:
        """Pairwise article similarity in [0, 1] with the current vocabulary/IDF.

        In semantic mode, the same mix of embedding and TF-IDF cosines as joins use.
        """
        a = vectorize(self._featurizer.counts(title_a, body_a), self.vocab, self._weights)
        b = vectorize(self._featurizer.counts(title_b, body_b), self.vocab, self._weights)
        lexical = min(1.0, max(0.0, dot(a, b)))
        if self.embedder is None:
            return lexical
        ea, eb = self.embedder.embed([(title_a, body_a), (title_b, body_b)])
        na, nb = _norm(ea), _norm(eb)
        cos = _edot(ea, eb) / (na * nb) if na and nb else None
        return min(1.0, max(0.0, self._mix(lexical, cos)))

    def to_bytes(self) -> bytes:
        """The whole state (vocabulary, open stories, next id) as zlib'd JSON."""
        # Numbers travel as packed arrays (`_pack`): exact, so a restored clusterer decides as
        # the saved one would, and several times faster than JSON numbers, which matters as the
        # pipeline saves the state with every batch.
        stories = [
            [s.id, _iso(s.first), _iso(s.last), s.size, list(s.vec), _pack("d", s.vec.values())]
            for s in self._open.values()
        ]
        if self.embedder is not None:
            # Semantic mode only (the default state is unchanged): centroids as float32.
            for row, s in zip(stories, self._open.values(), strict=True):
                row.append(_pack("f", s.emb) if s.emb is not None else "")
        state: dict[str, Any] = {
            "format": _FORMAT,
            "params": asdict(self.params),
            "next_id": self._next_id,
            "dirty": sorted(self._dirty),
            "now": _iso(self._now) if self._now is not None else None,
            "n_docs": self.vocab.n_docs,
            "terms": list(self.vocab.df),
            "df": _pack("q", self.vocab.df.values()),
            "stories": stories,
        }
        if self.embedder is not None:
            state["embedder"] = {"name": self.embedder.name, "dim": self.embedder.dim}
            state["semantic"] = asdict(self.semantic)
        raw = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        return zlib.compress(raw.encode(), 3)

    @classmethod
    def from_bytes(
        cls,
        blob: bytes,
        params: ClusterParams | None = None,
        *,
        embedder: Embedder | None = None,
        semantic: SemanticParams | None = None,
    ) -> StoryClusterer:
        """Restore a clusterer saved with `to_bytes` (`params` overrides the saved ones).

        Story embedding centroids are restored when `embedder` is the model that made them
        (same name and size); otherwise they are dropped and stories without one are compared
        by sqrt(TF-IDF cosine) alone until an embedded article joins them. `semantic`
        defaults to the saved semantic parameters.
        """
        state = json.loads(zlib.decompress(blob))
        fmt = state.get("format")
        if fmt not in (1, _FORMAT):
            raise ValueError(f"unknown story clusterer state format {fmt!r}")
        if params is None:
            known = {f.name for f in fields(ClusterParams)}
            params = ClusterParams(**{k: v for k, v in state["params"].items() if k in known})
        if semantic is None:
            known = {f.name for f in fields(SemanticParams)}
            saved = state.get("semantic") or {}
            semantic = SemanticParams(**{k: v for k, v in saved.items() if k in known})
        self = cls(params, embedder=embedder, semantic=semantic)
        model = state.get("embedder")
        keep_emb = (
            embedder is not None
            and model is not None
            and model.get("name") == embedder.name
            and int(model.get("dim", -1)) == embedder.dim
        )
        self._next_id = int(state["next_id"])
        self._dirty = {int(i) for i in state.get("dirty", ())}
        self._now = _from_iso(state["now"]) if state["now"] else None
        if fmt == 1:
            df = state["df"]
        else:
            df = dict(zip(state["terms"], _unpack("q", state["df"]), strict=True))
        self.vocab = Vocabulary(int(state["n_docs"]), df)
        for sid, first, last, size, *rest in state["stories"]:
            if fmt == 1:  # weights as a JSON object
                vec = {str(k): float(v) for k, v in rest[0].items()}
            else:
                vec = dict(zip(rest[0], _unpack("d", rest[1]), strict=True))
            emb = _unpack("f", rest[2]) if keep_emb and len(rest) > 2 and rest[2] else None
            story = _Story(int(sid), _from_iso(first), _from_iso(last), int(size), vec, emb)
            self._open[story.id] = story
            for term in vec:
                self._postings.setdefault(term, set()).add(story.id)
        return self

    # -- internals ----------------------------------------------------------------------------

    def _count(self, counts: TermCounts) -> None:
        self.vocab.add(counts)
        # Pruning sorts the whole vocabulary: let it overshoot by a quarter between prunes.
        if len(self.vocab.df) > self.params.max_vocabulary * 1.25:
            self.vocab.prune(self.params.max_vocabulary)

    def _candidates(self, vec: Vector, exclude: int = 0) -> list[_Story]:
        """Open stories sharing one of `vec`'s heaviest terms, best partial scores first."""
        p = self.params
        if not vec:
            return []
        acc: defaultdict[int, float] = defaultdict(float)
        postings = self._postings
        stories = self._open
        # The heaviest terms that some open story has: a term first seen in this very
        # article is the heaviest of all and can find nothing.
        probed = 0
        for term, x in sorted(vec.items(), key=lambda kv: kv[1], reverse=True):
            ids = postings.get(term)
            if not ids:
                continue
            for sid in ids:
                acc[sid] += x * stories[sid].vec[term]
            probed += 1
            if probed == p.probe_terms:
                break
        acc.pop(exclude, None)
        if len(acc) > p.rescore:
            top = heapq.nlargest(p.rescore, acc, key=lambda sid: acc[sid] / stories[sid].norm)
            return [stories[sid] for sid in top]
        return [stories[sid] for sid in acc]

    def _decay(self, story: _Story, ts: int) -> float:
        gap = max(0, story.first - ts, ts - story.last) / _HOUR
        if gap <= 0:
            return 1.0
        floor = self.params.decay_floor
        return floor + (1.0 - floor) * math.exp(-gap / self.params.time_scale_hours)

    def _mix(self, lexical: float, cos: float | None) -> float:
        # Semantic mode's similarity; without an embedding on either side, sqrt(lexical).
        root = math.sqrt(max(0.0, lexical))
        if cos is None:
            return root
        w = self.semantic.weight
        return w * max(0.0, cos) + (1.0 - w) * root

    def _best(
        self, vec: Vector, ts: int, emb: Embedding | None = None
    ) -> tuple[_Story | None, float]:
        best: _Story | None = None
        best_score = 0.0
        semantic = self.embedder is not None
        enorm = _norm(emb) if emb is not None else 0.0
        for story in self._candidates(vec):
            score = dot(vec, story.vec) / story.norm
            if semantic:
                cos = None
                if emb is not None and story.emb is not None and enorm and story.enorm:
                    cos = _edot(emb, story.emb) / (enorm * story.enorm)
                score = self._mix(score, cos)
            score *= self._decay(story, ts)
            if score > best_score:
                best, best_score = story, score
        return best, min(1.0, best_score)

    def _join(
        self,
        story: _Story,
        vec: Vector,
        ts: int,
        emb: Embedding | None = None,
        new: bool = False,
    ) -> None:
        if emb is not None:
            story.emb = _eadd(story.emb, emb)
            story.enorm = _norm(story.emb)
        sv = story.vec
        postings = self._postings
        for term, x in vec.items():
            if term in sv:
                sv[term] += x
            else:
                sv[term] = x
                postings.setdefault(term, set()).add(story.id)
        if not new:
            story.size += 1
            story.first = min(story.first, ts)
            if ts > story.last:
                story.last = ts
            self._open.move_to_end(story.id)
        self._dirty.add(story.id)
        self._prune(story)

    def _prune(self, story: _Story) -> None:
        sv = story.vec
        cap = self.params.max_story_terms
        if len(sv) > cap:
            keep = heapq.nlargest(cap, sv.items(), key=lambda kv: kv[1])
            dropped = sv.keys() - {k for k, _ in keep}
            for term in dropped:
                self._unpost(term, story.id)
            story.vec = sv = dict(keep)
        story.norm = math.sqrt(sum(x * x for x in sv.values()))

    def _unpost(self, term: str, sid: int) -> None:
        ids = self._postings.get(term)
        if ids is not None:
            ids.discard(sid)
            if not ids:
                del self._postings[term]

    def _close(self, sid: int) -> None:
        story = self._open.pop(sid)
        self._dirty.discard(sid)
        for term in story.vec:
            self._unpost(term, sid)

    def _expire(self) -> None:
        if self._now is None:
            return
        horizon = self._now - self.params.window_hours * _HOUR
        while self._open:
            story = next(iter(self._open.values()))
            if story.last >= horizon:
                break
            self._close(story.id)

    def _merge_threshold(self, small: _Story, big: _Story) -> float:
        p = self.params
        if small.size <= p.absorb_size < big.size:
            return self._absorb_at
        return self._merge_at

    def _story_similarity(self, a: _Story, b: _Story) -> float:
        # Centroid cosine, damped like article similarity by the gap between the two spans.
        if not a.norm or not b.norm:
            return 0.0
        cos = dot(a.vec, b.vec) / (a.norm * b.norm)
        if self.embedder is not None:
            ecos = None
            if a.emb is not None and b.emb is not None and a.enorm and b.enorm:
                ecos = _edot(a.emb, b.emb) / (a.enorm * b.enorm)
            cos = self._mix(cos, ecos)
        gap = max(0, a.first - b.last, b.first - a.last) / _HOUR
        if gap <= 0:
            return cos
        floor = self.params.decay_floor
        return cos * (floor + (1.0 - floor) * math.exp(-gap / self.params.time_scale_hours))

    def _absorb(self, small: _Story, big: _Story) -> None:
        self._close(small.id)
        sv = big.vec
        for term, x in small.vec.items():
            if term in sv:
                sv[term] += x
            else:
                sv[term] = x
                self._postings.setdefault(term, set()).add(big.id)
        if small.emb is not None:
            big.emb = _eadd(big.emb, small.emb)
            big.enorm = _norm(big.emb)
        big.size += small.size
        big.first = min(big.first, small.first)
        big.last = max(big.last, small.last)
        self._dirty.add(big.id)
        self._prune(big)
