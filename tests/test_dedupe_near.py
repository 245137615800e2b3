"""Near-duplicate detection: copies under each syndication edit, and what is not a copy."""

from __future__ import annotations

import random
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from progleton.dedupe import near

_SUBJECTS = ["The council", "The harbour authority", "A coalition of residents", "The ministry"]
_VERBS = ["approved", "delayed", "criticised", "funded", "reviewed", "postponed", "defended"]
_OBJECTS = [
    "the new tram line", "plans for a sea wall", "the hospital budget", "a school reform",
    "the water levy", "a housing scheme near the old port", "the wind farm permit",
]  # fmt: skip
_TAILS = [
    "after months of debate", "despite objections from local businesses",
    "citing rising costs", "before the end of the year", "following a public consultation",
    "while opponents called for an independent review", "in a vote late on Tuesday",
]  # fmt: skip


def story(seed: int, paragraphs: int = 6) -> str:
    """A generated news body of unique sentences (about 25 words each)."""
    rng = random.Random(seed)
    paras = []
    for p in range(paragraphs):
        sentences = []
        for s in range(3):
            n = rng.randint(2, 980)
            sentences.append(
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
                f"{rng.choice(_TAILS)}, and {n} people in district {seed}-{p}-{s} were told "
                f"that {rng.choice(_OBJECTS)} would be {rng.choice(_VERBS)} {rng.choice(_TAILS)}."
            )
        paras.append(" ".join(sentences))
    return "\n\n".join(paras)


ORIGINAL = story(1)
INTRO = (
    "Editor's note: The Valley Courier publishes this report from our partners at a "
    "regional news service, with minor edits for length and local style."
)
APPEAL = (
    "Independent journalism depends on readers like you. Please donate today.\n\n"
    "Sign up for our free morning newsletter to get the news in your inbox."
)


def words_edited(text: str, share: float, seed: int = 0) -> str:
    rng = random.Random(seed)
    paras = [p.split() for p in text.split("\n\n")]
    slots = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    for i, j in rng.sample(slots, k=round(len(slots) * share)):
        paras[i][j] = paras[i][j][::-1] + "x"
    return "\n\n".join(" ".join(p) for p in paras)


def first_share(text: str, share: float) -> str:
    words = text.split()
    return " ".join(words[: round(len(words) * share)])


def swapped(text: str) -> str:
    paras = text.split("\n\n")
    paras[0], paras[3] = paras[3], paras[0]
    paras[1], paras[4] = paras[4], paras[1]
    return "\n\n".join(paras)


def reformatted(text: str) -> str:
    out = text.upper().replace(",", "").replace("\n\n", "   ")
    return out.replace(" and ", " — and ").replace("'", "’")


COPIES = {
    "light_edit": words_edited(ORIGINAL, 0.03),
    "headline": "Council vote leaves tram line in doubt\n\n" + ORIGINAL,
    "trimmed": first_share(ORIGINAL, 0.6),
    "first_half": first_share(ORIGINAL, 0.5),
    "intro": INTRO + "\n\n" + ORIGINAL,
    "appeal": ORIGINAL + "\n\n" + APPEAL,
    "reorder": swapped(ORIGINAL),
    "format": reformatted(ORIGINAL),
    "combined": reformatted(
        "New headline\n\n" + INTRO + "\n\n" + words_edited(first_share(ORIGINAL, 0.7), 0.02)
    )
    + "\n\n"
    + APPEAL,
}


def test_every_kind_of_copy_is_found_and_nothing_else() -> None:
    index = near.NearDuplicateIndex()
    index.add("original", near.fingerprint(ORIGINAL))
    for seed in range(2, 12):
        index.add(f"other-{seed}", near.fingerprint(story(seed)))
    for kind, text in COPIES.items():
        hits = index.query(near.fingerprint(text))
        assert [h for h, _ in hits] == ["original"], kind
        assert hits[0][1].is_copy, kind


def test_copy_is_found_in_either_direction() -> None:
    half = near.fingerprint(first_share(ORIGINAL, 0.5))
    full = near.fingerprint(ORIGINAL)
    assert near.overlap(half, full) == near.overlap(full, half)
    assert near.overlap(half, full).containment == 1.0
    assert near.overlap(half, full).jaccard < 0.6


def test_unrelated_articles_are_not_copies() -> None:
    a, b = near.fingerprint(story(1)), near.fingerprint(story(2))
    assert not near.overlap(a, b).is_copy


SAME_EVENT_A = """
The city council voted on Tuesday night to approve a new tram line linking the old port with
the university, ending a debate that had run for more than three years. The project is
expected to cost about 480 million and will be built in two phases, the first of which
should open in 2028. Council leader Maria Okafor said the decision was a turning point for
public transport in the region. "This is the right decision for the city," she told
reporters after the vote. Opponents, including several local business groups, argued that
construction would disrupt trade in the city centre for years and that the cost estimates
were far too optimistic. A final contract is due to be signed in the spring.
"""
SAME_EVENT_B = """
After years of wrangling, councillors have finally given the green light to the tram route
between the harbour district and the university campus. Tuesday's vote, passed by a narrow
margin, commits the city to spending roughly 480 million on a line that will open in stages
from 2028. "This is the right decision for the city," said council leader Maria Okafor,
who has championed the scheme since her election. Shopkeepers along the planned route are
less enthusiastic: many fear that road closures will drive customers away, and a business
association has threatened legal action over the consultation process. Officials hope to
sign contracts with a builder early next year.
"""


def test_same_event_written_differently_is_not_a_copy() -> None:
    a, b = near.fingerprint(SAME_EVENT_A), near.fingerprint(SAME_EVENT_B)
    assert a.comparable and b.comparable
    ov = near.overlap(a, b)
    assert ov.shared > 0  # the shared quote
    assert not ov.is_copy
    index = near.NearDuplicateIndex()
    index.add("a", a)
    assert index.query(b) == []


def test_short_texts_are_not_comparable() -> None:
    brief = "The council approved the tram line on Tuesday night after a long debate."
    fp = near.fingerprint(brief)
    assert 0 < fp.words < near.MIN_WORDS
    assert not fp.comparable and fp.bands == ()
    assert fp.content_hash == near.fingerprint(brief.upper() + "!").content_hash
    same = near.fingerprint(brief)
    assert not near.overlap(fp, same).is_copy
    index = near.NearDuplicateIndex()
    index.add("brief", fp)
    assert len(index) == 0
    assert index.query(same) == []


def test_empty_and_unicode_input() -> None:
    empty = near.fingerprint("")
    assert empty == near.Fingerprint("", 0, frozenset(), ())
    assert near.fingerprint("  \n\t — … ").words == 0
    assert not near.overlap(empty, empty).is_copy
    text = "Ｔｈｅ ｃａｆé “Zürich” straße " + ORIGINAL
    plain = 'The café "Zürich" STRASSE ' + ORIGINAL
    fp = near.fingerprint(text)
    assert fp.content_hash == near.fingerprint(plain).content_hash
    assert near.words_of("Crème brûlée, 東京 and Москва!") == [
        "crème",
        "brûlée",
        "東京",
        "and",
        "москва",
    ]


def test_band_keys_are_stable_across_processes() -> None:
    fp = near.fingerprint(ORIGINAL)
    assert len(fp.bands) == near.BANDS
    assert all(0 <= k < 2**63 for k in fp.bands)
    code = (
        "import sys; from progleton.dedupe import near; "
        "print(near.fingerprint(sys.stdin.read()).bands)"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=ORIGINAL,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        )
        assert out.stdout.strip() == str(fp.bands)


def test_stored_blob_gives_the_same_decision() -> None:
    orig = near.fingerprint(ORIGINAL)
    copy = near.fingerprint(COPIES["combined"])
    blob = near.encode_shingles(orig.shingles)
    assert len(blob) < 4 * len(orig.shingles)
    assert near.is_copy_of(copy, near.decode_shingles(blob), orig.words) == near.overlap(copy, orig)


@settings(max_examples=200, deadline=None)
@given(st.frozensets(st.integers(min_value=0, max_value=2**32 - 1), max_size=3000))
def test_shingle_blob_round_trip(shingles: frozenset[int]) -> None:
    assert near.decode_shingles(near.encode_shingles(shingles)) == shingles


def test_shingle_blob_edges() -> None:
    for values in ([0], [2**32 - 1], [0, 2**32 - 1], list(range(5000)), [7] * 3):
        assert near.decode_shingles(near.encode_shingles(values)) == frozenset(values)
    try:
        near.encode_shingles([2**32])
    except ValueError:
        pass
    else:
        raise AssertionError("a 33-bit value must be refused")
