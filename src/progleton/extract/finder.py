"""Progleton's own body finder: the article's container in the parsed page, in one tree walk.

trafilatura is thorough and slow (its pruning runs dozens of XPath expressions over the whole
tree, and it parses the page again). Most news pages are simple: one container holds nearly all
of the page's prose. This module finds that container in one pass over the tree the extractor
has already parsed and returns its text blocks; `confident` says whether the page looked simple
enough to trust the result, and the extractor runs trafilatura only when it did not.

* Chrome is skipped by tag (scripts, navigation, buttons, captions, page headers and
  footers), by hidden state (also text only screen readers get) and by class/id words
  (share, related, newsletter, caption...). A chrome-looking block that holds half of the
  page's prose is kept all the same (Blogger's "widget Blog", an ASP.NET page's `<form>`, a
  "main-with-sidebar" wrapper), unless it is a comment thread, related or newsletter box.
* Prose is a run of text of 10+ words (a Han or kana character counts as one), 30+
  characters, under a quarter of it link text. The container is the deepest block element
  holding `_SHARE` of all prose: body or html (prose spread over the page, as in comments
  and teaser lists), or prose under half of the container's text, means not confident.
* Blocks are the container's paragraphs, headings, list items, quotes and table rows in page
  order; runs that are mostly link text are left out. The page-level rules
  (`boilerplate.filter_blocks`) run on them afterwards as on trafilatura's.

`bench/extraction.py` measures it against trafilatura and the other extractors on the same pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from progleton.extract.lines import Block, continues, word_count


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Subtrees that are never article prose.
_SKIP_TAGS = _words(
    "script style noscript template svg nav footer aside button select iframe head "
    "figcaption label input textarea canvas video audio object embed map header picture source "
    "option math dialog"
)
# Skipped elements that end the line before them.
_BLOCK_SKIPS = _words("nav footer aside header figcaption dialog iframe video audio canvas object")
# Elements that are a block themselves, never the container of the article.
_LEAF_BLOCKS = _words(
    "p li dd dt blockquote pre h1 h2 h3 h4 h5 h6 tr tbody thead tfoot table ul ol dl"
)
# Elements that start and end a block of text; everything else is inline.
_BLOCK_TAGS = _words(
    "p div section article main li ul ol blockquote h1 h2 h3 h4 h5 h6 pre table tbody thead "
    "tfoot tr dl dd dt center body html address details summary hr form figure fieldset hgroup "
    "legend"
)
_KINDS = {
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "heading"),
    **dict.fromkeys(("li", "dd", "dt"), "item"),
    "blockquote": "quote",
    "tr": "table",
}
# Whole words in class and id attributes that name chrome.
_CHROME_WORDS = _words(
    """comment comments commentlist disqus share sharing sharebar shares social socials related
    recommended recommendations recirculation newsletter newsletters promo promos promotion
    advert advertisement advertising ad ads adslot adunit sponsor sponsored sidebar footer nav
    navbar navigation menu cookie cookies consent subscribe subscription signup popup modal
    breadcrumb breadcrumbs tags tagcloud bio byline meta dateline most popular trending outbrain
    taboola widget widgets toolbar banner caption credit credits hidden hide skip
    email masthead tools utility utilities recent latest teaser teasers rail sticky overlay
    rating timestamp viral syndication more next prev gallery date time author authors
    slide slides photo image img"""
)
# ... and fragments of words (class names are often run together: "newsCaption").
_CHROME_PARTS = re.compile(
    r"related|share|social|newsletter|outbrain|taboola|comment(?!ary)|sidebar|breadcrumb|cookie|"
    r"consent|promo|-stories|most-?popular|more-?on|recommend|signup|subscribe|footer|navbar|"
    r"navigation|menu|caption|carousel|slideshow|gallery|credit|"
    # text only screen readers get ("opens new tab")
    r"sr-only|visually[-_]?hidden|screen[-_]?reader|offscreen"
)
# ... of which these are never the story, however much prose they hold (a long comment thread).
_NEVER_STORY = re.compile(
    r"comment(?!ary)|disqus|outbrain|taboola|related|recommend|newsletter|most-?popular|trending"
)
_WORD_SPLIT = re.compile(r"[\s_-]+")
# Modifier classes describe what an element holds ("has-image", "with-sidebar") or how a CMS
# files it ("category-comment", "tag-trending"), not what it is.
_MODIFIER = re.compile(r"(?<![\w-])(?:has|with|no|is|category|tag|format|type|status)-[\w-]*")
_SCREEN_READER = re.compile(r"sr-only|visually[-_]?hidden|screen[-_]?reader|offscreen")
# Hidden, or visible to screen readers only (", opens new tab" inside links).
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*50%",
    re.IGNORECASE,
)
_CHROME_ROLES = frozenset(
    ("navigation", "complementary", "banner", "contentinfo", "dialog", "alert", "search")
)

# Prose: a run of this many words and characters, at most this share of it link text.
_PROSE_WORDS = 10
_PROSE_CHARS = 30
_PROSE_LINKS = 0.25
# The container holds this share of the page's prose.
_SHARE = 0.85
# ... and prose is at least this share of the container's text (else it is a list page).
_DENSITY = 0.5
# A block more than this share link text is a link, not prose.
_LINK_BLOCK = 0.5
# A chrome-looking block holding this share of the page's prose is kept all the same.
_GUARD = 0.5
_HARD, _SOFT = 2, 1


@dataclass(frozen=True, slots=True)
class Found:
    """The container's blocks and whether the page looked simple enough to trust them."""

    blocks: list[Block]
    confident: bool
    container: str | None  # the container's tag, for diagnostics
    share: float  # prose / all text in the container


@dataclass(slots=True)
class _Run:
    owner: Any
    kind: str
    soft: Any
    # (text, inside a link) pieces; "\n" pieces are <br> line breaks.
    parts: list[tuple[str, bool]]


class _Text(NamedTuple):
    """A run of text: its block element, kind, link characters and chrome-looking ancestor."""

    text: str
    links: int
    kind: str
    owner: Any
    soft: Any  # the innermost chrome-looking block around it, or None


def find_body(tree: Any) -> Found:
    """The article's blocks in `tree` (an lxml HTML tree, not modified)."""
    root = tree.find("body")
    if root is None:
        root = tree
    return _container(_runs(root))


def _chrome(el: Any) -> int:
    """_HARD when `el` is never article text, _SOFT when it looks like chrome, else 0."""
    tag = el.tag
    if tag in _SKIP_TAGS:
        return _HARD
    attrib = el.attrib
    if not attrib:
        return 0
    if _hidden(attrib):
        # Never overruled: a hidden copy of the story would double it.
        return _HARD
    names = _MODIFIER.sub("", f"{attrib.get('class', '')} {attrib.get('id', '')}".lower())
    if not names.strip():
        return 0
    block = tag in _BLOCK_TAGS or any(child.tag in _BLOCK_TAGS for child in el)
    if block and _NEVER_STORY.search(names):
        return _HARD
    if not block:
        # An inline element is part of its sentence ("by <a class=author>Jane Doe</a>"): only
        # text for screen readers goes.
        return _HARD if _SCREEN_READER.search(names) else 0
    if attrib.get("role") in _CHROME_ROLES or _names_chrome(names):
        # A block can be overruled: it may hold the whole story (a CMS's wrapper classes).
        return _SOFT
    return 0


def _hidden(attrib: Any) -> bool:
    if "hidden" in attrib or attrib.get("aria-hidden") == "true":
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _names_chrome(names: str) -> bool:
    words = _WORD_SPLIT.split(names)
    return any(w in _CHROME_WORDS for w in words) or bool(_CHROME_PARTS.search(names))


class _Collector:
    """Text runs in page order, each owned by its nearest block element."""

    def __init__(self) -> None:
        self.runs: list[_Text] = []
        self.current: _Run | None = None

    def add(self, text: str, owner: Any, kind: str, link: bool, soft: Any) -> None:
        run = self.current
        if run is None or run.owner is not owner:
            self.flush()
            run = self.current = _Run(owner, kind, soft, [])
        # Line breaks in the source are spaces; only <br> breaks a line.
        run.parts.append((text.replace("\n", " ") if "\n" in text else text, link))

    def line_break(self) -> None:
        if self.current is not None:
            self.current.parts.append(("\n", False))

    def flush(self) -> None:
        run, self.current = self.current, None
        if run is None:
            return
        for text, links in _lines(run.parts):
            if run.kind == "table":
                text = text.strip(" |")
            if text:
                self.runs.append(_Text(text, links, run.kind, run.owner, run.soft))


def _lines(parts: list[tuple[str, bool]]) -> list[tuple[str, int]]:
    """A run's lines with their link characters: a <br><br> ends a paragraph; single breaks
    inside a sentence are joined back (`lines.continues`, as in `lines.split_lines`)."""
    raw: list[tuple[list[str], int]] = [([], 0)]
    for text, link in parts:
        if text == "\n":
            raw.append(([], 0))
            continue
        pieces, links = raw[-1]
        pieces.append(text)
        if link:
            raw[-1] = (pieces, links + len(text.strip()))
    out: list[tuple[str, int]] = []
    joinable = False
    for pieces, links in raw:
        line = " ".join("".join(pieces).split())
        if not line:
            joinable = False  # a blank line: the paragraph ended
            continue
        if joinable and out and continues(out[-1][0], line):
            prev, prev_links = out[-1]
            out[-1] = (f"{prev} {line}", prev_links + links)
        else:
            out.append((line, links))
        joinable = True
    return out


def _runs(root: Any) -> list[_Text]:
    out = _Collector()
    if root.text:
        out.add(root.text, root, "p", False, None)
    # Open elements with their remaining children and context: (owner, kind, inside a link,
    # innermost chrome-looking block). An explicit stack, not recursion: hostile pages nest
    # thousands of levels deep.
    stack: list[tuple[Any, Any, Any, str, bool, Any]] = [(root, iter(root), root, "p", False, None)]
    while stack:
        el, children, owner, kind, link, soft = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            tag = el.tag
            if tag in _BLOCK_TAGS:
                out.flush()
            elif tag in ("td", "th"):
                out.add(" | ", owner, kind, False, soft)
            if stack and el.tail:
                _, _, p_owner, p_kind, p_link, p_soft = stack[-1]
                out.add(el.tail, p_owner, p_kind, p_link, p_soft)
            continue
        tag = child.tag
        chrome = _chrome(child) if isinstance(tag, str) else _HARD
        if chrome == _HARD:
            # Comments and skipped chrome: only the text after them belongs to the parent,
            # and after a skipped block (an aside, a figure) it starts a new line.
            if tag in _BLOCK_TAGS or tag in _BLOCK_SKIPS:
                out.flush()
            if child.tail:
                out.add(child.tail, owner, kind, link, soft)
            continue
        c_owner, c_kind, c_link = owner, kind, link
        c_soft = child if chrome == _SOFT else soft
        if tag in _BLOCK_TAGS:
            out.flush()
            c_owner = child
            # A paragraph in a layout table is a paragraph; one in a quote is quoted.
            c_kind = _KINDS.get(tag, kind if kind in ("quote", "item", "heading") else "p")
        elif tag == "a":
            c_link = True
        elif tag == "br":
            out.line_break()
        if child.text:
            out.add(child.text, c_owner, c_kind, c_link, c_soft)
        stack.append((child, iter(child), c_owner, c_kind, c_link, c_soft))
    out.flush()
    return out.runs


def _can_contain(tag: Any) -> bool:
    # Block elements that are not paragraphs or lists, layout cells and custom elements
    # ("<story-body>"); never inline ones (a <span> round a page's text is not its article).
    return tag not in _LEAF_BLOCKS and (tag in _BLOCK_TAGS or tag in ("td", "th") or "-" in tag)


def _is_prose(run: _Text) -> bool:
    n = len(run.text)
    return (
        run.kind in ("p", "quote")
        and n >= _PROSE_CHARS
        and run.links <= _PROSE_LINKS * n
        and word_count(run.text) >= _PROSE_WORDS
    )


def _container(runs: list[_Text]) -> Found:
    chains: dict[Any, list[Any]] = {}

    def chain(owner: Any) -> list[Any]:
        found = chains.get(owner)
        if found is None:
            found = chains[owner] = [owner, *owner.iterancestors()]
        return found

    def prose_by_element(texts: list[_Text]) -> tuple[dict[Any, int], int]:
        prose: dict[Any, int] = {}
        total = 0
        for run in texts:
            if _is_prose(run):
                n = len(run.text)
                total += n
                for el in chain(run.owner):
                    prose[el] = prose.get(el, 0) + n
        return prose, total

    if any(run.soft is not None for run in runs):
        # A chrome-looking block holding most of the page's prose is the story's wrapper
        # ("widget Blog", "main-with-sidebar", an ASP.NET page's <form>): keep it.
        prose, total = prose_by_element(runs)
        runs = [r for r in runs if r.soft is None or prose.get(r.soft, 0) >= _GUARD * total]
    prose, total = prose_by_element(runs)
    best, best_depth = None, -1
    for el, n in prose.items():
        if n >= _SHARE * total and _can_contain(el.tag):
            depth = len(chain(el))
            if depth > best_depth:
                best, best_depth = el, depth
    if best is None:
        return Found([], False, None, 0.0)
    blocks: list[Block] = []
    chars = 0
    for run in runs:
        if best not in chain(run.owner):
            continue
        chars += len(run.text)
        if run.links > _LINK_BLOCK * len(run.text):
            continue
        blocks.append(Block(run.text, run.kind))
    share = prose[best] / max(chars, 1)
    confident = best.tag not in ("body", "html") and share >= _DENSITY
    return Found(blocks, confident, str(best.tag), share)
