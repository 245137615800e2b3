"""Boilerplate removal by general rules: appeals, UI labels, page chrome, footers.

Used twice: as a post-filter on trafilatura's paragraphs (HTML path) and on the lines of plain-text
dumps (text path). Nothing here knows any publisher; the rules describe kinds of furniture:

* appeals and calls to action (donations, memberships, newsletters, paywalls, ad-blocker walls),
  scored by a weighted lexicon plus features of how appeals talk (to "you", as "we", with prices
  and imperatives) minus features of how news talks (reporting verbs, quotations, figures);
* UI labels (buttons and links that became text), alt-text fragments, date/counter lines;
* aggregator chrome ("Read Entire Article", "Source: X") and copyright footers;
* link lists ("Related", "More from X") and their teasers.

An appeal near the end of a page takes the rest of the page with it unless news prose clearly
resumes: that is how the buttons and half-sentences around an appeal go, whatever they say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from progleton.extract import lexicon as lx
from progleton.extract.dates import ABSOLUTE, RELATIVE

STRONG = 4.0  # an appeal on its own
WEAK = 2.0  # appeal-ish: removed when it touches a strong appeal
TAIL_FRACTION = 0.5  # an appeal starting after this share of the text ends the article

# Han and kana characters count one word each: those scripts do not separate words by spaces.
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\W\u3040-\u30ff\u3400-\u9fff]+(?:['’]\w+)*")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_LABEL_STRIP = re.compile(r"[\s\W_]+$|^[\s\W_]+")
_SEPARATORS = re.compile(r"[|·•,;:/()\[\]–—-]+")
_META_WORDS = re.compile(
    r"\b(?:updated|published|posted|last updated|modified|on|at|et|est|edt|pt|pst|pdt|gmt|utc|"
    r"bst|cet|cest|msk|ist|today)\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\b\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\b\.?)?", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TIME_ZONE = re.compile(r"\b[A-Z]{1,4}T\b")
_WIDGET_SUFFIX = re.compile(
    r"\s*(?:click to tweet|tweet this|\(opens in (?:a )?new (?:tab|window)\))$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of body text: a paragraph, heading, list item, quote or table row."""

    text: str
    kind: str = "p"  # p | heading | item | quote | table


def words(text: str) -> list[str]:
    """Word tokens, keeping contractions together."""
    return _WORD.findall(text)


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (., !, ?, possibly inside a closing quote)."""
    return bool(_TERMINAL.search(text.strip()))


def unquoted(text: str) -> str:
    """The text with quotations removed, i.e. what the writer says in their own voice."""
    return lx.QUOTED.sub(" ", text.replace("’", "'").replace("‘", "'"))


def _label(text: str) -> str:
    return " ".join(_LABEL_STRIP.sub("", text.replace("’", "'")).lower().split())


def is_ui_label(text: str) -> bool:
    """Buttons and links that leaked into text: "Continue", "Remind me later.", "Share this"."""
    return len(text) <= 60 and _label(text) in lx.UI_LABELS


def is_fragment(text: str) -> bool:
    """Alt text or a stray caption bit: a few lower-case words that are not a sentence."""
    t = text.strip()
    toks = words(t)
    return (
        0 < len(toks) <= 4
        and t[:2].islower()  # "iPhone sales", "eBay" are names, not fragments
        and not ends_sentence(t)
        and not any(ch.isdigit() for ch in t)
    )


def is_meta_line(text: str) -> bool:
    """A line that is only a date/age plus counters: "7 hours ago 1", "5 min read", "3 comments"."""
    t = text.strip()
    if len(t) > 80:
        return False
    if lx.READING_TIME.match(t) or lx.COUNTER.match(t):
        return True
    rest, n = RELATIVE.subn(" ", t)
    rest, m = ABSOLUTE.subn(" ", rest)
    rest, k = _CLOCK.subn(" ", rest)
    if n + m + k == 0:
        return False
    rest = _META_WORDS.sub(" ", _TIME_ZONE.sub(" ", rest))
    parts = [p.strip() for p in _SEPARATORS.split(rest) if p.strip()]
    return all(lx.COUNTER.match(p) for p in parts)


def is_footer(text: str) -> bool:
    """Copyright and site footers: "© 2024 X. All rights reserved", "X News @2023"."""
    return len(words(text)) <= 20 and bool(lx.FOOTER.search(text))


def is_chrome(text: str) -> bool:
    """Aggregator pointers: "Read Entire Article", "Source: X", "Continue reading at X"."""
    t = text.strip()
    return len(words(t)) <= 16 and bool(lx.CHROME.match(t))


def is_link_out(text: str) -> bool:
    """ "Read more: <other headline>", "Related: ...", or a line that is mostly bare URLs."""
    t = text.strip()
    if len(words(t)) > 30:
        return False
    urls = sum(len(u) for u in _URL.findall(t))
    return bool(lx.LINK_OUT.match(t)) or urls > 0.4 * len(t)


def is_link_list_heading(text: str) -> bool:
    """Headings of recirculation modules: "Related stories", "More from X", "Most read"."""
    t = text.strip()
    return len(t) <= 60 and bool(lx.LINK_LIST_HEADING.match(t))


def is_headline_like(text: str) -> bool:
    """Short and not ending like a sentence: a heading, a teaser title, a label."""
    return len(words(text)) <= 14 and not ends_sentence(text)


def first_plural(text: str) -> int:
    """How often the writer says we/our/us outside quotations."""
    return len(lx.FIRST_PLURAL.findall(unquoted(text)))


def appeal_score(text: str) -> float:
    """How much a paragraph reads like an appeal or call to action (>= STRONG: it is one)."""
    raw = text.strip()
    if not raw:
        return 0.0
    plain = unquoted(raw)
    low = plain.lower()
    lexical = sum(w for pat, w in lx.APPEAL_PATTERNS if pat.search(low))
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


def is_cta_label(text: str) -> bool:
    """Short imperative appeal lines: "Support the Guardian", "Join our commenting forum"."""
    t = text.strip()
    return (
        len(words(t)) <= 10
        and not t.endswith(".")
        and bool(lx.CTA_START.match(t))
        and any(p.search(t.lower()) for p, _ in lx.APPEAL_PATTERNS)
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
    if block.kind not in ("p", "quote") or len(words(t)) < 15 or not ends_sentence(t):
        return False
    plain = unquoted(t).lower()
    return (
        appeal_score(t) < 1.5
        and not lx.SECOND_PERSON.search(plain)
        and (first_plural(t) <= 1 or bool(lx.REPORTING.search(plain)))
    )


def line_reason(block: Block) -> str | None:
    """Why a block is furniture on its own ("ui", "meta", ...), or None if it may be content."""
    t = block.text.strip()
    if not t:
        return "empty"
    if is_ui_label(t):
        return "ui"
    if is_meta_line(t):
        return "meta"
    if is_footer(t):
        return "footer"
    if is_chrome(t):
        return "chrome"
    if is_link_out(t):
        return "link"
    if block.kind == "p" and is_fragment(t):
        return "fragment"
    return None


def explain(blocks: Sequence[Block], title: str | None = None) -> list[str | None]:
    """For each block, the reason it is boilerplate, or None when it is kept."""
    n = len(blocks)
    reasons: list[str | None] = [line_reason(b) for b in blocks]
    scores = [appeal_score(b.text) for b in blocks]
    sizes = [len(b.text) + 1 for b in blocks]
    total = sum(sizes) or 1
    offsets = [(done - size) / total for done, size in zip(accumulate(sizes), sizes, strict=True)]

    if title:
        key = _label(title)
        for i in range(min(n, 3)):
            if _label(blocks[i].text) == key:
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
        return is_headline_like(b.text) and len(words(b.text)) <= 8 and not is_prose(b)

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
            cut_all = offsets[i] >= 0.6 and reasons[i] is None
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
        and len(words(t)) >= 12
        and ends_sentence(t)
        and appeal_score(t) < 1.5
        and not is_publisher_voice(t)
    )


def _resumes(blocks: Sequence[Block], i: int) -> bool:
    """Body text clearly resumes at i: a reported or long paragraph, or two in a row."""
    if not is_body_text(blocks[i]):
        return False
    if lx.REPORTING.search(unquoted(blocks[i].text)) or len(words(blocks[i].text)) >= 30:
        return True
    return i + 1 < len(blocks) and is_body_text(blocks[i + 1])


def clean_text(text: str) -> str:
    """Strip widget suffixes glued to a paragraph ("... Click To Tweet")."""
    return _WIDGET_SUFFIX.sub("", text).strip()


def filter_blocks(blocks: Sequence[Block], title: str | None = None) -> list[Block]:
    """Drop boilerplate blocks, keeping the order of the rest."""
    cleaned = [Block(clean_text(b.text), b.kind) for b in blocks]
    reasons = explain(cleaned, title)
    return [b for b, r in zip(cleaned, reasons, strict=True) if r is None]


def filter_paragraphs(paragraphs: Sequence[str], title: str | None = None) -> list[str]:
    """Drop boilerplate paragraphs (all treated as plain paragraphs)."""
    return [b.text for b in filter_blocks([Block(p) for p in paragraphs], title)]
