"""What the HTML tree says before trafilatura flattens it: inline widgets, link texts.

Hover cards ("Rep. Jane DoeJane DoeOther headline...") sit inside the sentence that mentions a
person: trafilatura cannot tell them from prose, so they go before it sees the page. Link texts
let the boilerplate rules recognise related-link lists once the links are gone.
"""

from __future__ import annotations

from typing import Any

import lxml.etree
import lxml.html

# Classes and ids of pop-up widgets that live inline: hover cards, tooltips, popovers.
_WIDGET_LITERALS = (
    "hovercard",
    "hover-card",
    "tooltip",
    "tool-tip",
    "popover",
    "rollover",
    "popup",
    "pop-up",
)
# Every class and id value of the page, read by libxml2 in one pass: as plain strings (no
# element objects made) to check the page, then, on the few pages naming a widget, as
# strings that know their element.
_CLASS_AND_ID = lxml.etree.XPath("//@class|//@id", smart_strings=False)
_CLASS_AND_ID_OWNED = lxml.etree.XPath("//@class|//@id")
_MAX_WIDGET_CHARS = 2000  # a card is small; a whole section with such a class is not a card
_LINK_WORDS = (2, 30)


def drop_inline_widgets(tree: lxml.html.HtmlElement) -> int:
    """Remove hover cards and similar pop-ups from `tree`; how many were removed.

    Only the innermost marked element goes, and only when it holds an image or several links:
    a wrapper holds the name being hovered too, and a lone marked link is that name.
    """
    # Most pages name no widget: one look at all their class and id values says so, far
    # cheaper than visiting every element (or lower-casing the whole page to search it).
    values: list[str] = _CLASS_AND_ID(tree)  # type: ignore[assignment]
    low = "\n".join(values).lower()
    if not any(word in low for word in _WIDGET_LITERALS):
        return 0
    owned: list[Any] = _CLASS_AND_ID_OWNED(tree)  # type: ignore[assignment]
    marked = list(
        dict.fromkeys(
            value.getparent()
            for value in owned
            if any(word in value.lower() for word in _WIDGET_LITERALS)
        )
    )
    marked_set = set(marked)
    removed = 0
    for el in marked:
        if any(d in marked_set for d in el.iterdescendants()):
            continue
        if el.find(".//img") is None and len(el.findall(".//a")) < 2:
            continue
        if len(el.text_content()) > _MAX_WIDGET_CHARS or el.getparent() is None:
            continue
        el.drop_tree()
        removed += 1
    return removed


def link_texts(tree: lxml.html.HtmlElement) -> frozenset[str]:
    """Texts of the page's links (2-30 words), whitespace-collapsed and lower-cased."""
    lo, hi = _LINK_WORDS
    out: set[str] = set()
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        if lo <= len(text.split()) <= hi:
            out.add(text.lower())
    return frozenset(out)
