"""Per-site templates: page blocks that recur, in the same place, across many pages of one site.

An aggregator sees dozens of pages per publisher. A block whose text and DOM position recur on
a large share of them (a donation appeal, a newsletter box, "most read", an author bio, an app
prompt, the footer) is the site's furniture, not any one story's text, even when nothing in
its wording or markup gives it away on a single page.

A page is summarised by `page_blocks`: one stable 64-bit signature per text block (the
block's own text, normalised, with the tags of its three nearest ancestors). `learn` turns
the signatures of a site's recent pages into a `SiteTemplate`; `strip` removes a new page's
blocks found in it before the body extractor reads the page. Pure functions: the store keeps
each site's recent signatures and the pipeline passes the template in.
"""

from __future__ import annotations

import math
import re
import struct
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import blake2b
from typing import Any, NamedTuple

import lxml.html

_TOKEN = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
# Elements that start a block of text; inline elements (a, span, em, ...) belong to theirs.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figcaption",
        "figure",
        "aside",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "form",
        "table",
        "tr",
        "td",
        "th",
        "caption",
        "pre",
        "address",
        "details",
        "summary",
        "main",
        "body",
        "label",
        "button",
    ]
)
_SKIP = frozenset(("script", "style", "noscript", "template", "svg", "head", "title"))
# Texts longer than this are never the same block twice by chance, and hashing them is waste.
_MAX_CHARS = 5000
# Blocks this long are paragraphs (see `matches`).
_PARAGRAPH_CHARS = 150
# Never removed: a heading such as "More from the site" tells the body extractor where the
# story ends (removing it, measured on the Fundus pages, let related-story teasers in).
_KEEP = frozenset(("body", "h1", "h2", "h3", "h4", "h5", "h6"))
# Ancestor tags that place a block on the page.
_DEPTH = 3


class Block(NamedTuple):
    """One text block of a page: its element, signature, own text (normalised) and length."""

    element: Any
    signature: int
    text: str
    leaf: bool  # no block inside it

    @property
    def chars(self) -> int:
        """Length of the normalised own text."""
        return len(self.text)


@dataclass(frozen=True, slots=True)
class TemplateParams:
    """When a recurring block counts as the site's template."""

    # Seen on at least this many of the site's recent pages...
    min_pages: int = 4
    # ...and on at least this share of them (a background paragraph repeated in a few
    # follow-ups of one story is not furniture; an appeal on every page is).
    min_share: float = 0.3
    # Blocks of fewer words never count: one-word labels recur inside real stories too.
    min_words: int = 2
    # The share is of at least this many pages, so a site's first pages cannot make a
    # block that four follow-ups of one story repeat into furniture (the crawler uses half
    # its window: with 50, a block needs 8 pages).
    share_base: int = 0

    def floor(self, pages: int) -> int:
        """Pages a block must be found on, when the site has `pages` pages."""
        return max(self.min_pages, math.ceil(self.min_share * max(pages, self.share_base)))


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """A site's recurring blocks (signatures) and how many pages they were learned from."""

    blocks: frozenset[int]
    pages: int

    def __len__(self) -> int:
        return len(self.blocks)


def pack(blocks: Iterable[int]) -> bytes:
    """Signatures as little-endian signed 64-bit integers, sorted (how they are stored)."""
    values = sorted(set(blocks))
    return struct.pack(f"<{len(values)}q", *values)


def unpack(data: bytes) -> frozenset[int]:
    """The signatures `pack` wrote."""
    return frozenset(struct.unpack(f"<{len(data) // 8}q", data[: len(data) // 8 * 8]))


def normalise(text: str) -> str:
    """Lower-cased word tokens joined by spaces: what counts as "the same text"."""
    return " ".join(_TOKEN.findall(text.lower()))


def _blocks(tree: lxml.html.HtmlElement) -> tuple[dict[Any, list[str]], set[Any]]:
    """Each block element's own text pieces (not those of blocks nested in it), in order;
    and the blocks that hold other blocks."""
    body = tree.find("body")
    root = body if body is not None else tree
    # Document order visits a parent before its children: each element's block (None inside
    # script, style and the like) is known when its children are reached.
    owner_of: dict[Any, Any] = {root: root}
    owned: dict[Any, list[str]] = {}
    wrappers: set[Any] = set()
    for el in root.iter():
        tag = el.tag
        above = owner_of.get(el.getparent()) if el is not root else root
        if above is None or not isinstance(tag, str) or tag in _SKIP:
            # Hidden markup (and everything in it), comments, processing instructions: only
            # the tail, which belongs to the parent, can count.
            own = None
            if isinstance(tag, str):
                owner_of[el] = None
        else:
            own = el if tag in BLOCK_TAGS else above
            owner_of[el] = own
            if own is el and el is not root:
                wrappers.add(above)
            text = el.text
            if text and not text.isspace():
                owned.setdefault(own, []).append(text)
        tail = el.tail
        if el is not root and above is not None and tail and not tail.isspace():
            owned.setdefault(above, []).append(tail)
    return owned, wrappers


def _label(el: Any, labels: dict[Any, str]) -> str:
    """`tag.class.names` of an element (digits dropped), remembered per page."""
    found = labels.get(el)
    if found is None:
        # Class names place a block better than tags (a story's standfirst and a related
        # link's teaser are both a <p> in a <div>); digits in them change from build to build.
        names = sorted(_DIGITS.sub("", el.get("class") or "").split())
        found = ".".join((el.tag, *names))
        labels[el] = found
    return found


def _signature(owner: Any, text: str, labels: dict[Any, str]) -> int:
    path = []
    el = owner
    for _ in range(_DEPTH):
        path.append(_label(el, labels))
        el = el.getparent()
        if el is None:
            break
    key = "/".join(path) + "|" + text
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def block_signatures(
    tree: lxml.html.HtmlElement, params: TemplateParams | None = None
) -> list[Block]:
    """Each text block of the page long enough to count."""
    min_words = (params or TemplateParams()).min_words
    out = []
    labels: dict[Any, str] = {}
    owned, wrappers = _blocks(tree)
    for owner, pieces in owned.items():
        raw = " ".join(pieces)
        if len(raw) > _MAX_CHARS:
            continue
        text = normalise(raw)
        if not text or text.count(" ") + 1 < min_words:
            continue
        out.append(Block(owner, _signature(owner, text, labels), text, owner not in wrappers))
    return out


def page_blocks(
    tree: lxml.html.HtmlElement, params: TemplateParams | None = None
) -> frozenset[int]:
    """Signatures of a page's text blocks (what `learn` counts across a site's pages)."""
    return frozenset(b.signature for b in block_signatures(tree, params))


def learn(pages: Iterable[Iterable[int]], params: TemplateParams | None = None) -> SiteTemplate:
    """The blocks recurring on enough of `pages` (each one page's `page_blocks`)."""
    params = params or TemplateParams()
    seen: Counter[int] = Counter()
    count = 0
    for blocks in pages:
        count += 1
        seen.update(set(blocks))
    floor = params.floor(count)
    return SiteTemplate(frozenset(k for k, n in seen.items() if n >= floor), count)


def matches(found: list[Block], template: SiteTemplate, titles: Iterable[str] = ()) -> list[Any]:
    """The elements of `found` (a page's `block_signatures`) in `template` that can go.

    Only blocks with no block inside them go (a wrapper's own label may recur while what it
    wraps does not), and never a heading: "More from the site" tells the body extractor
    where the story ends. None at all when the page repeats one seen before (the same story
    under another address): its headline (one of `titles`) is among the hits and so is most
    of its paragraph-sized text. The headline alone is not enough: a site's "latest" box
    lists new stories on every page.
    """
    if not template.blocks:
        return []
    hits = [b for b in found if b.signature in template.blocks]
    headlines = {normalise(t) for t in titles} - {""}
    if headlines and any(b.text in headlines for b in hits):
        long_text = sum(b.chars for b in found if b.chars >= _PARAGRAPH_CHARS)
        long_hits = sum(b.chars for b in hits if b.chars >= _PARAGRAPH_CHARS)
        if long_hits > 0.5 * long_text:
            return []
    return [
        b.element
        for b in hits
        if b.leaf and b.element.tag not in _KEEP and b.element.getparent() is not None
    ]


def remove(elements: list[Any]) -> int:
    """Remove `elements` (from `matches`) from their tree, their tails kept; how many."""
    for el in elements:
        el.drop_tree()
    return len(elements)


def strip(tree: lxml.html.HtmlElement, template: SiteTemplate) -> int:
    """Remove the page's blocks that are in `template`; how many were removed."""
    return remove(matches(block_signatures(tree), template))
