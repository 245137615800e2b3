"""Boilerplate removal by general rules: appeals, UI labels, page chrome, footers.

Used twice: as a post-filter on trafilatura's paragraphs (HTML path) and on the lines of plain-text
dumps (text path). Nothing here knows any publisher; the rules describe kinds of furniture:

* appeals and calls to action (donations, memberships, newsletters, paywalls, ad-blocker walls),
  scored by a weighted lexicon plus features of how appeals talk (to "you", as "we", with prices
  and imperatives) minus features of how news talks (reporting verbs, quotations, figures);
* single lines that are furniture by kind (lines.py): UI labels and widget strings, alt-text
  fragments, date/counter lines, separators, copyright and standards footers, photo credits,
  contact lines, promo headings, aggregator chrome;
* page-level furniture (structure.py): kickers and bylines above the story, related-link runs,
  quote widgets, bio boxes;
* link lists ("Related", "More from X", "Leggi anche") and their teasers.

An appeal near the end of a page takes the rest of the page with it unless news prose clearly
resumes: that is how the buttons and half-sentences around an appeal go, whatever they say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import accumulate

from progleton.extract import lexicon as lx
from progleton.extract import structure
from progleton.extract.lines import (
    Block,
    ends_sentence,
    is_chrome,
    is_footer,
    is_fragment,
    is_headline_like,
    is_link_list_heading,
    is_link_out,
    is_meta_line,
    is_ui_label,
    label,
    line_reason,
    word_count,
    words,
)
from progleton.extract.prefilter import PatternIndex

__all__ = [
    "STRONG",
    "WEAK",
    "Block",
    "appeal_score",
    "ends_sentence",
    "explain",
    "filter_blocks",
    "filter_paragraphs",
    "is_chrome",
    "is_cta_label",
    "is_footer",
    "is_fragment",
    "is_link_out",
    "is_meta_line",
    "is_prose",
    "is_ui_label",
    "line_reason",
    "word_count",
    "words",
]

STRONG = 4.0  # an appeal on its own
WEAK = 2.0  # appeal-ish: removed when it touches a strong appeal
TAIL_FRACTION = 0.5  # an appeal starting after this share of the text ends the article
_WIDGET_SUFFIX = re.compile(
    r"\s*(?:click to tweet|tweet this|\(opens in (?:a )?new (?:tab|window)\))$", re.IGNORECASE
)


def unquoted(text: str) -> str:
    """The text with quotations removed, i.e. what the writer says in their own voice."""
    return lx.QUOTED.sub(" ", text.replace("’", "'").replace("‘", "'"))


def first_plural(text: str) -> int:
    """How often the writer says we/our/us outside quotations."""
    return len(lx.FIRST_PLURAL.findall(unquoted(text)))


def appeal_score(text: str, index: PatternIndex = lx.APPEAL_INDEX) -> float:
    """How much a paragraph reads like an appeal or call to action (>= STRONG: it is one).

    `index` may be the appeal lexicon narrowed to a page's paragraphs (`appeal_index`).
    """
    raw = text.strip()
    if not raw:
        return 0.0
    plain = unquoted(raw)
    low = plain.lower()
    lexical = sum(w for pat, w in index.candidates(low) if pat.search(low))
    if lexical <= 0:
        return 0.0
    you = len(lx.SECOND_PERSON.findall(low))
    we = len(lx.FIRST_PLURAL.findall(plain))
    imperative = bool(lx.CTA_START.search(plain.strip()))
    money = bool(lx.MONEY.search(low))
    features = min(0.5 * you, 2.0) + min(0.4 * we, 1.6)
    features += 1.5 if imperative else 0.0
    features += 1.0 if money else 0.0
    features += 0.5 if you and "?" in plain else 0.0
    # Features say *how* something is said; they can at most double what the words say, so a
    # chatty paragraph with one "subscription" in it stays a paragraph.
    score = lexical + min(features, lexical)
    score -= min(2.0 * len(lx.REPORTING.findall(low)), 4.0)
    score -= min(float(len(lx.NEWS_DETAIL.findall(low))), 2.0)
    # Appeals address the reader ("you", imperatives). Third-person prose about donations or
    # subscriptions is a story however many words it shares; "we" alone is the publisher
    # talking, which only counts next to a real ask.
    if not (you or imperative):
        score = min(score, STRONG - 0.5) if we else score * 0.4
    quoted_share = 1.0 - len(plain.strip()) / max(len(raw), 1)
    if quoted_share > 0.5:
        score *= 0.3
    return score


def appeal_index(texts: Iterable[str]) -> PatternIndex:
    """The appeal lexicon narrowed to the literals these paragraphs hold (same scores)."""
    return lx.APPEAL_INDEX.narrow(unquoted(t.strip()).lower() for t in texts)


def is_cta_label(text: str) -> bool:
    """Short imperative appeal lines: "Support the Guardian", "Join our commenting forum"."""
    t = text.strip()
    low = t.lower()
    return (
        word_count(t) <= 10
        and not t.endswith(".")
        and bool(lx.CTA_START.match(t))
        and any(p.search(low) for p, _ in lx.APPEAL_INDEX.candidates(low))
    )


def is_publisher_voice(text: str) -> bool:
    """The publisher talking about itself ("our staff", "our work"), not a news report."""
    plain = unquoted(text)
    return (
        first_plural(text) >= 2
        and bool(lx.SELF_REFERENCE.search(plain))
        and not lx.REPORTING.search(plain)
    )


def is_prose(block: Block) -> bool:
    """Clearly news prose: a real sentence-paragraph that neither asks nor speaks as 'we'."""
    t = block.text
    if block.kind not in ("p", "quote") or word_count(t) < 15 or not ends_sentence(t):
        return False
    plain = unquoted(t).lower()
    return (
        appeal_score(t) < 1.5
        and not lx.SECOND_PERSON.search(plain)
        and (first_plural(t) <= 1 or bool(lx.REPORTING.search(plain)))
    )


def explain(
    blocks: Sequence[Block],
    title: str | None = None,
    *,
    authors: Collection[str] = (),
    links: Collection[str] = (),
) -> list[str | None]:
    """For each block, the reason it is boilerplate, or None when it is kept.

    `authors` (the byline) and `links` (the page's link texts, lower case) let page-level rules
    recognise bylines and related-link lists.
    """
    n = len(blocks)
    reasons: list[str | None] = [line_reason(b) for b in blocks]
    index = appeal_index(b.text for b in blocks)
    scores = [appeal_score(b.text, index) for b in blocks]
    sizes = [len(b.text) + 1 for b in blocks]
    total = sum(sizes) or 1
    offsets = [(done - size) / total for done, size in zip(accumulate(sizes), sizes, strict=True)]
    structure.mark(blocks, reasons, offsets, authors=authors, links=links)

    if title:
        key = label(title)
        for i in range(min(n, 3)):
            if label(blocks[i].text) == key:
                reasons[i] = "title"

    def appealish(i: int) -> bool:
        # Evidence that a block belongs to an appeal: it asks, greets, or is a button.
        t = blocks[i].text.strip()
        return (
            (reasons[i] is not None and reasons[i] != "title")
            or scores[i] >= WEAK
            or is_cta_label(t)
            or bool(lx.SALUTATION.match(t))
            or bool(lx.MESSAGE_HEADING.match(t))
            or is_publisher_voice(t)
        )

    def short(i: int) -> bool:
        # A heading or label; next to an appeal it is the appeal's, but a run of them is a list.
        b = blocks[i]
        return is_headline_like(b.text) and word_count(b.text) <= 8 and not is_prose(b)

    i = 0
    while i < n:
        t = blocks[i].text.strip()
        if reasons[i] is None and (scores[i] >= STRONG or is_cta_label(t)):
            start = i
            while start > 0 and (appealish(start - 1) or _lone(start - 1, short)):
                start -= 1
            end, shorts = i + 1, 0
            if offsets[start] >= TAIL_FRACTION:
                while end < n and not _resumes(blocks, end):
                    end += 1
                # A heading right before resumed prose introduces that prose.
                if end < n and blocks[end - 1].kind == "heading" and not appealish(end - 1):
                    end -= 1
            else:
                while end < n and (appealish(end) or (short(end) and shorts < 3)):
                    shorts = 0 if appealish(end) else shorts + 1
                    end += 1
                while shorts and end < n and not appealish(end - 1):
                    # Mid-page, labels the appeal ran into without more appeal are not its own.
                    end -= 1
                    shorts -= 1
            for j in range(start, end):
                reasons[j] = reasons[j] or "appeal"
            i = end
            continue
        if is_link_list_heading(t) and reasons[i] in (None, "ui"):
            j = i + 1
            # "More from X" late in a page is the recirculation module; a bare "Popular" label
            # may sit inside the story, so it only takes the teaser titles under it.
            cut_all = offsets[i] >= 0.6 and reasons[i] is None and not lx.READ_ALSO.match(t)
            reasons[i] = "links"
            while j < n and (
                cut_all or is_headline_like(blocks[j].text) or blocks[j].kind == "item"
            ):
                reasons[j] = reasons[j] or "links"
                j += 1
            i = j
            continue
        i += 1
    return reasons


def _lone(i: int, short: Callable[[int], bool]) -> bool:
    """A single heading-like line (the appeal's title), not one line of a list of them."""
    return short(i) and (i == 0 or not short(i - 1))


def is_body_text(block: Block) -> bool:
    """A real paragraph of the article's own text: long, a sentence, not asking, not 'we'."""
    t = block.text
    return (
        block.kind in ("p", "quote", "item")
        and word_count(t) >= 12
        and ends_sentence(t)
        and appeal_score(t) < 1.5
        and not is_publisher_voice(t)
    )


def _resumes(blocks: Sequence[Block], i: int) -> bool:
    """Body text clearly resumes at i: a reported or long paragraph, or two in a row."""
    if not is_body_text(blocks[i]):
        return False
    if lx.REPORTING.search(unquoted(blocks[i].text)) or word_count(blocks[i].text) >= 30:
        return True
    return i + 1 < len(blocks) and is_body_text(blocks[i + 1])


def clean_text(text: str) -> str:
    """Strip widget suffixes glued to a paragraph ("... Click To Tweet")."""
    # Every suffix ends in "tweet", "this" or ")": most paragraphs are spared the search.
    if not text.rstrip()[-5:].lower().endswith(("tweet", "this", ")")):
        return text.strip()
    return _WIDGET_SUFFIX.sub("", text).strip()


def filter_blocks(
    blocks: Sequence[Block],
    title: str | None = None,
    *,
    authors: Collection[str] = (),
    links: Collection[str] = (),
) -> list[Block]:
    """Drop boilerplate blocks, keeping the order of the rest (see `explain`)."""
    cleaned = [Block(clean_text(b.text), b.kind) for b in blocks]
    if cleaned:
        cleaned[0] = Block(structure.strip_glued_head(cleaned[0].text, title), cleaned[0].kind)
    reasons = explain(cleaned, title, authors=authors, links=links)
    return [b for b, r in zip(cleaned, reasons, strict=True) if r is None]


def filter_paragraphs(paragraphs: Sequence[str], title: str | None = None) -> list[str]:
    """Drop boilerplate paragraphs (all treated as plain paragraphs)."""
    return [b.text for b in filter_blocks([Block(p) for p in paragraphs], title)]
