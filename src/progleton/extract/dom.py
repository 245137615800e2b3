"""What the HTML tree says before trafilatura flattens it: inline widgets, link texts.

Hover cards ("Rep. Jane DoeJane DoeOther headline...") sit inside the sentence that mentions a
person: trafilatura cannot tell them from prose, so they go before it sees the page. Link texts
let the boilerplate rules recognise related-link lists once the links are gone.
"""

from __future__ import annotations

import re

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
_INLINE_WIDGET = re.compile("|".join(map(re.escape, _WIDGET_LITERALS)), re.IGNORECASE)
_LOOKBACK = 4096  # characters read back from a widget word to find its attribute
_MAX_WIDGET_CHARS = 2000  # a card is small; a whole section with such a class is not a card
_LINK_WORDS = (2, 30)


def drop_inline_widgets(tree: lxml.html.HtmlElement, source: str | None = None) -> int:
    """Remove hover cards and similar pop-ups from `tree`; how many were removed.

    `source` is the page's HTML: when no class or id attribute in it names a widget, the walk
    over every element is skipped.

    Only the innermost marked element goes, and only when it holds an image or several links:
    a wrapper holds the name being hovered too, and a lone marked link is that name.
    """
    if source is not None and not _names_widget(source.lower()):
        return 0
    marked = [
        el
        for el in tree.iter()
        if isinstance(el.tag, str)
        and _INLINE_WIDGET.search(f"{el.get('class', '')} {el.get('id', '')}")
    ]
    if not marked:
        return 0
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


def _names_widget(low: str) -> bool:
    """True when a widget word may stand in a class or id attribute of the (lower-case) page.

    Scripts mention "popup" everywhere; only a class or id value holding the word counts:
    each occurrence of a word (found with `str.find`, much faster than a regular expression
    over the whole page) is checked for `class=` or `id=` before it, with nothing between
    but the attribute's value. A false alarm only costs the tree walk.
    """
    for word in _WIDGET_LITERALS:
        at = low.find(word)
        while at >= 0:
            if _in_class_or_id(low, at):
                return True
            at = low.find(word, at + len(word))
    return False


def _in_class_or_id(low: str, at: int) -> bool:
    """Whether position `at` may lie in the value of an attribute named like `class` or `id`.

    Reads back at most `_LOOKBACK` characters and copies nothing, so a page repeating a
    widget word thousands of times costs thousands of short looks, not a quadratic scan;
    an attribute value longer than that counts as a yes (the tree walk then decides).
    """
    floor = max(0, at - _LOOKBACK)
    edge = max(low.rfind(c, floor, at) for c in "\"'<>=")
    if edge < 0:
        return True
    if low[edge] in "<>":
        return False
    if low[edge] != "=":  # a quoted value: the quote must follow "name ="
        edge = _skip_space_back(low, edge - 1, floor)
        if edge < 0:
            return True
        if low[edge] != "=":
            return False
    end = _skip_space_back(low, edge - 1, floor)
    return end < 0 or low.endswith(("class", "id"), 0, end + 1)


def _skip_space_back(low: str, i: int, floor: int) -> int:
    """The last non-space position at or before `i`; -1 when none at or after `floor`."""
    while i >= floor and low[i].isspace():
        i -= 1
    return i if i >= floor else -1


def link_texts(tree: lxml.html.HtmlElement) -> frozenset[str]:
    """Texts of the page's links (2-30 words), whitespace-collapsed and lower-cased."""
    lo, hi = _LINK_WORDS
    out: set[str] = set()
    for a in tree.iter("a"):
        text = " ".join(a.text_content().split())
        if lo <= len(text.split()) <= hi:
            out.add(text.lower())
    return frozenset(out)
