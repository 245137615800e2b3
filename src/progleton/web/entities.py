"""Entity pages, feeds and API: who is in the news and what they said.

- `/entities` (paged): the entities in most articles; `/entities/{id}`: one entity's recent
  quotes (the same quote from several publishers once, paged), articles, co-occurring entities
  and a timeline of mentions; `/entities/{id}/feed.atom` (and `.json`): articles mentioning it.
- `/quotes?q=`: quote search, the article search's syntax over quotes and speakers' names.
- `/api/v1/entities`, `/api/v1/entities/{id}`, `/api/v1/entities/{id}/quotes`,
  `/api/v1/quotes?q=` (search), `/api/v1/articles/{id}/quotes`, `/api/v1/stories/{id}/quotes`
  (near-identical quotes once, with the publishers that carried them). Lists take
  `limit` and `offset` and say `next_offset`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, cast, get_args

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from progleton.enrich.model import ENTITY_LABELS
from progleton.store import Store
from progleton.store.entitydb import EntityStore, StoredEntity, StoredQuote
from progleton.store.query import parse_query
from progleton.web.api import _ERRORS, _NOT_FOUND, API_PREFIX
from progleton.web.deps import GET_HEAD, RendererDep, StoreDep
from progleton.web.enrichment import quote_view
from progleton.web.feeds import FeedContent, _absolute, _respond
from progleton.web.pages import MAX_QUERY_LENGTH, card
from progleton.web.present import page_url
from progleton.web.schemas import (
    ArticleQuotes,
    EntityDetail,
    EntityList,
    QuoteList,
    StoryQuotes,
)
from progleton.web.timefmt import as_utc

router = APIRouter(include_in_schema=False)
# 404 is declared per endpoint, where an id can be unknown.
api_router = APIRouter(prefix=API_PREFIX, tags=["v1"])

LABELS = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "GPE": "Place",
    "LOC": "Place",
    "NORP": "Group",
    "FAC": "Place",
    "EVENT": "Event",
}
IdPath = Annotated[int, Path(ge=1, lt=2**31)]
EntityIdPath = Annotated[int, Path(ge=1, lt=2**31, description="The entity's id.")]
ArticleIdPath = Annotated[int, Path(ge=1, lt=2**31, description="The article's id.")]
StoryIdPath = Annotated[int, Path(ge=1, lt=2**31, description="The story's id.")]
#: Quotes per page of the HTML quote search.
QUOTE_SEARCH_PAGE_SIZE = 30


def _store(store: Store) -> EntityStore:
    return cast(EntityStore, store)  # every SQLStore has the entity mixin


def _entity_or_404(store: Store, entity_id: int) -> StoredEntity:
    found = _store(store).get_entity(entity_id)
    if found is None:
        raise HTTPException(404, "There is no entity with that id.")
    return found


# -- pages ---------------------------------------------------------------------------------
#: Entities per page of `/entities`, quotes per page of an entity page.
ENTITIES_PAGE_SIZE = 100
ENTITY_QUOTES_PAGE_SIZE = 30
#: Page numbers allowed in `?page=` (like /search: bounded, 400 beyond).
MAX_PAGES = 1000
PageParam = Annotated[int, Query(ge=1, le=MAX_PAGES, description="Page number, from 1.")]


def _pager(path: str, page: int, more: bool, **params: str | int | None) -> dict[str, Any]:
    return {
        "page": page,
        "prev_url": page_url(path, page=page - 1 if page > 2 else None, **params)
        if page > 1
        else None,
        "next_url": page_url(path, page=page + 1, **params) if more and page < MAX_PAGES else None,
    }


@router.api_route("/entities", methods=GET_HEAD, response_class=HTMLResponse, name="entities")
def entities_page(
    request: Request, store: StoreDep, renderer: RendererDep, page: PageParam = 1
) -> HTMLResponse:
    """People, organisations and places in the most articles, a page at a time."""
    size = ENTITIES_PAGE_SIZE
    found = _store(store).top_entities(size + 1, offset=(page - 1) * size)
    if not found and page > 1:
        raise HTTPException(404, "There are no more entities; the list starts at page 1.")
    return renderer.page(
        request,
        "entity.html",
        {
            "entity": None,
            "top": found[:size],
            "first_index": (page - 1) * size + 1,
            "labels": LABELS,
            "title": "People, organisations and places" + ("" if page == 1 else f", page {page}"),
            "nav": "entities",
            **_pager("/entities", page, len(found) > size),
        },
    )


@router.api_route(
    "/entities/{entity_id}", methods=GET_HEAD, response_class=HTMLResponse, name="entity_page"
)
def entity_page(
    request: Request,
    store: StoreDep,
    renderer: RendererDep,
    entity_id: IdPath,
    page: PageParam = 1,
) -> HTMLResponse:
    """One entity: what it said lately (the same quote from several publishers once, a page
    at a time), where it was mentioned, with whom, and when."""
    s = _store(store)
    entity = _entity_or_404(store, entity_id)
    size = ENTITY_QUOTES_PAGE_SIZE
    folded, distinct = s.entity_quotes_folded(entity_id, size, (page - 1) * size)
    if not folded and page > 1:
        raise HTTPException(404, "There are no more quotes; they start at page 1.")
    timeline = s.entity_timeline(entity_id)
    peak = max((n for _, n in timeline), default=1)
    context: dict[str, Any] = {
        "entity": entity,
        "label": LABELS.get(entity.label, entity.label),
        "aliases": [a for a in s.aliases_of(entity_id) if a != entity.name],
        "quotes": [quote_view(q, pubs) for q, pubs in folded],
        "quote_distinct": distinct,
        "quote_first": (page - 1) * size + 1,
        "cards": [card(a) for a in s.entity_articles(entity_id, 20)] if page == 1 else [],
        "related": s.co_occurring(entity_id, 15) if page == 1 else [],
        "timeline": [(day, n, round(100 * n / peak)) for day, n in timeline] if page == 1 else [],
        "title": entity.name if page == 1 else f"{entity.name}: quotes, page {page}",
        "nav": "entities",
        **_pager(f"/entities/{entity_id}", page, (page - 1) * size + len(folded) < distinct),
    }
    return renderer.page(request, "entity.html", context)


@router.api_route("/quotes", methods=GET_HEAD, response_class=HTMLResponse, name="quotes_page")
def quotes_page(
    request: Request,
    store: StoreDep,
    renderer: RendererDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    page: PageParam = 1,
) -> HTMLResponse:
    """Quote search: the article search's syntax over quotes and their speakers' names."""
    query = q.strip()
    size = QUOTE_SEARCH_PAGE_SIZE
    found = _store(store).search_quotes(query, size + 1, (page - 1) * size) if query else []
    return renderer.page(
        request,
        "quotes.html",
        {
            "title": f"Quotes: {query}" if query else "Quote search",
            "q": query,
            "quotes": [quote_view(x) for x in found[:size]],
            "problems": parse_query(query).problems if query else [],
            "first_index": (page - 1) * size + 1,
            "nav": "search",
            **_pager("/quotes", page, len(found) > size, q=query),
        },
    )


def _entity_feed(request: Request, store: Store, entity_id: int) -> FeedContent:
    entity = _entity_or_404(store, entity_id)
    return FeedContent(
        _store(store).entity_articles(entity_id, 50),
        f"Progleton: {entity.name}",
        f"Articles mentioning {entity.name}, newest first.",
        _absolute(request, f"/entities/{entity_id}"),
    )


@router.api_route("/entities/{entity_id}/feed.atom", methods=GET_HEAD, name="entity_feed")
def entity_feed(request: Request, store: StoreDep, entity_id: IdPath) -> Response:
    """Articles mentioning the entity, as Atom 1.0."""
    return _respond(request, _entity_feed(request, store, entity_id), "atom")


@router.api_route("/entities/{entity_id}/feed.json", methods=GET_HEAD, name="entity_json_feed")
def entity_json_feed(request: Request, store: StoreDep, entity_id: IdPath) -> Response:
    """Articles mentioning the entity, as JSON Feed 1.1."""
    return _respond(request, _entity_feed(request, store, entity_id), "json")


# -- API -----------------------------------------------------------------------------------
Label = Literal["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"]
if set(get_args(Label)) != ENTITY_LABELS:  # kept in step with the enrich stage
    raise RuntimeError(f"entity labels changed: {sorted(ENTITY_LABELS)}")
Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Offset = Annotated[
    int, Query(ge=0, le=100_000, description="Items to skip: `next_offset` of the previous page.")
]


def _time(value: datetime) -> datetime:
    """Times as the API always wrote them: UTC, whole seconds."""
    return as_utc(value).replace(microsecond=0)


def entity_out(e: StoredEntity) -> dict[str, Any]:
    """An entity's API fields."""
    return {
        "id": e.id,
        "name": e.name,
        "label": e.label,
        "mentions": e.mentions,
        "articles": e.article_count,
        "quotes": e.quote_count,
        "first_seen": _time(e.first_seen),
        "last_seen": _time(e.last_seen),
    }


def quote_out(q: StoredQuote) -> dict[str, Any]:
    """A quote's API fields."""
    return {
        "id": q.id,
        "speaker": q.speaker,
        "entity_id": q.entity_id,
        "kind": q.kind,
        "text": q.text,
        "cue": q.cue,
        "source": q.source,
        "sentence": q.sentence,
        "article_id": q.article_id,
        "publisher": q.publisher,
        "url": q.url,
        "time": _time(q.sort_time),
    }


def _next_offset(found: list[Any], limit: int, offset: int) -> int | None:
    return offset + limit if len(found) > limit else None


@api_router.get(
    "/entities",
    response_model=EntityList,
    responses=_ERRORS,
    summary="Entities in the most articles, or by name",
)
def api_entities(
    store: StoreDep,
    name: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Only entities with this name or alias, any letter case "
            '("putin" finds "Vladimir Putin"); literal text, no wildcards.',
        ),
    ] = None,
    label: Annotated[Label | None, Query(description="Only entities of this kind.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EntityList:
    """Entities in the most articles first, or, with `name`, the most mentioned of that
    name first; `label` keeps one kind."""
    s = _store(store)
    if name and name.strip():
        found = s.find_entities(name, limit + 1, label, offset)
    else:
        found = s.top_entities(limit + 1, label, offset)
    return EntityList.model_validate(
        {
            "entities": [entity_out(e) for e in found[:limit]],
            "next_offset": _next_offset(found, limit, offset),
        }
    )


@api_router.get(
    "/entities/{entity_id}", response_model=EntityDetail, responses=_NOT_FOUND, summary="One entity"
)
def api_entity(store: StoreDep, entity_id: EntityIdPath) -> EntityDetail:
    """An entity with its aliases, co-occurring entities and mention timeline."""
    s = _store(store)
    entity = _entity_or_404(store, entity_id)
    return EntityDetail.model_validate(
        entity_out(entity)
        | {
            "aliases": s.aliases_of(entity_id),
            "related": [
                entity_out(e) | {"shared_articles": n} for e, n in s.co_occurring(entity_id)
            ],
            "timeline": [{"day": d, "articles": n} for d, n in s.entity_timeline(entity_id)],
        }
    )


@api_router.get(
    "/entities/{entity_id}/quotes",
    response_model=QuoteList,
    responses=_NOT_FOUND,
    summary="What an entity said",
)
def api_entity_quotes(
    store: StoreDep, entity_id: EntityIdPath, limit: Limit = 50, offset: Offset = 0
) -> QuoteList:
    """The quotes attributed to the entity, newest first (every copy: see the story's
    quotes for near-identical ones folded)."""
    _entity_or_404(store, entity_id)
    found = _store(store).entity_quotes(entity_id, limit + 1, offset)
    return QuoteList.model_validate(
        {
            "quotes": [quote_out(q) for q in found[:limit]],
            "next_offset": _next_offset(found, limit, offset),
        }
    )


@api_router.get("/quotes", response_model=QuoteList, responses=_ERRORS, summary="Search quotes")
def api_quotes(
    store: StoreDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            description='The article search\'s syntax: every word, "quoted phrases", '
            "-excluded words, source:, after: and before: (YYYY-MM-DD). Whole words of the "
            "quote or of its speaker's name.",
        ),
    ],
    limit: Limit = 50,
    offset: Offset = 0,
) -> QuoteList:
    """Quotes with every word of `q` in their text or their speaker's name, newest first."""
    found = _store(store).search_quotes(q, limit + 1, offset)
    return QuoteList.model_validate(
        {
            "quotes": [quote_out(x) for x in found[:limit]],
            "next_offset": _next_offset(found, limit, offset),
        }
    )


@api_router.get(
    "/articles/{article_id}/quotes",
    response_model=ArticleQuotes,
    responses=_NOT_FOUND,
    summary="An article's quotes and entities",
)
def api_article_quotes(store: StoreDep, article_id: ArticleIdPath) -> ArticleQuotes:
    """Who the article names and whom it quotes (both empty until it is enriched)."""
    if store.get_article(article_id) is None:
        raise HTTPException(404, "There is no article with that id.")
    s = _store(store)
    return ArticleQuotes.model_validate(
        {
            "entities": [
                entity_out(e) | {"mentions_here": n} for e, n in s.entities_of_article(article_id)
            ],
            "quotes": [quote_out(q) for q in s.article_quotes(article_id)],
        }
    )


@api_router.get(
    "/stories/{story_id}/quotes",
    response_model=StoryQuotes,
    responses=_NOT_FOUND,
    summary="Who is quoted in a story",
)
def api_story_quotes(store: StoreDep, story_id: StoryIdPath) -> StoryQuotes:
    """The story's quotes in order of first appearance, near-identical ones once with every
    publisher that carried them."""
    if store.get_story(story_id) is None:
        raise HTTPException(404, "There is no story with that id.")
    found = _store(store).story_quotes(story_id)
    return StoryQuotes.model_validate(
        {"quotes": [quote_out(q) | {"publishers": pubs} for q, pubs in found]}
    )
