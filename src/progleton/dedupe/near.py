"""Near-duplicate bodies across publishers: LSH band keys for candidates, containment to decide.

A syndicated wire story reaches readers through many sites, each with small changes: a new
headline, a trimmed ending, an added intro or donation appeal, reordered paragraphs. Most
word shingles (runs of `SHINGLE_WORDS` words) of the body survive all of these. Each body
gets a MinHash-style signature, cut into LSH bands; an article sharing any band key with an
earlier one is a candidate, and a candidate is a copy only when the exact shingle
*containment* of the shorter text in the longer is high. Containment rather than Jaccard
similarity is what finds partial copies: half a wire story inside a local site's page has
Jaccard 0.5 with the original but containment near 1.

The signature is one-permutation hashing (one hash per shingle, split into `NUM_PERM` bins
by its top bits, the minimum of each bin kept, empty bins filled from the next full one):
the same collision probability per slot as `NUM_PERM` independent permutations at a
fraction of the cost. Band keys and shingle hashes are plain integers computed with stable
hashes (never Python's per-process salted `hash()`), so the index can live in the store and
survive restarts: one BIGINT per band and one `encode_shingles` blob per article. The
decision logic is in plain functions (`overlap_of`, `is_copy_of`) so that the SQL store and
the in-memory `NearDuplicateIndex` agree. `bench/dedupe.py` measures precision, recall and
speed, and records how these constants were chosen.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Words per shingle: long enough that two articles on the same event rarely share many
#: (quotes aside), short enough that light edits break few.
SHINGLE_WORDS = 5
#: Signature slots (one-permutation-hashing bins); a power of two.
NUM_PERM = 64
#: 32 bands of 2 rows: an article sharing ~15% of its shingles with another is almost
#: always a candidate (a trimmed or padded copy's Jaccard can be that low); containment
#: then decides.
BANDS = 32
ROWS = NUM_PERM // BANDS
#: Shorter bodies (teasers, captions, briefs) are too short to call copies by content.
MIN_WORDS = 40
#: Share of the shorter text's shingles found in the longer one for a copy.
CONTAINMENT = 0.6
#: A partial copy with additions of its own (intro, appeal, headline around part of a short
#: original) shares less of itself but a long run verbatim: at least `LONG_SHARED` shingles
#: (about that many words) covering `PARTIAL_CONTAINMENT` of the shorter text. A shared
#: template block alone (one publisher's intro and appeal, ~110 words) stays under it.
LONG_SHARED = 120
PARTIAL_CONTAINMENT = 0.4

U64 = npt.NDArray[np.uint64]

_WORD = re.compile(r"\w+")
_BIN_BITS = NUM_PERM.bit_length() - 1
_MASK32 = np.uint64(0xFFFFFFFF)
# Multipliers of the shingle combiner (odd, so no bits are lost) and of splitmix64's finaliser.
_MULT = tuple(np.uint64((0x9E3779B97F4A7C15 >> i) | 1) for i in range(SHINGLE_WORDS))
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S32 = (np.uint64(s) for s in (30, 27, 31, 32))
_BIN_SHIFT = np.uint64(32 - _BIN_BITS)
_BIN_STARTS = np.arange(NUM_PERM, dtype=np.uint64) << _BIN_SHIFT
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
_EMPTY_STEP = np.uint64(0x2545F491)  # shifts values borrowed by empty bins, per bin skipped

# Token hashes: news vocabulary repeats, so a bounded cache saves most of the hashing.
_TOKEN_CACHE: dict[str, int] = {}
_TOKEN_CACHE_MAX = 500_000
_CACHE_LOCK = threading.Lock()

_BLOB_VERSION = 1
_HEADER = struct.Struct("<BIB")  # version, count, low bits per value (Elias-Fano)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedupe keeps of a body: exact hash, shingle hashes and LSH band keys."""

    content_hash: str  # over the normalised word sequence; "" when the body is empty
    words: int
    shingles: frozenset[int]  # 32-bit shingle hashes
    bands: tuple[int, ...]  # empty when the body is too short to compare by content

    @property
    def comparable(self) -> bool:
        """Long enough for a content comparison."""
        return bool(self.bands)


def words_of(text: str) -> list[str]:
    """Normalised word tokens: NFKC, case-folded, Unicode letters and digits."""
    if text.isascii():
        return _WORD.findall(text.lower())
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _mix(x: U64) -> U64:
    """splitmix64's finaliser, in place: every input bit reaches every output bit."""
    with np.errstate(over="ignore"):
        x ^= x >> _S30
        x *= _C1
        x ^= x >> _S27
        x *= _C2
        x ^= x >> _S31
    return x


def _token_hashes(words: list[str]) -> U64:
    cache = _TOKEN_CACHE
    missing = set(words).difference(cache)
    if missing:
        if len(cache) + len(missing) > _TOKEN_CACHE_MAX:
            with _CACHE_LOCK:
                cache.clear()
        for w in missing:
            digest = hashlib.blake2b(w.encode(), digest_size=8).digest()
            cache[w] = int.from_bytes(digest, "little")
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(words: list[str]) -> U64:
    """32-bit hashes of every run of `SHINGLE_WORDS` words (unique, sorted)."""
    if len(words) < SHINGLE_WORDS:
        return np.zeros(0, dtype=np.uint64)
    tok = _token_hashes(words)
    n = len(words) - SHINGLE_WORDS + 1
    acc = tok[:n] * _MULT[0]
    with np.errstate(over="ignore"):
        for i in range(1, SHINGLE_WORDS):
            acc ^= tok[i : i + n]
            acc *= _MULT[i]
    # Sort and drop repeats by hand: np.unique hashes instead, many times slower here.
    acc = np.sort(_mix(acc) >> _S32)
    return acc[np.concatenate(([True], acc[1:] != acc[:-1]))]


def signature_of(shingles: U64) -> U64:
    """`NUM_PERM` slots: the least shingle hash in each bin of the hash range.

    `shingles` must be sorted (as `shingle_hashes` returns them), so a bin's least value is
    its first. An empty bin takes the next full bin's value, shifted by how far it looked,
    so that two sets agree on it about as often as on a full one (Shrivastava and Li's
    densification).
    """
    if shingles.size == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint64)
    first = np.searchsorted(shingles, _BIN_STARTS)
    full = first < shingles.size
    full[full] = (shingles[first[full]] >> _BIN_SHIFT) == _BIN_STARTS[full] >> _BIN_SHIFT
    slots = np.flatnonzero(full)
    values = np.zeros(NUM_PERM, dtype=np.uint64)
    values[slots] = shingles[first[slots]]
    if slots.size < NUM_PERM:
        empty = np.flatnonzero(~full)
        nxt = np.searchsorted(slots, empty) % slots.size
        distance = (slots[nxt] - empty) % NUM_PERM
        with np.errstate(over="ignore"):
            values[empty] = (
                values[slots[nxt]] + distance.astype(np.uint64) * _EMPTY_STEP
            ) & _MASK32
    return values


def band_keys(signature: U64) -> tuple[int, ...]:
    """One non-negative 63-bit key per LSH band (band number mixed in), storable as BIGINT."""
    rows = signature.reshape(BANDS, ROWS)
    acc = _BAND_SALT.copy()
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            acc = _mix(acc ^ rows[:, r])
    return tuple((acc >> np.uint64(1)).tolist())


def fingerprint(text: str) -> Fingerprint:
    """Fingerprint an article body (plain text)."""
    words = words_of(text)
    if not words:
        return Fingerprint("", 0, frozenset(), ())
    joined = " ".join(words).encode()
    digest = hashlib.sha1(joined, usedforsecurity=False).hexdigest()
    sh = shingle_hashes(words)
    bands: tuple[int, ...] = ()
    if len(words) >= MIN_WORDS:
        bands = band_keys(signature_of(sh))
    return Fingerprint(digest, len(words), frozenset(sh.tolist()), bands)


@dataclass(frozen=True, slots=True)
class Overlap:
    """How much of two bodies is shared, by shingles."""

    containment: float  # |A ∩ B| / min(|A|, |B|)
    jaccard: float
    shared: int = 0  # |A ∩ B|

    @property
    def is_copy(self) -> bool:
        """True when the shorter body is mostly inside the longer one, or a long part of it is."""
        return self.containment >= CONTAINMENT or (
            self.shared >= LONG_SHARED and self.containment >= PARTIAL_CONTAINMENT
        )


_NONE = Overlap(0.0, 0.0, 0)


def overlap_of(a: frozenset[int], b: frozenset[int]) -> Overlap:
    """Exact overlap of two shingle sets (of comparable bodies)."""
    if not a or not b:
        return _NONE
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    inter = len(small & large)
    return Overlap(inter / len(small), inter / (len(small) + len(large) - inter), inter)


def is_copy_of(a: Fingerprint, b_shingles: frozenset[int], b_words: int) -> Overlap:
    """`overlap` against a stored article (its decoded shingle blob and word count)."""
    if a.words < MIN_WORDS or b_words < MIN_WORDS:
        return _NONE
    return overlap_of(a.shingles, b_shingles)


def overlap(a: Fingerprint, b: Fingerprint) -> Overlap:
    """Exact shingle overlap of two fingerprints; none when either is too short to compare."""
    return is_copy_of(a, b.shingles, b.words)


def encode_shingles(shingles: Iterable[int]) -> bytes:
    """A compact blob of 32-bit shingle hashes (Elias-Fano: about 3 bytes each).

    Sorted values split into low bits, stored as they are, and high bits, stored as gaps in
    unary; near-optimal for random hashes, where delta varints or zlib gain almost nothing.
    """
    values = np.array(sorted(shingles), dtype=np.uint64)
    n = int(values.size)
    if n and int(values[-1]) > 0xFFFFFFFF:
        raise ValueError("shingle hashes must fit in 32 bits")
    low = max(0, ((1 << 32) // max(n, 1)).bit_length() - 1)
    high = (values >> np.uint64(low)) + np.arange(n, dtype=np.uint64)
    upper = np.zeros(n + (1 << (32 - low)), dtype=np.uint8)
    upper[high.astype(np.intp)] = 1
    bits = np.arange(low - 1, -1, -1, dtype=np.uint64)
    lower = ((values[:, None] >> bits) & np.uint64(1)).astype(np.uint8)
    return (
        _HEADER.pack(_BLOB_VERSION, n, low)
        + np.packbits(upper).tobytes()
        + np.packbits(lower).tobytes()
    )


def decode_shingles(blob: bytes) -> frozenset[int]:
    """The shingle hashes an `encode_shingles` blob holds."""
    version, n, low = _HEADER.unpack_from(blob)
    if version != _BLOB_VERSION:
        raise ValueError(f"unknown shingle blob version {version}")
    if n == 0:
        return frozenset()
    upper_bits = n + (1 << (32 - low))
    start = _HEADER.size
    upper_end = start + (upper_bits + 7) // 8
    upper = np.unpackbits(
        np.frombuffer(blob, dtype=np.uint8, count=upper_end - start, offset=start)
    )
    high = np.flatnonzero(upper)[:n].astype(np.uint64) - np.arange(n, dtype=np.uint64)
    values = high << np.uint64(low)
    if low:
        lower = np.unpackbits(np.frombuffer(blob, dtype=np.uint8, offset=upper_end))[: n * low]
        weights = np.uint64(1) << np.arange(low - 1, -1, -1, dtype=np.uint64)
        values |= lower.reshape(n, low).astype(np.uint64) @ weights
    return frozenset(values.tolist())


class NearDuplicateIndex:
    """Band keys and shingle sets in memory; the store keeps the same two things in tables."""

    def __init__(self) -> None:
        self._bands: dict[int, list[Hashable]] = {}
        self._shingles: dict[Hashable, frozenset[int]] = {}

    def __len__(self) -> int:
        return len(self._shingles)

    def add(self, article_id: Hashable, fp: Fingerprint) -> None:
        """Index a body; bodies too short to compare are left out."""
        if not fp.comparable or article_id in self._shingles:
            return
        self._shingles[article_id] = fp.shingles
        for key in fp.bands:
            self._bands.setdefault(key, []).append(article_id)

    def candidates(self, fp: Fingerprint) -> list[Hashable]:
        """Indexed articles sharing at least one band key with `fp`, most shared first."""
        found: Counter[Hashable] = Counter()
        for key in fp.bands:
            found.update(self._bands.get(key, ()))
        return [article_id for article_id, _ in found.most_common()]

    def query(self, fp: Fingerprint) -> list[tuple[Hashable, Overlap]]:
        """Indexed articles `fp` is a copy of (or that are copies of it), best first."""
        if not fp.comparable:
            return []
        hits = []
        for article_id in self.candidates(fp):
            ov = overlap_of(fp.shingles, self._shingles[article_id])
            if ov.is_copy:
                hits.append((article_id, ov))
        hits.sort(key=lambda hit: (-hit[1].containment, -hit[1].jaccard))
        return hits
