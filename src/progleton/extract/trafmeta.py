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
from dataclasses import dataclass
from typing import Any

from htmldate import find_date
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import set_date_params

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
    tree: Any, url: str | None, *, author: bool, date: bool, sitename: bool
) -> TrafMeta:
    """trafilatura's title, description and image, plus author/date/site name when asked.

    Mirrors `extract_metadata`: meta tags, then JSON-LD overriding them, then the fallbacks
    that search the page body. Any failure of a third-party heuristic leaves the field empty.
    """
    try:
        doc = examine_meta(tree)
    except Exception:  # third-party heuristics on hostile markup
        log.debug("trafilatura meta tags failed on %s", url or "<page>", exc_info=True)
        return TrafMeta()
    if doc.author and " " not in doc.author:
        doc.author = None  # as extract_metadata: a single token is usually a handle, not a name
    try:
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
