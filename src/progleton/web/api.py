"""JSON API v1: stories, articles, sources, search and health. Errors use `ErrorEnvelope`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from progleton import __version__
from progleton.models import utcnow
from progleton.sitetemplates import source_templates
from progleton.store import Cursor, Store
from progleton.store.query import approximate
from progleton.web.deps import PipelineDep, SettingsDep, StoreDep
from progleton.web.filters import Filters, LangParam, SourceParam, TopicParam, parse_filters
from progleton.web.schemas import (
    ArticleDetail,
    ArticlePage,
    ArticleSummary,
    ErrorEnvelope,
    FetchOut,
    Health,
    SearchHitOut,
    SearchResults,
    SiteTemplateOut,
    SourceDetail,
    SourceList,
    SourceOut,
    StoryDetail,
    StoryOut,
    StoryPage,
)

API_PREFIX = "/api/v1"
MAX_LIMIT = 100

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorEnvelope, "description": "Invalid parameters"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorEnvelope, "description": "No such item"},
    **_ERRORS,
}

router = APIRouter(prefix=API_PREFIX, tags=["v1"])

Limit = Annotated[
    int | None,
    Query(ge=1, le=MAX_LIMIT, description="Page size (default: the server's page size)."),
]


@router.get("/articles", response_model=ArticlePage, responses=_ERRORS, summary="List articles")
def list_articles(
    store: StoreDep,
    settings: SettingsDep,
    limit: Limit = None,
    before: Annotated[
        str | None, Query(max_length=64, description="`next_cursor` of the previous page.")
    ] = None,
    source_id: Annotated[int | None, Query(ge=1, lt=2**31, description="Only this source.")] = None,
) -> ArticlePage:
    """Newest articles first, keyset-paginated: pass `next_cursor` back as `before`."""
    cursor = None
    if before:
        cursor = Cursor.decode(before)
        if cursor is None:
            raise HTTPException(422, "before: not a cursor returned by this API")
    size = limit or settings.page_size
    rows = store.latest_articles(size + 1, cursor, source_id)
    items = rows[:size]
    next_cursor = store.cursor_for(items[-1]).encode() if len(rows) > size else None
    return ArticlePage(items=[ArticleSummary.of(a) for a in items], next_cursor=next_cursor)


@router.get(
    "/articles/{article_id}",
    response_model=ArticleDetail,
    responses=_NOT_FOUND,
    summary="Get one article",
)
def get_article(store: StoreDep, article_id: Annotated[int, Path(ge=1, lt=2**31)]) -> ArticleDetail:
    """One article with its full clean text, as plain-text paragraphs."""
    article = store.get_article(article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id}")
    return ArticleDetail.of(article, store.title_history(article_id), store.copies_of(article_id))


MAX_STORY_PAGES = 100


def _story_filters(
    store: Store, source: str | None, lang: str | None, topic: str | None
) -> Filters:
    """The front page's filters, with the API's error codes (422 invalid, 404 no source)."""
    try:
        filters = parse_filters(source, lang, topic)
    except HTTPException as exc:
        raise HTTPException(422, str(exc.detail)) from None
    if filters.source_id is not None and store.get_source(filters.source_id) is None:
        raise HTTPException(404, f"no source with id {filters.source_id}")
    return filters


@router.get("/stories", response_model=StoryPage, responses=_NOT_FOUND, summary="Ranked stories")
def list_stories(
    store: StoreDep,
    pipeline: PipelineDep,
    settings: SettingsDep,
    limit: Limit = None,
    page: Annotated[int, Query(ge=1, le=MAX_STORY_PAGES, description="1 is the top.")] = 1,
    source: SourceParam = None,
    lang: LangParam = None,
    topic: TopicParam = None,
) -> StoryPage:
    """The front page: stories ranked by independent publishers, recency and growth.

    `source` (a source id), `lang` (a language code; "en" also matches "en-GB") and `topic`
    (any letter case) keep the stories with an article matching all of them, as the front
    page's filters do; a kept story's `lead` is then a matching article. An empty value is
    no filter.
    """
    filters = _story_filters(store, source, lang, topic)
    size = limit or settings.page_size
    stories, more = pipeline.front_page(
        utcnow(),
        (page - 1) * size,
        size,
        source_id=filters.source_id,
        language=filters.language,
        topic=filters.topic,
    )
    return StoryPage(
        items=[StoryOut.of(s, ranked=True) for s in stories],
        page=page,
        next_page=page + 1 if more and page < MAX_STORY_PAGES else None,
    )


@router.get(
    "/stories/{story_id}",
    response_model=StoryDetail,
    responses=_NOT_FOUND,
    summary="Get one story",
)
def get_story(store: StoreDep, story_id: Annotated[int, Path(ge=1, lt=2**31)]) -> StoryDetail:
    """One story with all its articles, earliest first."""
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story with id {story_id}")
    articles = store.story_articles(story_id)
    lead = next((a for a in articles if a.id == story.lead_article_id), None)
    story.lead = lead
    return StoryDetail(
        **StoryOut.of(story).model_dump(),
        articles=[ArticleSummary.of(a) for a in articles],
    )


@router.get("/sources", response_model=SourceList, summary="List sources")
def list_sources(store: StoreDep) -> SourceList:
    """Every followed source with its crawl health, ordered by title."""
    return SourceList(items=[SourceOut.of(s) for s in store.list_sources()])


@router.get(
    "/sources/{source_id}",
    response_model=SourceDetail,
    responses=_NOT_FOUND,
    summary="Get one source",
)
def get_source(
    store: StoreDep, settings: SettingsDep, source_id: Annotated[int, Path(ge=1, lt=2**31)]
) -> SourceDetail:
    """One source's health, its 20 most recent fetch attempts and its learned templates."""
    source = store.get_source(source_id)
    if source is None:
        raise HTTPException(404, f"no source with id {source_id}")
    fetches = [
        FetchOut(
            url=f.url,
            at=f.at,
            status=f.status,
            outcome=f.outcome,
            reason=f.reason,
            elapsed_ms=f.elapsed_ms,
        )
        for f in store.recent_fetches(source_id, 20)
    ]
    templates = [
        SiteTemplateOut(site=t.site, pages=t.pages, blocks=t.blocks, min_pages=t.min_pages)
        for t in source_templates(store, settings, source_id)
    ]
    return SourceDetail(
        **SourceOut.of(source).model_dump(), recent_fetches=fetches, templates=templates
    )


@router.get("/search", response_model=SearchResults, responses=_ERRORS, summary="Search")
def search(
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description='Words (ANDed), "quoted phrases", -excluded, source:, author:, '
            "before:YYYY-MM-DD, after:YYYY-MM-DD.",
        ),
    ],
    limit: Limit = None,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> SearchResults:
    """Full-text search over titles and bodies, best matches first."""
    size = limit or settings.page_size
    candidates = settings.search_candidates
    hits, total = store.search(q, limit=size, offset=offset, candidates=candidates)
    return SearchResults(
        query=q,
        total=total,
        approximate=approximate(total, candidates),
        limit=size,
        offset=offset,
        items=[SearchHitOut.of(h) for h in hits],
    )


@router.get("/health", response_model=Health, summary="Health check")
def health(store: StoreDep) -> Health:
    """Liveness probe: the store answers and how many articles it holds."""
    return Health(ok=True, version=__version__, article_count=store.count_articles())
