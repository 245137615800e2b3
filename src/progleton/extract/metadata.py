"""Page metadata from an HTML tree: <meta> tags, <link rel=canonical>, JSON-LD, <title>/<h1>.

Each field lists its sources in priority order; the first usable value wins. Dates in the future
are dropped here, so a later source can still answer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from courlan import normalize_url
from htmldate import find_date

from progleton.extract.dates import is_year_only, parse_datetime, plausible_date
from progleton.extract.language import normalize_code
from progleton.extract.names import clean_authors, clean_publisher, host_name
from progleton.extract.titles import headline_h1, pick_title, strip_site_suffix
from progleton.extract.topics import normalize_topics

__all__ = ["PageMeta", "parse_html", "read_metadata", "site_names", "strip_site_suffix"]

_ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "blogposting",
        "socialmediaposting", "liveblogposting", "scholarlyarticle", "techarticle", "report",
    }
)  # fmt: skip
_AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
)
_ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "newsagency"})
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "article:published", "datepublished",
    "publishdate", "publish-date", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date",
    "dc.date.issued", "dcterms.created", "date", "cxenseparse:recs:publishtime",
)  # fmt: skip


@dataclass(slots=True)
class PageMeta:
    """Metadata read from the page itself (before body extraction)."""

    title: str | None = None
    # Title candidates in priority order (og:title, headline, <h1>, <title>), as stated.
    titles: list[str] = field(default_factory=list)
    # Organisations the page names in JSON-LD (publisher, organisation authors): not authors.
    orgs: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    language: str | None = None
    image: str | None = None
    publisher: str | None = None
    description: str | None = None
    # The publisher's own copy of the body (JSON-LD articleBody), when it states one.
    ld_body: str | None = None
    # A live blog's updates as stated in JSON-LD (liveBlogUpdate): (headline, body) pairs.
    live_updates: list[tuple[str, str]] = field(default_factory=list)
    # The page's section and tags (article:section, then article:tag), cleaned.
    topics: list[str] = field(default_factory=list)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """Parse HTML leniently; None when there is no document at all."""
    # lxml refuses str input that still carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    if not text.strip():
        return None
    # libxml2 closes a self-closing <html .../> on the spot and reads nothing after it
    # (htmldate and trafilatura repair the same way before parsing).
    for line in text[:4096].split("\n", 4)[:4]:
        if "<html" in line.lower() and line.rstrip("\r").endswith("/>"):
            text = _SELF_CLOSED_HTML.sub(r"\1>", text, count=1)
            break
    try:
        return lxml.html.document_fromstring(text, parser=_parser())
    except (lxml.etree.ParserError, ValueError):
        return None


_SELF_CLOSED_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
_PARSERS = threading.local()


def _parser() -> lxml.html.HTMLParser:
    """This thread's HTML parser (lxml parsers are not shared between threads).

    Every element comes out as a plain `HtmlElement`: lxml.html's default lookup runs a
    Python function each time an element is first touched (to give forms and inputs their
    own classes, which extraction never uses), a few per cent of all extraction time.
    """
    parser: lxml.html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml.html.HTMLParser()
        parser.set_element_class_lookup(
            lxml.etree.ElementDefaultClassLookup(
                element=lxml.html.HtmlElement,
                comment=lxml.html.HtmlComment,
                pi=lxml.html.HtmlProcessingInstruction,
                entity=lxml.html.HtmlEntity,
            )
        )
        _PARSERS.parser = parser
    return parser


def read_metadata(tree: lxml.html.HtmlElement, url: str | None, now: datetime) -> PageMeta:
    """Collect every metadata field the page states about itself."""
    meta = _meta_tags(tree)
    ld = list(_json_ld_articles(tree))
    base = url or _first(meta, "og:url")
    raw_site = _first(meta, "og:site_name") or _ld_publisher(ld) or _first(meta, "application-name")
    site = clean_publisher(raw_site)
    titles = [
        t
        for t in (
            _first(meta, "og:title", "twitter:title"),
            _ld_str(ld, "headline"),
            headline_h1(tree),
            _text(tree.find(".//title")),
        )
        if t
    ]
    canonical = _canonical(tree, meta, url)
    authors, orgs = _authors(meta, ld, site)
    page = PageMeta(
        titles=titles,
        orgs=orgs,
        canonical_url=canonical,
        authors=authors,
        published=_published(meta, ld, tree, url, now),
        language=normalize_code(tree.get("lang") or tree.get("xml:lang"))
        or normalize_code(_first(meta, "content-language", "og:locale", "dc.language")),
        image=_absolute(
            _first(
                meta,
                "og:image",
                "og:image:url",
                "og:image:secure_url",
                "twitter:image",
                "twitter:image:src",
            )
            or _ld_image(ld),
            base,
        ),
        publisher=site,
        description=_first(meta, "description", "og:description", "twitter:description")
        or _ld_str(ld, "description"),
    )
    page.title = pick_title(titles, site_names(page, url, raw_site))
    page.ld_body = _ld_body(ld)
    page.live_updates = _live_updates(ld)
    page.topics = normalize_topics([*meta.get("article:section", []), *meta.get("article:tag", [])])
    return page


def _ld_body(ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        value = obj.get("articleBody")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _live_updates(ld: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for obj in ld:
        updates = obj.get("liveBlogUpdate")
        if not isinstance(updates, list):
            continue
        for up in updates:
            if not isinstance(up, dict):
                continue
            head, body = up.get("headline"), up.get("articleBody")
            out.append(
                (
                    " ".join(head.split()) if isinstance(head, str) else "",
                    body.strip() if isinstance(body, str) else "",
                )
            )
        if out:
            break
    return out


def site_names(meta: PageMeta, url: str | None, *extra: str | None) -> list[str]:
    """Names the site goes by: publisher, organisations, canonical and fetched hosts."""
    names = [meta.publisher, *meta.orgs, host_name(meta.canonical_url), host_name(url), *extra]
    return [n for n in names if n]


def clean_url(raw: str | None, base: str | None = None) -> str | None:
    """Absolute, normalised URL without fragment or tracking parameters (utm_*, fbclid...)."""
    if not raw or not raw.strip():
        return None
    absolute = urljoin(base, raw.strip()) if base else raw.strip()
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    try:
        return urldefrag(normalize_url(absolute, strict=False))[0]
    except (ValueError, AttributeError):
        return None


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        value = el.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), []).append(" ".join(value.split()))
    return found


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, []):
            if value:
                return value
    return None


def _text(el: lxml.html.HtmlElement | None) -> str | None:
    if el is None:
        return None
    text = " ".join(el.text_content().split())
    return text or None


def _json_ld_articles(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Article-like JSON-LD objects, most specific types first."""
    found: list[tuple[int, dict[str, Any]]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        for obj in _walk(data):
            types = obj.get("@type")
            names = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
            if names & _ARTICLE_TYPES:
                found.append((0 if "article" not in names else 1, obj))
            elif "datePublished" in obj and "webpage" in names:
                found.append((2, obj))
    yield from (obj for _, obj in sorted(found, key=lambda pair: pair[0]))


def _walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _ld_str(ld: list[dict[str, Any]], key: str) -> str | None:
    for obj in ld:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _ld_publisher(ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        pub = obj.get("publisher")
        pub = pub[0] if isinstance(pub, list) and pub else pub
        if isinstance(pub, dict) and isinstance(pub.get("name"), str) and pub["name"].strip():
            return str(pub["name"]).strip()
    return None


def _ld_image(ld: list[dict[str, Any]]) -> str | None:
    for obj in ld:
        image = obj.get("image")
        image = image[0] if isinstance(image, list) and image else image
        if isinstance(image, dict):
            image = image.get("url") or image.get("contentUrl")
        if isinstance(image, str) and image.strip():
            return image.strip()
    return None


def _absolute(raw: str | None, base: str | None) -> str | None:
    if not raw:
        return None
    value = urljoin(base, raw.strip()) if base else raw.strip()
    if value.startswith("//"):
        value = "https:" + value
    return value if urlsplit(value).scheme in ("http", "https") else None


def _canonical(
    tree: lxml.html.HtmlElement, meta: dict[str, list[str]], url: str | None
) -> str | None:
    hrefs = [
        el.get("href")
        for el in tree.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href")
    ]
    for raw in [*hrefs, _first(meta, "og:url")]:
        found = clean_url(raw, url)
        if not found:
            continue
        # Templates that point every page at the home page do not name this article.
        if url and urlsplit(found).path in ("", "/") and urlsplit(url).path not in ("", "/"):
            continue
        return found
    return None


def _authors(
    meta: dict[str, list[str]], ld: list[dict[str, Any]], site: str | None
) -> tuple[list[str], list[str]]:
    """(authors, organisations): JSON-LD people first, then meta tags; organisations never."""
    people: list[str] = []
    orgs: list[str] = []
    for obj in ld[:1]:
        value = obj.get("author")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                people.append(item)
                continue
            if not isinstance(item, dict):
                continue
            name = item.get("name")
            names = [n for n in (name if isinstance(name, list) else [name]) if isinstance(n, str)]
            types = item.get("@type")
            kinds = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
            (orgs if kinds & _ORG_TYPES else people).extend(names)
    publisher = _ld_publisher(ld)
    if publisher:
        orgs.append(publisher)
    from_meta = [
        v
        for k in (
            "author",
            "article:author",
            "byl",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
        )
        for v in meta.get(k, [])
    ]
    for source in (people, from_meta):
        names = clean_authors(source, site, orgs)
        if names:
            return names, orgs
    return [], orgs


def _published(
    meta: dict[str, list[str]],
    ld: list[dict[str, Any]],
    tree: lxml.html.HtmlElement,
    url: str | None,
    now: datetime,
) -> datetime | None:
    for raw in [_ld_str(ld, "datePublished"), *(_first(meta, k) for k in _PUBLISHED_META)]:
        found = plausible_date(parse_datetime(raw), now)
        if found:
            return found
    try:
        # Given our tree, htmldate works on a copy of it instead of parsing the page again.
        guessed = find_date(
            tree, original_date=True, url=url, outputformat="%Y-%m-%dT%H:%M:%S%z", max_date=now
        )
        found = plausible_date(parse_datetime(guessed), now)
        if found and is_year_only(found):
            # 1 January is what a bare year becomes ("© site.com, 2008"): only markup or the
            # URL may say so, not htmldate's search of the page text.
            strict = find_date(
                tree, original_date=True, url=url, extensive_search=False, max_date=now
            )
            if not strict or not strict.startswith(found.strftime("%Y-%m-%d")):
                return None
    except Exception:  # htmldate parses arbitrary pages; a crash there must not lose the article
        return None
    return found
