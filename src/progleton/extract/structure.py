"""Page-level furniture: paragraphs that are chrome because of where they stand or what the
page says about them, not because of their words alone.

* the head: kickers ("Review"), bylines and role lines above the story, and a title, byline and
  dateline glued into the first paragraph;
* related-link lists: runs of lines that are each the whole text of a link on the page;
* widgets: stock-quote tables;
* the author's bio box at the end ("Jane Doe is a reporter for X. Send tips to ...").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from progleton.extract import lexicon as lx
from progleton.extract import lexicon_meta as lm
from progleton.extract.dates import ABSOLUTE
from progleton.extract.lines import Block, ends_sentence, is_headline_like, label, word_count
from progleton.extract.names import is_person_name

_NOT_NAME = (
    r"(?!(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|updated|published)\b)"
)
# Case matters after "by": names are capitalised ("by Jane Doe", not "by the way").
_GLUED_BYLINE = re.compile(
    r"\s*(?i:by)\s+" + _NOT_NAME + r"[A-Z][\w.'’-]*(?:\s+" + _NOT_NAME + r"[A-Z][\w.'’-]*){0,3}"
)
_GLUED_DATE = re.compile(
    r"\s*[,|·–—-]?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?=\w)",
    re.IGNORECASE,
)
_BYLINE_LEAD = re.compile(r"^(?:by|written by|words by|von|par|por)\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_HEAD = 4  # blocks before the story that may be kickers and bylines
_BIO_TAIL = 0.5  # a bio box stands in the second half of the page


def mark(
    blocks: Sequence[Block],
    reasons: list[str | None],
    offsets: Sequence[float],
    *,
    authors: Collection[str] = (),
    links: Collection[str] = (),
) -> None:
    """Set `reasons[i]` for page-level furniture (where it is still None)."""
    author_keys = {label(a) for a in authors}
    _head(blocks, reasons, author_keys)
    if links:
        _link_runs(blocks, reasons, links)
    _widgets(blocks, reasons)
    for i, b in enumerate(blocks):
        if reasons[i] is None and offsets[i] >= _BIO_TAIL and is_bio(b.text, author_keys):
            reasons[i] = "bio"


def is_byline(text: str, author_keys: Collection[str] = ()) -> bool:
    """ "By Jane Doe and John Roe", or a line that is just the article's author."""
    t = text.strip()
    if label(t) in author_keys:
        return True
    rest = _BYLINE_LEAD.sub("", t)
    if rest == t or word_count(t) > 12 or ends_sentence(t):
        return False
    parts = [p for p in _NAME_SPLIT.split(rest) if p]
    return bool(parts) and all(is_person_name(p) or label(p) in author_keys for p in parts)


def is_bio(text: str, author_keys: Collection[str] = ()) -> bool:
    """An author's bio box: "<Name> is a writer for X", with contact details or the byline."""
    t = text.strip()
    match = lx.BIO_START.match(t)
    if not match or word_count(t) > 80:
        return False
    name = label(t.split(" is ", 1)[0])
    return bool(lx.BIO_CONTACT.search(t)) or name in author_keys


def strip_glued_head(text: str, title: str | None) -> str:
    """Remove a title + byline + dateline run into the first paragraph.

    "Big rocketby Jane Doe Monday, November 18, 2019 Earlier this month..." -> "Earlier this
    month...". Only when the paragraph starts with the title and a byline or date follows.
    """
    if not title or len(text) <= len(title) + 20:
        return text
    if not text.casefold().startswith(title.casefold()):
        return text
    rest = text[len(title) :]
    byline = _GLUED_BYLINE.match(rest)
    if byline:
        rest = rest[byline.end() :]
    lead = _GLUED_DATE.match(rest)
    date = ABSOLUTE.match(rest, lead.end()) if lead else None
    if date:
        rest = rest[date.end() :]
    if not (byline or date) or not rest.strip():
        return text
    return rest.lstrip(" ,.;:|-–—")


def _head(blocks: Sequence[Block], reasons: list[str | None], author_keys: set[str]) -> None:
    """Kickers, bylines and role lines above the first paragraph of the story."""
    for i in range(min(len(blocks), _HEAD)):
        t = blocks[i].text.strip()
        if word_count(t) >= 12 and ends_sentence(t):
            return  # the story has started
        if reasons[i] is not None:
            continue
        if word_count(t) <= 3 and label(t) in lm.SECTION_LABELS:
            reasons[i] = "kicker"
        elif is_byline(t, author_keys):
            reasons[i] = "byline"
        elif (
            i + 1 < len(blocks)
            and is_person_name(t)
            and lx.ROLE_LINE.match(blocks[i + 1].text.strip())
        ):
            # "Jane Doe" / "Culture editor": a byline box.
            reasons[i] = reasons[i + 1] = "byline"


def _link_runs(blocks: Sequence[Block], reasons: list[str | None], links: Collection[str]) -> None:
    """Two or more lines in a row that are each a whole link's text: a related-links list."""

    def is_link(i: int) -> bool:
        t = blocks[i].text
        return 2 <= word_count(t) <= 30 and " ".join(t.split()).lower() in links

    i, n = 0, len(blocks)
    while i < n:
        j = i
        while j < n and is_link(j):
            j += 1
        if j - i >= 2:
            start = i
            # The module's own heading ("More on this story") goes with it.
            if i > 0 and blocks[i - 1].kind == "heading" and is_headline_like(blocks[i - 1].text):
                start = i - 1
            for k in range(start, j):
                reasons[k] = reasons[k] or "links"
        i = max(j, i + 1)


def _widgets(blocks: Sequence[Block], reasons: list[str | None]) -> None:
    """Stock-quote tables: a header of quote columns and the rows under it."""
    i, n = 0, len(blocks)
    while i < n:
        cells = [c.strip().lower() for c in blocks[i].text.split(" | ")]
        if (
            blocks[i].kind == "table"
            and len(cells) >= 3
            and set(cells) <= lx.TICKER_CELLS
            and {"ticker", "symbol"} & set(cells)
        ):
            j = i
            while j < n and blocks[j].kind == "table":
                reasons[j] = reasons[j] or "widget"
                j += 1
            i = j
        else:
            i += 1
