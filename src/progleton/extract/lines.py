"""Single-line furniture detectors: is this one paragraph page chrome, whatever surrounds it?

Each detector describes a *kind* of line (a button, a date line, a copyright footer, a photo
credit, a standards footer...), never one publisher's wording. Page-level rules (runs of links,
repeated buttons, bylines at the head) are in structure.py; appeals in boilerplate.py.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from progleton.extract import lexicon as lx
from progleton.extract.dates import ABSOLUTE, RELATIVE
from progleton.extract.prefilter import Guarded

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
_SLASH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)?\d\d\b")
# "... by Patrick Shanley" at the end of a dateline.
_BYLINE_TAIL = re.compile(r"(?:^|\s)by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}$")
_URL = re.compile(r"(?:https?://|www\.)\S+")
# The line rules' word lists, each searched only in lines holding one of its literals.
_FOOTER = Guarded(lx.FOOTER)
_CHROME = Guarded(lx.CHROME)
_POLICY = Guarded(lx.POLICY)
_CONTACT = Guarded(lx.CONTACT)
_PROMO_HEADING = Guarded(lx.PROMO_HEADING)
_CREDIT = Guarded(lx.CREDIT)
_CAPTION_CREDIT = Guarded(lx.CAPTION_CREDIT)
_TIME_ZONE = re.compile(r"\b[A-Z]{1,4}T\b")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of body text: a paragraph, heading, list item, quote or table row."""

    text: str
    kind: str = "p"  # p | heading | item | quote | table


def words(text: str) -> list[str]:
    """Word tokens, keeping contractions together."""
    return _WORD.findall(text)


@functools.lru_cache(maxsize=8192)
def word_count(text: str) -> int:
    """len(words(text)), remembered: the line rules ask it of the same lines many times."""
    return len(_WORD.findall(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends like a sentence (., !, ?, possibly inside a closing quote)."""
    return bool(_TERMINAL.search(text.strip()))


def continues(previous: str, line: str) -> bool:
    """True when `line`, after a line break, goes on with the sentence `previous` left open."""
    return not ends_sentence(previous) and (line[:1].islower() or line[:1] in ",;:)")


def split_lines(text: str) -> list[str]:
    """Split a <br>-broken paragraph; lines that continue a sentence are joined back."""
    out: list[str] = []
    for line in (" ".join(ln.split()) for ln in text.split("\n")):
        if not line:
            continue
        if out and continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def label(text: str) -> str:
    """Normalised form for comparing labels: lower case, outer punctuation stripped."""
    return " ".join(_LABEL_STRIP.sub("", text.replace("’", "'")).lower().split())


def is_ui_label(text: str) -> bool:
    """Buttons and links that leaked into text: "Continue", "Remind me later.", "Share this"."""
    t = text.strip()
    return (len(t) <= 60 and label(t) in lx.UI_LABELS) or (
        len(t) <= 120 and bool(lx.UI_STRINGS.match(t))
    )


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


def is_separator(text: str) -> bool:
    """A rule drawn with characters: "***", "::", "___", "— — —"."""
    t = text.strip()
    return bool(t) and len(t) <= 12 and not any(ch.isalnum() for ch in t.replace("_", ""))


def is_meta_line(text: str) -> bool:
    """A line that is only a date/age plus counters: "7 hours ago 1", "5 min read", "3 comments".

    A byline may close it: "5:45 AM PST 11/19/2019 by Jane Doe".
    """
    t = text.strip()
    if len(t) > 80:
        return False
    if lx.READING_TIME.match(t) or lx.COUNTER.match(t):
        return True
    rest, n = RELATIVE.subn(" ", t)
    rest, m = ABSOLUTE.subn(" ", rest)
    rest, k = _CLOCK.subn(" ", rest)
    rest, j = _SLASH_DATE.subn(" ", rest)
    if n + m + k + j == 0:
        return False
    rest = _BYLINE_TAIL.sub(" ", rest)
    rest = _META_WORDS.sub(" ", _TIME_ZONE.sub(" ", rest))
    parts = [p.strip() for p in _SEPARATORS.split(rest) if p.strip()]
    return all(lx.COUNTER.match(p) for p in parts)


def is_footer(text: str) -> bool:
    """Copyright and site footers: "© 2024 X. All rights reserved", "X News @2023"."""
    return word_count(text) <= 20 and bool(_FOOTER.search(text))


def is_chrome(text: str) -> bool:
    """Aggregator pointers: "Read Entire Article", "Source: X", "Continue reading at X"."""
    t = text.strip()
    return word_count(t) <= 16 and bool(_CHROME.match(t))


def is_link_out(text: str) -> bool:
    """ "Read more: <other headline>", "Related: ...", or a line that is mostly bare URLs."""
    t = text.strip()
    if word_count(t) > 30:
        return False
    urls = sum(len(u) for u in _URL.findall(t))
    return bool(lx.LINK_OUT.match(t)) or urls > 0.4 * len(t)


def is_link_list_heading(text: str) -> bool:
    """Headings of recirculation modules: "Related stories", "More from X", "Most read"."""
    t = text.strip()
    return len(t) <= 60 and bool(lx.LINK_LIST_HEADING.match(t) or lx.READ_ALSO.match(t))


def is_headline_like(text: str) -> bool:
    """Short and not ending like a sentence: a heading, a teaser title, a label."""
    return word_count(text) <= 14 and not ends_sentence(text)


def is_policy(text: str) -> bool:
    """Standards and letters policies, sponsor notes: the publisher's small print."""
    return word_count(text) <= 80 and bool(_POLICY.search(text.strip()))


def is_contact(text: str) -> bool:
    """ "Email: desk@example.com", or a short line that is mostly an e-mail address."""
    t = text.strip()
    if word_count(t) > 12:
        return False
    found = lx.EMAIL.findall(t)
    return bool(_CONTACT.match(t)) or (bool(found) and sum(map(len, found)) > 0.5 * len(t))


def is_promo_heading(text: str) -> bool:
    """ "Pick Six Newsletter", "How to listen to The Weekly Podcast"."""
    t = text.strip()
    return word_count(t) <= 10 and not ends_sentence(t) and bool(_PROMO_HEADING.match(t))


def is_credit(text: str) -> bool:
    """Photo credits and captions as paragraphs: "Credit: X/AFP", "Cover image: ..."."""
    t = text.strip()
    n = word_count(t)
    return (n <= 30 and bool(_CREDIT.match(t))) or (n <= 50 and bool(_CAPTION_CREDIT.search(t)))


def line_reason(block: Block) -> str | None:
    """Why a block is furniture on its own ("ui", "meta", ...), or None if it may be content."""
    t = block.text.strip()
    if not t:
        return "empty"
    if is_separator(t):
        return "separator"
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
    if is_policy(t):
        return "policy"
    if is_contact(t):
        return "contact"
    if is_credit(t):
        return "credit"
    if block.kind != "item" and is_promo_heading(t):
        return "promo"
    if block.kind == "p" and is_fragment(t):
        return "fragment"
    return None
