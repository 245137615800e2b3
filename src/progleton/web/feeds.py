"""Feeds out: Atom 1.0 feeds of the newest articles and of each story; OPML of the sources."""

from __future__ import annotations

import importlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from progleton import __version__
from progleton.models import Article
from progleton.web.deps import GET_HEAD, StoreDep
from progleton.web.present import original_url, publisher_name
from progleton.web.timefmt import iso

router = APIRouter(include_in_schema=False)

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50

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


@router.api_route("/feed.atom", methods=GET_HEAD, name="atom_feed")
def atom_feed(
    request: Request,
    store: StoreDep,
    source: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The newest 50 articles (optionally of one source) as Atom 1.0."""
    title = "Progleton: newest stories"
    if source is not None:
        found = store.get_source(source)
        if found is None:
            raise HTTPException(404, "There is no source with that id.")
        title = f"Progleton: {found.title or found.feed_url}"
    articles = store.latest_articles(FEED_SIZE, None, source)
    body = build_atom(
        articles, base_url=str(request.base_url), self_url=str(request.url), title=title
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.api_route("/stories/{story_id}/feed.atom", methods=GET_HEAD, name="story_feed")
def story_feed(request: Request, store: StoreDep, story_id: Annotated[int, Path(ge=1)]) -> Response:
    """A story's coverage as Atom 1.0, newest first: follow one story in a feed reader."""
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, "There is no story with that id.")
    articles = store.story_articles(story_id)
    articles.reverse()
    base = str(request.base_url)
    body = build_atom(
        articles[:FEED_SIZE],
        base_url=base,
        self_url=str(request.url),
        title=f"Progleton story: {story.title}",
        alternate=f"{base.rstrip('/')}/stories/{story_id}",
        subtitle=f"Coverage from {story.publisher_count} publishers, newest first.",
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


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
