"""HTML fragments to plain text, for titles and summaries."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_WS = re.compile(r"\s+")
# Elements whose boundaries separate words.
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
# fmt: on
_DROP = ("script", "style", "template", "noscript")


def squash(text: str) -> str:
    """Collapse runs of whitespace to single spaces and trim."""
    return _WS.sub(" ", text).strip()


def html_to_text(fragment: str | None) -> str:
    """Visible text of an HTML fragment on one line; block elements become word breaks."""
    if not fragment:
        return ""
    if "<" not in fragment:
        return squash(html.unescape(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return squash(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in root.iter(*_BLOCKS):
        # Without this "<p>a</p><p>b</p>" would read "ab".
        el.tail = " " + (el.tail or "")
        if el.text is not None or len(el):
            el.text = " " + (el.text or "")
    return squash(root.text_content())


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis if longer than `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.") + "…"
