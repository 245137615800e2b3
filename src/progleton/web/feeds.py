"""Feeds out: Atom 1.0 and JSON Feed 1.1 of the newest articles (all, per source, per
language), of each story and of each search (a saved search); OPML of the sources.

Every feed exists in both formats at the same path with `.atom` or `.json`.
"""

from __future__ import annotations

import importlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from progleton import __version__
from progleton.models import Article
from progleton.store import Store
from progleton.web.deps import GET_HEAD, StoreDep
from progleton.web.filters import (
    LangParam,
    SourceParam,
    TopicParam,
    language_name,
    parse_filters,
)
from progleton.web.present import lang_tag, original_url, publisher_name, safe_image, source_name
from progleton.web.timefmt import iso

router = APIRouter(include_in_schema=False)

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_SIZE = 50
MAX_QUERY_LENGTH = 500
Format = Literal["atom", "json"]
MEDIA_TYPES: dict[str, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

# Characters XML 1.0 forbids even when escaped; publisher text sometimes contains them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    """`value` with characters that would make the document invalid XML removed."""
    return _XML_INVALID.sub("", value or "")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: xml_text(v) for k, v in attrib.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def build_atom(
    articles: Sequence[Article],
    *,
    base_url: str,
    self_url: str,
    title: str,
    alternate: str | None = None,
    subtitle: str = "Newest stories. Articles belong to their publishers.",
) -> bytes:
    """An Atom 1.0 document for `articles` (newest first); entries link to the originals.

    Built with ElementTree so every value is escaped by the serializer, never by hand.
    """
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", alternate or base_url)
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate or base_url)
    _sub(feed, "generator", "Progleton", version=__version__)
    times = [a.published or a.fetched_at for a in articles]
    newest = max((t for t in times if t), default=None) or datetime.now(UTC)
    _sub(feed, "updated", iso(newest))
    # A feed-level author makes every entry valid even when an article has no author.
    _sub(_sub(feed, "author"), "name", "Progleton")
    for article in articles:
        _entry(feed, article, base_url)
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _entry(feed: ET.Element, article: Article, base_url: str) -> None:
    entry = _sub(feed, "entry")
    href = original_url(article)
    local = f"{base_url.rstrip('/')}/articles/{article.id}"
    # The publisher's URL is the stable identity of the story (the store dedupes on it);
    # without a usable one, our own article page is.
    _sub(entry, "id", href or local)
    _sub(entry, "title", article.title or "(untitled)")
    _sub(entry, "link", rel="alternate", type="text/html", href=href or local)
    if href:
        _sub(entry, "link", rel="related", type="text/html", href=local)
    when = article.published or article.fetched_at or datetime.now(UTC)
    if article.published:
        _sub(entry, "published", iso(article.published))
    _sub(entry, "updated", iso(when))
    for name in article.authors or [publisher_name(article)]:
        _sub(_sub(entry, "author"), "name", name)
    source = _sub(entry, "source")
    _sub(source, "title", publisher_name(article))
    if article.excerpt:
        _sub(entry, "summary", article.excerpt, type="text")


def build_json_feed(
    articles: Sequence[Article],
    *,
    base_url: str,
    feed_url: str,
    title: str,
    home_page_url: str | None = None,
    description: str = "Newest stories. Articles belong to their publishers.",
) -> bytes:
    """A JSON Feed 1.1 document for `articles` (newest first); items link to the originals.

    Values are plain text (`content_text`, never `content_html`), serialised by `json`; `<`,
    `>` and `&` are also written as \\u escapes so the bytes hold no markup even if a client
    ignores the media type.
    """
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_page_url or base_url,
        "feed_url": feed_url,
        "description": description,
        "authors": [{"name": "Progleton"}],
        "items": [_item(a, base_url) for a in articles],
    }
    text = json.dumps(feed, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.encode("utf-8")


def _item(article: Article, base_url: str) -> dict[str, Any]:
    href = original_url(article)
    local = f"{base_url.rstrip('/')}/articles/{article.id}"
    when = article.published or article.fetched_at or datetime.now(UTC)
    item: dict[str, Any] = {
        # Same identity as the Atom entry: the publisher's URL, else our article page.
        "id": href or local,
        "url": href or local,
        "title": article.title or "(untitled)",
        "content_text": article.excerpt or article.title or "(untitled)",
        "date_modified": iso(when),
        "authors": [{"name": n} for n in article.authors or [publisher_name(article)]],
        "_progleton": {"article_url": local, "publisher": publisher_name(article)},
    }
    if article.excerpt:
        item["summary"] = article.excerpt
    if article.published:
        item["date_published"] = iso(article.published)
    if lang := lang_tag(article.language):
        item["language"] = lang
    if image := safe_image(article.image):
        item["image"] = image
    if article.access:
        item["_progleton"]["access"] = article.access
    return item


@dataclass(frozen=True, slots=True)
class FeedContent:
    """What one feed holds, whatever its format."""

    articles: Sequence[Article]
    title: str
    subtitle: str = "Newest stories. Articles belong to their publishers."
    alternate: str | None = None  # our page the feed follows (absolute)


def _respond(request: Request, content: FeedContent, fmt: Format) -> Response:
    base = str(request.base_url)
    if fmt == "json":
        body = build_json_feed(
            content.articles,
            base_url=base,
            feed_url=str(request.url),
            title=content.title,
            home_page_url=content.alternate,
            description=content.subtitle,
        )
    else:
        body = build_atom(
            content.articles,
            base_url=base,
            self_url=str(request.url),
            title=content.title,
            alternate=content.alternate,
            subtitle=content.subtitle,
        )
    return Response(body, media_type=MEDIA_TYPES[fmt])


def _absolute(request: Request, path: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{path}"


def _newest(
    store: Store, source: str | None, lang: str | None, topic: str | None = None
) -> FeedContent:
    filters = parse_filters(source, lang, topic)
    title = "Progleton: newest stories"
    if filters.source_id is not None:
        found = store.get_source(filters.source_id)
        if found is None:
            raise HTTPException(404, "There is no source with that id.")
        title = f"Progleton: {source_name(found)}"
    if filters.language:
        title += f" in {language_name(filters.language)}"
    if filters.topic:
        title += f" about {filters.topic}"
    articles = store.filtered_articles(
        FEED_SIZE, None, filters.source_id, filters.language, filters.topic
    )
    return FeedContent(articles, title)


@router.api_route("/feed.atom", methods=GET_HEAD, name="atom_feed")
def atom_feed(
    request: Request,
    store: StoreDep,
    source: SourceParam = None,
    lang: LangParam = None,
    topic: TopicParam = None,
) -> Response:
    """The newest 50 articles (optionally of one source, language or topic) as Atom 1.0."""
    return _respond(request, _newest(store, source, lang, topic), "atom")


@router.api_route("/feed.json", methods=GET_HEAD, name="json_feed")
def json_feed(
    request: Request,
    store: StoreDep,
    source: SourceParam = None,
    lang: LangParam = None,
    topic: TopicParam = None,
) -> Response:
    """The newest 50 articles (optionally of one source, language or topic) as JSON Feed 1.1."""
    return _respond(request, _newest(store, source, lang, topic), "json")


def _story(request: Request, store: Store, story_id: int) -> FeedContent:
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, "There is no story with that id.")
    articles = store.story_articles(story_id)
    articles.reverse()
    return FeedContent(
        articles[:FEED_SIZE],
        f"Progleton story: {story.title}",
        f"Coverage from {story.publisher_count} publishers, newest first.",
        _absolute(request, f"/stories/{story_id}"),
    )


@router.api_route("/stories/{story_id}/feed.atom", methods=GET_HEAD, name="story_feed")
def story_feed(
    request: Request, store: StoreDep, story_id: Annotated[int, Path(ge=1, lt=2**31)]
) -> Response:
    """A story's coverage as Atom 1.0, newest first: follow one story in a feed reader."""
    return _respond(request, _story(request, store, story_id), "atom")


@router.api_route("/stories/{story_id}/feed.json", methods=GET_HEAD, name="story_json_feed")
def story_json_feed(
    request: Request, store: StoreDep, story_id: Annotated[int, Path(ge=1, lt=2**31)]
) -> Response:
    """A story's coverage as JSON Feed 1.1, newest first."""
    return _respond(request, _story(request, store, story_id), "json")


def _search(request: Request, store: Store, q: str) -> FeedContent:
    query = q.strip()
    if not query:
        raise HTTPException(400, "A search feed needs a query: /search/feed.atom?q=words")
    page = _absolute(request, "/search?" + urlencode({"q": query}))
    return FeedContent(
        store.search_newest(query, FEED_SIZE),
        f"Progleton search: {query}",
        "The newest articles matching this search.",
        page,
    )


QueryParam = Annotated[str, Query(max_length=MAX_QUERY_LENGTH)]


@router.api_route("/search/feed.atom", methods=GET_HEAD, name="search_feed")
def search_feed(request: Request, store: StoreDep, q: QueryParam = "") -> Response:
    """A saved search as Atom 1.0: its newest 50 matches, with every search operator."""
    return _respond(request, _search(request, store, q), "atom")


@router.api_route("/search/feed.json", methods=GET_HEAD, name="search_json_feed")
def search_json_feed(request: Request, store: StoreDep, q: QueryParam = "") -> Response:
    """A saved search as JSON Feed 1.1: its newest 50 matches, with every search operator."""
    return _respond(request, _search(request, store, q), "json")


@router.api_route("/sources.opml", methods=GET_HEAD, name="opml_export")
def opml_export(store: StoreDep) -> Response:
    """All sources as OPML 2.0, for importing into other readers."""
    try:
        # Imported lazily: progleton.sources is developed separately, and the site must still
        # start (and type-check) without it.
        write_opml: Callable[..., str] = importlib.import_module(
            "progleton.sources.opml"
        ).write_opml
    except (ImportError, AttributeError) as exc:
        raise HTTPException(503, "OPML export is not available in this build.") from exc
    body = write_opml(store.list_sources(), title="Progleton sources")
    return Response(
        body,
        media_type="text/x-opml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="progleton-sources.opml"'},
    )
