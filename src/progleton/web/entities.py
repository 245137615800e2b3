"""Entity pages, feeds and API: who is in the news and what they said.

- `/entities`: the entities in most articles; `/entities/{id}`: one entity's recent quotes,
  articles, co-occurring entities and a timeline of mentions; `/entities/{id}/feed.atom`
  (and `.json`): articles mentioning it.
- `/api/v1/entities`, `/api/v1/entities/{id}`, `/api/v1/entities/{id}/quotes`,
  `/api/v1/quotes?q=` (search), `/api/v1/articles/{id}/quotes`, `/api/v1/stories/{id}/quotes`
  (near-identical quotes once, with the publishers that carried them).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from progleton.store import Store
from progleton.store.entitydb import EntityStore, StoredEntity, StoredQuote
from progleton.web.api import _NOT_FOUND, API_PREFIX
from progleton.web.deps import GET_HEAD, RendererDep, StoreDep
from progleton.web.feeds import FeedContent, _absolute, _respond
from progleton.web.pages import card
from progleton.web.timefmt import iso

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix=API_PREFIX, tags=["v1"], responses=_NOT_FOUND)

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


def _store(store: Store) -> EntityStore:
    return cast(EntityStore, store)  # every SQLStore has the entity mixin


def _entity_or_404(store: Store, entity_id: int) -> StoredEntity:
    found = _store(store).get_entity(entity_id)
    if found is None:
        raise HTTPException(404, "There is no entity with that id.")
    return found


# -- pages ---------------------------------------------------------------------------------
@router.api_route("/entities", methods=GET_HEAD, response_class=HTMLResponse, name="entities")
def entities_page(request: Request, store: StoreDep, renderer: RendererDep) -> HTMLResponse:
    """People, organisations and places in the most articles."""
    top = _store(store).top_entities(100)
    return renderer.page(
        request, "entity.html", {"entity": None, "top": top, "labels": LABELS, "title": "Who"}
    )


@router.api_route(
    "/entities/{entity_id}", methods=GET_HEAD, response_class=HTMLResponse, name="entity_page"
)
def entity_page(
    request: Request, store: StoreDep, renderer: RendererDep, entity_id: IdPath
) -> HTMLResponse:
    """One entity: what it said lately, where it was mentioned, with whom, and when."""
    s = _store(store)
    entity = _entity_or_404(store, entity_id)
    timeline = s.entity_timeline(entity_id)
    peak = max((n for _, n in timeline), default=1)
    context: dict[str, Any] = {
        "entity": entity,
        "label": LABELS.get(entity.label, entity.label),
        "aliases": [a for a in s.aliases_of(entity_id) if a != entity.name],
        "quotes": s.entity_quotes(entity_id, 30),
        "cards": [card(a) for a in s.entity_articles(entity_id, 20)],
        "related": s.co_occurring(entity_id, 15),
        "timeline": [(day, n, round(100 * n / peak)) for day, n in timeline],
        "title": entity.name,
    }
    return renderer.page(request, "entity.html", context)


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
def entity_json(e: StoredEntity) -> dict[str, Any]:
    """An entity in API form."""
    return {
        "id": e.id,
        "name": e.name,
        "label": e.label,
        "mentions": e.mentions,
        "articles": e.article_count,
        "quotes": e.quote_count,
        "first_seen": iso(e.first_seen),
        "last_seen": iso(e.last_seen),
    }


def quote_json(q: StoredQuote, publishers: list[str] | None = None) -> dict[str, Any]:
    """A quote in API form."""
    out: dict[str, Any] = {
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
        "time": iso(q.sort_time),
    }
    if publishers is not None:
        out["publishers"] = publishers
    return out


@api_router.get("/entities", summary="Entities in the most articles")
def api_entities(
    store: StoreDep,
    name: Annotated[str | None, Query(max_length=200)] = None,
    label: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Top entities, or those named `name` (any alias)."""
    s = _store(store)
    found = s.find_entities(name, limit) if name else s.top_entities(limit, label)
    return {"entities": [entity_json(e) for e in found]}


@api_router.get("/entities/{entity_id}", summary="One entity")
def api_entity(store: StoreDep, entity_id: IdPath) -> dict[str, Any]:
    """An entity with its aliases, co-occurring entities and mention timeline."""
    s = _store(store)
    entity = _entity_or_404(store, entity_id)
    return entity_json(entity) | {
        "aliases": s.aliases_of(entity_id),
        "related": [entity_json(e) | {"shared_articles": n} for e, n in s.co_occurring(entity_id)],
        "timeline": [{"day": d, "articles": n} for d, n in s.entity_timeline(entity_id)],
    }


@api_router.get("/entities/{entity_id}/quotes", summary="What an entity said")
def api_entity_quotes(
    store: StoreDep, entity_id: IdPath, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> dict[str, Any]:
    """The entity's quotes, newest first."""
    _entity_or_404(store, entity_id)
    return {"quotes": [quote_json(q) for q in _store(store).entity_quotes(entity_id, limit)]}


@api_router.get("/quotes", summary="Search quotes")
def api_quotes(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Quotes containing every word of `q`, newest first."""
    return {"quotes": [quote_json(x) for x in _store(store).search_quotes(q, limit)]}


@api_router.get("/articles/{article_id}/quotes", summary="An article's quotes and entities")
def api_article_quotes(store: StoreDep, article_id: IdPath) -> dict[str, Any]:
    """Who the article names and who it quotes."""
    s = _store(store)
    return {
        "entities": [
            entity_json(e) | {"mentions_here": n} for e, n in s.entities_of_article(article_id)
        ],
        "quotes": [quote_json(q) for q in s.article_quotes(article_id)],
    }


@api_router.get("/stories/{story_id}/quotes", summary="Who is quoted in a story")
def api_story_quotes(store: StoreDep, story_id: IdPath) -> dict[str, Any]:
    """The story's quotes, near-identical ones once with every publisher that carried them."""
    return {"quotes": [quote_json(q, pubs) for q, pubs in _store(store).story_quotes(story_id)]}
