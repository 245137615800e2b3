"""trafilatura's metadata guesses, computed only for the fields the page's own metadata lacks.

`trafilatura.bare_extraction(with_metadata=True)` reads every field on every call, and the
costly ones run whatever the page already declares: its author search deep-copies and prunes
the whole tree (about a tenth of all extraction time on the ScrapingHub pages), htmldate
walks the page again, and categories, tags and licence are read but never used here. The
body extraction does not depend on them (it reads a copy of the tree either way), so the
body runs without metadata and this module asks trafilatura's own field extractors for the
fields still empty, in the order `trafilatura.metadata.extract_metadata` uses them.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import lxml.etree
from htmldate import find_date
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TrafMeta:
    """The fields of trafilatura's metadata that extraction merges; None when not asked for."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    description: str | None = None
    image: str | None = None


def trafilatura_meta(
    tree: Any, url: str | None, *, author: bool, date: bool, sitename: bool, title: bool = True
) -> TrafMeta:
    """trafilatura's title, description and image, plus author/date/site name when asked.

    Mirrors `extract_metadata`: meta tags, then JSON-LD overriding them, then the fallbacks
    that search the page body. Its JSON-LD reading (slow on pages with large JSON-LD) is
    skipped when none of the title, author and site name is asked for: the description and
    image it would give come from the meta tags. Any failure of a third-party heuristic
    leaves the field empty.
    """
    try:
        doc = examine_meta(tree)
    except Exception:  # third-party heuristics on hostile markup
        log.debug("trafilatura meta tags failed on %s", url or "<page>", exc_info=True)
        return TrafMeta()
    if doc.author and " " not in doc.author:
        doc.author = None  # as extract_metadata: a single token is usually a handle, not a name
    try:
        if author or sitename or title:
            doc = extract_meta_json(tree, doc)
    except Exception:
        log.debug("trafilatura JSON-LD failed on %s", url or "<page>", exc_info=True)
    out = TrafMeta(description=doc.description, image=doc.image)
    try:
        out.title = doc.title or extract_title(tree)
        if author:
            out.author = doc.author or extract_author(tree)
        if date or sitename:
            page_url = doc.url or extract_url(tree, url)
        if date:
            params = set_date_params(True) | {"url": page_url}
            out.date = find_date(tree, **params)
        if sitename:
            site = doc.sitename or extract_sitename(tree)
            if site:
                site = site.lstrip("@")
                if site and "." not in site and not site[0].isupper():
                    site = site.title()
            elif page_url and (m := META_URL.match(page_url)):
                site = m[1]
            out.sitename = site or None
    except Exception:
        log.debug("trafilatura metadata failed on %s", url or "<page>", exc_info=True)
    for name in ("title", "author", "sitename", "description", "image"):
        value = getattr(out, name)
        if isinstance(value, str):
            setattr(out, name, " ".join(value.split()) or None)
    return out


# trafilatura 2.3.1's AUTHOR_XPATHS and AUTHOR_DISCARD_XPATHS as plain tests of an element
# (EXSLT `re:test` is Python's re.search); tests/test_extract_trafmeta.py holds the two to
# the same answers, so a trafilatura upgrade that changes its XPaths fails there.
_BY_TAGS_1 = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_BY_CLASS_1 = re.compile("author-?name|AuthorName|authorName")
_BY_TAGS_2 = frozenset({"a", "div", "h3", "h4", "p", "span"})
_BY_ID_2 = re.compile("author|zuozhe|bianji|xiaobian")
_BY_CLASS_2 = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_BY_ID_3 = re.compile("[Aa]uthor")
_BY_CLASS_3 = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
_DROP_TAGS = frozenset({"a", "div", "section", "span"})
_DROP_ID = re.compile("^comments|comment-?list|ProductReviews")
_DROP_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    "|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)


def extract_author(tree: Any) -> str | None:
    """trafilatura's author search from the page body, with the same answer, in one walk.

    `trafilatura.metadata.extract_author` deep-copies the whole page, prunes comments,
    sidebars, dates and figures from the copy, then runs three XPath searches whose regular
    expressions call back into Python for every element: 6 ms or more a page, on the pages
    that declare no author (a third of the ScrapingHub set). Here one walk finds the
    candidates and the pruned parts; only a candidate's own subtree is copied and pruned.
    """
    groups: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    dropped: set[Any] = set()
    rel_elements = tree.find(".//rel") is not None
    for el in tree.iter(lxml.etree.Element):
        tag = el.tag
        if tag == "time" or tag == "figure":
            dropped.add(el)
            continue
        if tag == "author":
            groups[0].append(el)
        attrib = el.attrib
        if not attrib:
            if rel_elements and tag in _BY_TAGS_1 and _rel_me(el):
                groups[0].append(el)
            continue
        get = attrib.get
        cls = get("class", "")
        ident = get("id", "")
        if tag in _DROP_TAGS and (
            ident == "comments"
            or cls in ("comments", "title", "date")
            or _DROP_ID.search(ident)
            or _DROP_CLASS.search(cls)
            or "Figure" in get("data-component", "")
        ):
            dropped.add(el)
            continue
        itemprop = get("itemprop", "")
        if (
            tag in _BY_TAGS_1
            and tag != "author"
            and (
                get("rel") == "author"
                or ident == "author"
                or cls == "author"
                or itemprop == "author name"
                or get("data-testid") in ("AuthorCard", "AuthorURL")
                or _BY_CLASS_1.search(cls)
                or (rel_elements and _rel_me(el))
            )
        ):
            groups[0].append(el)
        if tag in _BY_TAGS_2 and (
            cls in ("byline", "username", "byl", "BBL")
            or "author" in itemprop
            or _BY_ID_2.search(ident)
            or _BY_CLASS_2.search(cls)
        ):
            groups[1].append(el)
        if (
            "Byline" in get("data-component", "")
            or "author" in itemprop
            or _BY_ID_3.search(ident)
            or _BY_CLASS_3.search(cls)
        ):
            groups[2].append(el)
    for group in groups:
        for el in group:
            if el in dropped or any(a in dropped for a in el.iterancestors()):
                continue  # pruned from trafilatura's copy before its search
            part = deepcopy(el)
            part.tail = None
            content = trim(" ".join(prune_unwanted_nodes(part, AUTHOR_DISCARD_XPATHS).itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _rel_me(el: Any) -> bool:
    # The XPath's `rel='me'` (no @) compares child elements named "rel", read after the
    # pruning (a <time> inside one is gone, its text around it joined); kept for the same
    # answer.
    for child in el:
        if child.tag == "rel":
            part = deepcopy(child)
            part.tail = None
            if prune_unwanted_nodes(part, AUTHOR_DISCARD_XPATHS).xpath("string()") == "me":
                return True
    return False
