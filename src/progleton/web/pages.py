"""The reader's HTML pages: front page (ranked stories), latest, story, article, sources, search.

Each page makes few store calls and renders everything server-side; no page needs JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from progleton.config import Settings
from progleton.models import Article, Source, Story, utcnow
from progleton.pipeline import Pipeline
from progleton.sitetemplates import source_templates
from progleton.store import Cursor, Store
from progleton.store.entitydb import EntityStore
from progleton.store.listing import FilterChoice
from progleton.store.query import approximate, parse_query
from progleton.web.deps import (
    GET_HEAD,
    ChoicesDep,
    PipelineDep,
    RendererDep,
    SettingsDep,
    StoreDep,
)
from progleton.web.enrichment import QuoteView, article_enrichment, quote_view, story_enrichment
from progleton.web.filters import (
    ChoicesCache,
    FilterChoices,
    Filters,
    LangParam,
    SourceParam,
    TopicParam,
    language_name,
    parse_filters,
)
from progleton.web.present import (
    feed_link,
    lang_tag,
    original_url,
    page_url,
    publisher_name,
    safe_href,
    safe_image,
    source_name,
)
from progleton.web.templating import Renderer

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

MAX_QUERY_LENGTH = 500
#: Matching quotes shown above the article results on the first search page.
SEARCH_PAGE_QUOTES = 3
MAX_FRONT_PAGES = 40
SOURCE_PAGE_ARTICLES = 15
# A story page lists this many articles; the biggest stories (hundreds of articles) are paged
# rather than rendered whole (bench/web.py: a 400-article story cost ~50 ms a render).
STORY_PAGE_SIZE = 100
SOURCE_PAGE_FETCHES = 20


@dataclass(frozen=True, slots=True)
class Card:
    """An article as listed on a page: precomputed so templates stay simple."""

    article: Article
    publisher: str
    href: str | None  # the publisher's original URL, only if http(s)
    excerpt: str
    snippet_html: str | None = None  # search only: escaped text with <mark> highlights


def card(article: Article, source_title: str | None = None, snippet: str | None = None) -> Card:
    """Build the listing view of an article."""
    return Card(
        article=article,
        publisher=publisher_name(article, source_title),
        href=original_url(article),
        excerpt=article.excerpt,
        snippet_html=snippet,
    )


@dataclass(frozen=True, slots=True)
class StoryCard:
    """A story as listed on the front page."""

    story: Story
    lead: Card | None


def story_card(story: Story) -> StoryCard:
    """Build the listing view of a story (its lead article gives excerpt and link)."""
    return StoryCard(story=story, lead=card(story.lead) if story.lead else None)


def _filter_context(
    store: Store, filters: Filters, choices: FilterChoices, base: str
) -> dict[str, object]:
    """What the filter form and the page heading need."""
    source_obj = None
    if filters.source_id is not None:
        source_obj = store.get_source(filters.source_id)
        if source_obj is None:
            raise HTTPException(404, "There is no source with that id.")
    described = []
    if filters.language:
        described.append(f"in {language_name(filters.language)}")
    if source_obj is not None:
        described.append(f"from {source_name(source_obj)}")
    # A filter value not among the choices (a source whose articles fell out of the
    # candidates, a rare language or topic) stays selectable, so the form shows what is applied.
    languages = list(choices.languages)
    if filters.language and all(c.value != filters.language for c in languages):
        languages.append(FilterChoice(filters.language, language_name(filters.language), 0))
    sources = list(choices.sources)
    if source_obj is not None and all(c.value != str(source_obj.id) for c in sources):
        sources.append(FilterChoice(str(source_obj.id), source_name(source_obj), 0))
    topics = list(choices.topics)
    if filters.topic:
        chosen = next((c for c in topics if c.value == filters.topic), None)
        if chosen is None:
            chosen = FilterChoice(filters.topic, filters.topic, 0)
            topics.append(chosen)
        described.append(f"about {chosen.label}")
    params = filters.params()
    return {
        "filters": filters,
        "filter_source": source_obj,
        "filter_text": " ".join(described),
        "filter_languages": languages,
        "filter_sources": sources,
        "filter_topics": topics,
        "filter_action": base,
        "feeds": [feed_link("Newest articles " + " ".join(described), "/feed", **params)]
        if filters.active
        else [],
    }


def _ranked_front_page(
    request: Request,
    pipeline: Pipeline,
    settings: Settings,
    renderer: Renderer,
    page: int,
    filters: Filters,
    filter_ctx: dict[str, object],
) -> HTMLResponse:
    size = settings.page_size
    stories, more = pipeline.front_page(
        utcnow(),
        (page - 1) * size,
        size,
        source_id=filters.source_id,
        language=filters.language,
        topic=filters.topic,
    )
    if not stories and page > 1:
        raise HTTPException(404, "There are no more stories; the front page starts at page 1.")
    params = filters.params()
    heading = "Top stories"
    if filters.active:
        heading += f" {filter_ctx['filter_text']}"
    return renderer.page(
        request,
        "stories.html",
        {
            **filter_ctx,
            "title": ""
            if page == 1 and not filters.active
            else heading + ("" if page == 1 else f", page {page}"),
            "heading": heading,
            "latest_url": page_url("/latest", **params),
            "nav": "front",
            "cards": [story_card(s) for s in stories],
            "page": page,
            "prev_url": page_url("/", page=page - 1 if page > 2 else None, **params)
            if page > 1
            else None,
            "next_url": page_url("/", page=page + 1, **params)
            if more and page < MAX_FRONT_PAGES
            else None,
        },
    )


@router.api_route("/", methods=GET_HEAD, name="front_page")
def front_page(
    request: Request,
    store: StoreDep,
    pipeline: PipelineDep,
    settings: SettingsDep,
    renderer: RendererDep,
    choices: ChoicesDep,
    before: Annotated[str | None, Query(max_length=64)] = None,
    source: SourceParam = None,
    lang: LangParam = None,
    topic: TopicParam = None,
    page: Annotated[int, Query(ge=1, le=MAX_FRONT_PAGES)] = 1,
) -> HTMLResponse:
    """Top stories, ranked (once the story stage has run); else newest articles.

    `lang`, `source` and `topic` keep the stories with an article in that language / from
    that source / labelled with that topic.
    """
    filters = parse_filters(source, lang, topic)
    if before is None and store.count_stories() > 0:
        ctx = _filter_context(store, filters, choices.get(store, settings.rank_candidates), "/")
        return _ranked_front_page(request, pipeline, settings, renderer, page, filters, ctx)
    return _latest(request, store, settings, renderer, choices, before, filters)


@router.api_route("/latest", methods=GET_HEAD, name="latest_page")
def latest_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    renderer: RendererDep,
    choices: ChoicesDep,
    before: Annotated[str | None, Query(max_length=64)] = None,
    source: SourceParam = None,
    lang: LangParam = None,
    topic: TopicParam = None,
) -> HTMLResponse:
    """Newest articles first, keyset-paginated with `?before=<cursor>`; `lang`, `source` and
    `topic` filter."""
    filters = parse_filters(source, lang, topic)
    return _latest(request, store, settings, renderer, choices, before, filters, base="/latest")


def _latest(
    request: Request,
    store: Store,
    settings: Settings,
    renderer: Renderer,
    choices: ChoicesCache,
    before: str | None,
    filters: Filters,
    base: str = "/",
) -> HTMLResponse:
    """Newest articles, keyset-paginated with `?before=<cursor>`, optionally filtered."""
    # A malformed cursor (hand-edited URL) just shows the newest stories.
    cursor = Cursor.decode(before) if before else None
    ctx = _filter_context(store, filters, choices.get(store, settings.rank_candidates), base)
    source_obj = ctx["filter_source"]
    assert source_obj is None or isinstance(source_obj, Source)
    size = settings.page_size
    params = filters.params()
    # One extra row tells whether an older page exists without a second query.
    rows = store.filtered_articles(
        size + 1, cursor, filters.source_id, filters.language, filters.topic
    )
    items = rows[:size]
    next_url = None
    if len(rows) > size:
        next_url = page_url(base, before=store.cursor_for(items[-1]).encode(), **params)
    title = "Latest articles" if base == "/latest" else ""
    if filters.active:
        title = f"{'Latest articles' if base == '/latest' else 'Stories'} {ctx['filter_text']}"
    return renderer.page(
        request,
        "index.html",
        {
            **ctx,
            "title": title,
            "heading": title,
            "nav": "latest" if base == "/latest" else "front",
            "cards": [card(a, source_obj.title if source_obj else None) for a in items],
            "source": source_obj,
            "paged": cursor is not None,
            "next_url": next_url,
            "first_url": page_url(base, **params),
        },
    )


@router.api_route("/articles/{article_id}", methods=GET_HEAD, name="article_page")
def article_page(
    request: Request,
    store: StoreDep,
    renderer: RendererDep,
    article_id: Annotated[int, Path(ge=1, lt=2**31)],
) -> HTMLResponse:
    """One article: metadata, clean text and a prominent link to the publisher's page."""
    article = store.get_article(article_id)
    if article is None:
        raise HTTPException(404, "There is no article with that id.")
    original = store.get_article(article.duplicate_of) if article.duplicate_of else None
    root_id = original.id if original is not None else article_id
    assert root_id is not None
    copies = [c for c in store.copies_of(root_id) if c.id != article_id]
    story = store.get_story(article.story_id) if article.story_id else None
    return renderer.page(
        request,
        "article.html",
        {
            "title": article.title,
            "article": article,
            "publisher": publisher_name(article),
            "href": original_url(article),
            "canonical": safe_href(article.canonical_url),
            "image": safe_image(article.image),
            "lang": lang_tag(article.language),
            "original": card(original) if original else None,
            "copies": [card(c) for c in copies],
            "history": store.title_history(article_id),
            "story": story if story and story.article_count > 1 else None,
            **article_enrichment(store, article_id),
        },
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """One original article on a story page, with the copies folded under it."""

    card: Card
    first: bool
    copies: list[Card]


def coverage(articles: list[Article], *, first_page: bool = True) -> list[Coverage]:
    """Originals in time order, each with its copies; a copy whose original is elsewhere
    stands on its own. The first original is marked first only on the story's first page."""
    ids = {a.id for a in articles}
    copies: dict[int, list[Card]] = {}
    for a in articles:
        if a.duplicate_of is not None and a.duplicate_of in ids:
            copies.setdefault(a.duplicate_of, []).append(card(a))
    out: list[Coverage] = []
    for a in articles:
        if a.duplicate_of is not None and a.duplicate_of in ids:
            continue
        assert a.id is not None
        out.append(Coverage(card(a), first=first_page and not out, copies=copies.get(a.id, [])))
    return out


@router.api_route("/stories/{story_id}", methods=GET_HEAD, name="story_page")
def story_page(
    request: Request,
    store: StoreDep,
    renderer: RendererDep,
    story_id: Annotated[int, Path(ge=1, lt=2**31)],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """All coverage of one story in time order, `STORY_PAGE_SIZE` articles a page; copies
    folded under their originals (a copy whose original is on another page stands alone)."""
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, "There is no story with that id (stories merge as they grow).")
    pages = max(1, math.ceil(story.article_count / STORY_PAGE_SIZE))
    if page > pages:
        raise HTTPException(404, f"This story's coverage has {pages} page(s).")
    start = (page - 1) * STORY_PAGE_SIZE
    articles = store.story_articles(story_id, limit=STORY_PAGE_SIZE, offset=start)
    base = f"/stories/{story_id}"
    return renderer.page(
        request,
        "story.html",
        {
            "title": story.title if page == 1 else f"{story.title} (page {page})",
            "story": story,
            "coverage": coverage(articles, first_page=page == 1),
            "feeds": [feed_link("Coverage of this story", f"/stories/{story_id}/feed")],
            "copies": store.count_story_copies(story_id),
            "page": page,
            "pages": pages,
            "shown_from": start + 1,
            "shown_to": start + len(articles),
            "prev_url": page_url(base, page=page - 1 if page > 2 else None) if page > 1 else None,
            "next_url": page_url(base, page=page + 1) if page < pages else None,
            **story_enrichment(store, story_id),
        },
    )


@router.api_route("/sources", methods=GET_HEAD, name="sources_page")
def sources_page(request: Request, store: StoreDep, renderer: RendererDep) -> HTMLResponse:
    """Every followed source with its crawl health."""
    return renderer.page(
        request,
        "sources.html",
        {"title": "Sources", "nav": "sources", "sources": store.list_sources()},
    )


@router.api_route("/sources/{source_id}", methods=GET_HEAD, name="source_page")
def source_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    renderer: RendererDep,
    source_id: Annotated[int, Path(ge=1, lt=2**31)],
) -> HTMLResponse:
    """One source's health, recent fetch log and recent articles."""
    source = store.get_source(source_id)
    if source is None:
        raise HTTPException(404, "There is no source with that id.")
    articles = store.latest_articles(SOURCE_PAGE_ARTICLES + 1, None, source_id)
    more_url = None
    if len(articles) > SOURCE_PAGE_ARTICLES:
        articles = articles[:SOURCE_PAGE_ARTICLES]
        more_url = page_url("/latest", source=source_id)
    return renderer.page(
        request,
        "source.html",
        {
            "title": source_name(source),
            "nav": "sources",
            "source": source,
            "fetches": store.recent_fetches(source_id, SOURCE_PAGE_FETCHES),
            "templates": source_templates(store, settings, source_id),
            "cards": [card(a, source.title) for a in articles],
            "more_url": more_url,
            "feeds": [feed_link(f"Articles from {source_name(source)}", "/feed", source=source_id)],
        },
    )


@router.api_route("/search", methods=GET_HEAD, name="search_page")
def search_page(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    renderer: RendererDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """Full-text search with operators; an empty query shows just the form and the help.

    Only the newest `search_candidates` matches are ranked and paged through; a larger
    total is an estimate, shown as "about N results".
    """
    query = q.strip()
    size = settings.page_size
    candidates = settings.search_candidates
    cards: list[Card] = []
    total = 0
    if query:
        hits, total = store.search(
            query, limit=size, offset=(page - 1) * size, candidates=candidates
        )
        cards = [card(h.article, snippet=h.snippet_html) for h in hits]
    quotes: list[QuoteView] = []
    if query and page == 1:  # the first few matching quotes; /quotes lists them all
        found = cast(EntityStore, store).search_quotes(query, SEARCH_PAGE_QUOTES + 1)
        quotes = [quote_view(x) for x in found]
    pages = max(1, math.ceil(min(total, candidates) / size))
    return renderer.page(
        request,
        "search.html",
        {
            "title": f"Search: {query}" if query else "Search",
            "q": query,
            "problems": parse_query(query).problems if query else [],
            "cards": cards,
            "total": total,
            "approximate": approximate(total, candidates),
            "page": page,
            "pages": pages,
            "first_index": (page - 1) * size + 1,
            "prev_url": page_url("/search", q=query, page=page - 1) if page > 1 else None,
            "next_url": page_url("/search", q=query, page=page + 1) if page < pages else None,
            "quotes": quotes[:SEARCH_PAGE_QUOTES],
            "more_quotes": len(quotes) > SEARCH_PAGE_QUOTES,
            "quotes_url": page_url("/quotes", q=query),
            # A saved search: the newest matches as a feed, operators and all.
            "feeds": [feed_link(f"Search: {query}", "/search/feed", q=query)] if query else [],
        },
    )
