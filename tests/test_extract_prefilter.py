"""The lexicon's literal pre-check never changes what matches, only how fast."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from progleton.extract import lexicon as lx
from progleton.extract.prefilter import may_match, required_literals

# Words the appeal patterns are made of, so generated text often comes close to matching.
_VOCAB = sorted(
    {w for pat, _ in lx.APPEAL_PATTERNS for w in re.findall(r"[a-zà-ÿ$£€]{2,}", pat.pattern)}
)


def test_required_literals_of_simple_shapes() -> None:
    assert required_literals(re.compile(r"\bsupport (?:us|our work)\b")) == {"support "}
    assert required_literals(re.compile(r"\b(?:donate|chip in) now")) == {"donate", "chip in"}
    assert required_literals(re.compile(r"\b(?:a|b)\w+")) is None  # too short to help
    # A literal anywhere in the sequence guards it, not only a leading one.
    assert required_literals(re.compile(r"\w+ today")) == {" today"}
    assert required_literals(re.compile(r"\bad[- ]?blockers?\b")) == {"blocker"}
    # sre parses "newsroom|nonprofit" as "n" then a branch: the branch still guards.
    assert required_literals(re.compile(r"\b(?:newsroom|nonprofit)\b")) == {"ewsroom", "onprofit"}
    # A class of symbols is as rare as a long literal; each branch of a top-level alternation
    # brings its own literals.
    assert required_literals(re.compile(r"[$£€] ?\d+")) == {"$", "£", "€"}
    assert required_literals(re.compile(r"\bgive (?:now|today)\b|\bya (?:eres|es) socio")) == {
        "give now",
        "give today",
        " socio",
    }
    assert required_literals(re.compile(r"[a-z] ?\d+")) is None  # letters are everywhere
    assert required_literals(re.compile(r"(?:x)?yes", re.IGNORECASE)) is None


def test_every_appeal_pattern_is_guarded() -> None:
    assert [p.pattern for p, _, keys in lx.APPEAL_GUARDED if keys is None] == []


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_VOCAB, "now", "today", "your", "the", "1", "$", "£5", "€", "a"]),
        max_size=30,
    )
)
def test_the_pre_check_never_hides_a_match(words: list[str]) -> None:
    text = " ".join(words)
    candidates = {p.pattern for p, _ in lx.APPEAL_INDEX.candidates(text)}
    for pat, _, keys in lx.APPEAL_GUARDED:
        if pat.search(text):
            assert may_match(keys, text), (pat.pattern, text)
            assert pat.pattern in candidates, (pat.pattern, text)


def test_appeals_still_score_and_news_does_not() -> None:
    from progleton.extract.boilerplate import STRONG, appeal_score

    appeal = "Support independent journalism: become a member today from just $3 a month."
    assert appeal_score(appeal) >= STRONG
    assert appeal_score("The council voted on Tuesday to close the bridge, officials said.") == 0
