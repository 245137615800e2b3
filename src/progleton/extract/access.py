"""Is the page the whole article, or a teaser in front of a paywall?

Progleton labels paywalled pages; it never tries to get around them. The signals, strongest
first:

1. the publisher says so in schema.org markup (`"isAccessibleForFree": false`, which Google asks
   paywalled publishers to set) or in `article:content_tier` = `locked`;
2. a gate in the page: an element named like a paywall (`paywall`, `regwall`, `piano`...) or a
   block of text asking the reader to subscribe or log in *to continue reading*.

Either counts only when the body the extractor found is short: metered publishers mark every
page locked and still serve the whole text, and a newsletter box or an "already a subscriber?"
line under a full article is not a paywall.
"""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html

#: A body shorter than this, with a gate on the page, is taken to be a teaser.
TEASER_CHARS = 1500

PAYWALL = "paywall"

_GATE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:pay-?wall|reg-?wall|hard-?wall|meter-?wall|piano-(?:offer|paywall|template)"
    r"|tp-modal|subscriber-only|subscribers-only|premium-(?:gate|wall|lock)|article-gate"
    r"|content-gate|paid-content-gate|locked-content)(?:$|[\s_-])",
    re.IGNORECASE,
)
_GATE_TEXT = re.compile(
    r"\b(?:subscribe|subscription|sign in|log ?in|register|become a (?:member|subscriber)"
    r"|start (?:your|a) (?:free )?trial)\b.{0,60}\bto (?:continue|keep|finish) reading\b"
    r"|\b(?:to (?:continue|keep|finish) reading|to read (?:the|this) (?:full|whole|rest of the|"
    r"entire) (?:article|story))\b.{0,60}\b(?:subscri\w*|sign in|log ?in|register|member\w*)\b"
    r"|\b(?:this|the) (?:article|story|content) is (?:only |exclusively )?(?:for|available to)"
    r" (?:paying |our )?(?:subscribers|members)\b"
    r"|\bsubscribers?[- ]only (?:article|story|content)\b"
    r"|\bthe rest of (?:this|the) (?:article|story) is (?:for|available to|locked)\b",
    re.IGNORECASE | re.DOTALL,
)
# What a paywall box says (a login link in a header named "paywall-..." is not a gate).
_GATE_WORDS = re.compile(
    r"\b(?:subscri\w*|members?hip|members only|premium|unlock|free trial|continue reading|"
    r"keep reading|read the full)\b",
    re.IGNORECASE,
)
_FALSE = {False, "false", "False", "FALSE", "no"}


def page_access(
    tree: lxml.html.HtmlElement, body_chars: int, *, removed_gate: bool = False
) -> str | None:
    """`"paywall"` when the page shows a teaser behind a paywall, else None.

    `removed_gate` says a gate was among blocks removed from `tree` before (`gate_in`).
    """
    # Metered sites declare every page locked yet serve the whole text to many readers (and
    # crawlers): the label means "we only have the teaser", so a long body is never labelled.
    if body_chars >= TEASER_CHARS:
        return None
    if removed_gate or _declared_locked(tree) or _has_gate(tree):
        return PAYWALL
    return None


_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


def gate_in(blocks: list[lxml.html.HtmlElement]) -> bool:
    """Whether any of these elements (about to be removed) is or sits in a paywall prompt."""
    for el in blocks:
        text = " ".join(" ".join(el.xpath(_VISIBLE_TEXT)).split())
        if _GATE_TEXT.search(text):
            return True
        if not _GATE_WORDS.search(text):
            continue
        node = el
        while node is not None and node.tag != "body":
            names = f"{node.get('class') or ''} {node.get('id') or ''}".strip()
            if names and _GATE_NAMES.search(names):
                return True
            node = node.getparent()
    return False


def _declared_locked(tree: lxml.html.HtmlElement) -> bool:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key == "article:content_tier" and (meta.get("content") or "").strip().lower() in (
            "locked",
            "premium",
        ):
            return True
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        if _locked(data, 0):
            return True
    return False


def _locked(data: Any, depth: int) -> bool:
    if depth > 5:
        return False
    if isinstance(data, list):
        return any(_locked(item, depth + 1) for item in data)
    if not isinstance(data, dict):
        return False
    if "isAccessibleForFree" in data and data["isAccessibleForFree"] in _FALSE:
        return True
    return any(_locked(data[key], depth + 1) for key in ("@graph", "mainEntity") if key in data)


def _has_gate(tree: lxml.html.HtmlElement) -> bool:
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
        if names and _GATE_NAMES.search(names):
            words = " ".join(el.itertext()).split()
            if len(words) >= 4 and _GATE_WORDS.search(" ".join(words[:200])):
                return True
    body = tree.find("body")
    root = body if body is not None else tree
    # Block elements carry no spaces between them in the markup: join text pieces with one.
    text = " ".join(
        " ".join(
            piece
            for el in root.iter()
            if isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript")
            for piece in (el.text, *(c.tail for c in el))
            if piece
        ).split()
    )
    return bool(_GATE_TEXT.search(text))
