"""The who-said-what benchmark's scoring helpers, on an invented brat file (no PolNeAR text)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import quotes as bench  # noqa: E402

TEXT = '"We will win," Ana Ruiz said. Tom Berg believes it. The plan includes "a wall," aides said.'


def _at(word: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(word, after)
    return (start, start + len(word))


def _brat(tmp_path: Path) -> Path:
    spans = {
        "T1": ("Source", _at("Ana Ruiz")),
        "T2": ("Cue", _at("said")),
        "T3": ("Content", _at('"We will win,"')),
        "T4": ("Source", _at("Tom Berg")),
        "T5": ("Cue", _at("believes")),
        "T6": ("Content", _at("it")),
        "T7": ("Source", _at("aides")),
        "T8": ("Cue", _at("said", 40)),
        "T9": ("Content", _at('"a wall,"')),
    }
    lines = [f"{t}\t{label} {a} {b}\t{TEXT[a:b]}" for t, (label, (a, b)) in spans.items()]
    lines += [
        "E1\tAttribution:T10 Content:T3 Cue:T2 Source:T1",
        "E2\tAttribution:T11 Content:T6 Cue:T5 Source:T4",
        "E3\tAttribution:T12 Content:T9 Cue:T8 Source:T7",
    ]
    path = tmp_path / "a_1.ann"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_brat_relations_are_read_with_their_spans(tmp_path: Path) -> None:
    rels = bench.parse_ann(_brat(tmp_path))
    assert [TEXT[r.cue[0][0] : r.cue[0][1]] for r in rels] == ["said", "believes", "said"]
    assert rels[0].source == [_at("Ana Ruiz")]
    assert rels[2].content == [_at('"a wall,"')]


def test_misses_and_direct_speaker_kinds(tmp_path: Path) -> None:
    gold = bench.parse_ann(_brat(tmp_path))
    # Found: the first quote with a source one word too long; the second quote's cue with
    # the right source. Missed: "believes".
    pred = [
        bench.Rel([_at("said")], [(_at("Ana")[0], _at("said")[1])], [_at('"We will win,"')]),
        bench.Rel([_at("said", 40)], [_at("aides")], [_at('"a wall,"')]),
    ]
    docs = [("a", TEXT, gold)]
    assert bench._missed_cues(docs, [pred]) == ["believes"]
    kinds = bench._direct_errors(docs, [pred])
    assert kinds["right"] == 1 and kinds["boundary"] == 1
    assert kinds["no prediction"] == 0
    # Nothing predicted: both direct quotes are unanswered, and every cue is missed.
    assert bench._direct_errors(docs, [[]])["no prediction"] == 2
    assert sorted(bench._missed_cues(docs, [[]])) == ["believes", "said", "said"]
