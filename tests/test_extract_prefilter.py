"""The lexicon's literal pre-check never changes what matches, only how fast."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progleton.extract import lexicon as lx
from progleton.extract import lines
from progleton.extract.prefilter import Guarded, PatternIndex, guarded, required_literals

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
    # Case-insensitive: lower-case literals (looked for in the lower-cased text); a literal
    # holding a character `re` folds unlike `str.lower` ("ı" matches "I") is not one.
    assert required_literals(re.compile(r"(?:x)?YES", re.IGNORECASE)) == {"yes"}
    assert required_literals(re.compile(r"\bhakları saklıdır", re.IGNORECASE)) == {"haklar"}
    # A Hangul or Han character is as rare as a short word.
    assert required_literals(re.compile(r"무단\s?전재")) == {"무단"}


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
            assert keys is not None and any(k in text for k in keys), (pat.pattern, text)
            assert pat.pattern in candidates, (pat.pattern, text)


def test_appeals_still_score_and_news_does_not() -> None:
    from progleton.extract.boilerplate import STRONG, appeal_score

    appeal = "Support independent journalism: become a member today from just $3 a month."
    assert appeal_score(appeal) >= STRONG
    assert appeal_score("The council voted on Tuesday to close the bridge, officials said.") == 0


_LINE_RULES = [
    lines._FOOTER,
    lines._CHROME,
    lines._POLICY,
    lines._CONTACT,
    lines._PROMO_HEADING,
    lines._CREDIT,
    lines._CAPTION_CREDIT,
]
# Their words in any case, with the characters `re` folds unlike `str.lower`.
_LINE_VOCAB = sorted(
    {w for g in _LINE_RULES for w in re.findall(r"[^\W\d_]{2,}|[©@(ⓒ]", g.pattern.pattern)}
)
_HAZARDS = ["\u0131", "\u0130", "\u017f", "\u212a", "\u03a3", "\u1c80"]


def test_every_line_rule_is_guarded() -> None:
    assert [g.pattern.pattern[:40] for g in _LINE_RULES if g.keys is None] == []


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*_LINE_VOCAB, "by", "to", "2024", "x@y.org", *_HAZARDS]),
            st.sampled_from(["lower", "upper", "title", "same"]),
        ),
        max_size=12,
    ),
    st.sampled_from([" ", "", ": "]),
)
def test_guarded_line_rules_match_as_their_patterns(words: list[tuple[str, str]], sep: str) -> None:
    text = sep.join(w if case == "same" else getattr(w, case)() for w, case in words)
    for g in _LINE_RULES:
        assert bool(g.search(text)) == bool(g.pattern.search(text)), (g.pattern.pattern, text)
        assert bool(g.match(text)) == bool(g.pattern.match(text)), (g.pattern.pattern, text)


def test_a_folding_character_is_never_skipped() -> None:
    # "ı" (dotless i) matches "I" and "i" in a case-insensitive pattern but lower-cases to
    # itself: the pre-check cannot see "copyright" in it, so such a text is always searched.
    pattern = re.compile(r"\bcopyright\b", re.IGNORECASE)
    text = "Copyr\u0131ght 2024"
    assert pattern.search(text)
    assert Guarded(pattern).search(text)
    assert Guarded(pattern).search("no notice here") is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*_VOCAB, "your", "the", "$", "’ve", "“x”", "a"]), max_size=12),
        min_size=1,
        max_size=6,
    )
)
def test_an_index_narrowed_to_a_page_gives_each_paragraph_the_same_candidates(
    paragraphs: list[list[str]],
) -> None:
    from progleton.extract.boilerplate import appeal_index, appeal_score, unquoted

    texts = [" ".join(words) for words in paragraphs]
    narrowed = appeal_index(texts)
    for text in texts:
        low = unquoted(text.strip()).lower()
        assert narrowed.candidates(low) == lx.APPEAL_INDEX.candidates(low)
        assert appeal_score(text, narrowed) == appeal_score(text)


def test_the_literal_finder_sees_overlapping_and_nested_literals() -> None:
    from progleton.extract.prefilter import literal_finder

    find = literal_finder(["subscri", "subscribe", "scribe now", "your"])
    assert find("please subscribe now") == {"subscri", "subscribe", "scribe now"}
    assert find("nothing to see") == set()
    assert literal_finder([])("anything") == set()


def test_an_index_refuses_case_insensitive_patterns() -> None:
    # Their literals are for the lower-cased text and need Guarded's exceptions ("ſign up").
    with pytest.raises(ValueError, match="case-insensitive"):
        PatternIndex.build(guarded([(re.compile("sign up", re.IGNORECASE), 1.0)]))


def test_the_fold_exceptions_come_from_re() -> None:
    from progleton.extract.prefilter import _FOLD_HAZARDS

    # Taken from re's private case-fix table: if a Python release drops or renames it, the
    # import fails; if it empties it, this does.
    assert {"\u0131", "\u017f", "\u0130", "\u03c2"} <= _FOLD_HAZARDS
    assert all(not ch.isascii() for ch in _FOLD_HAZARDS)
    assert re.match("s", "\u017f", re.IGNORECASE) and "\u017f".lower() != "s"
