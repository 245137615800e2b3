"""The web application: reader's pages, JSON API, Atom/OPML feeds and static files.

Run it with `uvicorn.run(create_app(Settings.from_env()))`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from progleton import __version__
from progleton.config import Settings
from progleton.pipeline import Pipeline
from progleton.store import Store, open_store
from progleton.web import admin, api, apidocs, entities, feeds, pages, websub
from progleton.web.admin import AdminState
from progleton.web.auth import LoginLimiter, Sessions
from progleton.web.errors import install_error_handlers
from progleton.web.filters import ChoicesCache
from progleton.web.security import SecurityHeadersMiddleware
from progleton.web.templating import STATIC_DIR, Renderer

API_DESCRIPTION = """Read-only JSON API of a Progleton instance.

Errors always have the shape `{"error": {"code": "not_found", "message": "..."}}`.
Article listings are keyset-paginated: pass `next_cursor` back as `before`.
"""


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the ASGI app.

    Without `store`, opens `settings.db_url` now (so a bad database fails at startup, not on
    the first request) and closes it on shutdown. A store passed in belongs to the caller,
    who closes it.
    """
    owned = store is None
    the_store: Store = open_store(settings.db_url) if store is None else store

    pipeline = Pipeline(settings, the_store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            pipeline.close()
            if owned:
                the_store.close()

    app = FastAPI(
        title="Progleton API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url=f"{api.API_PREFIX}/openapi.json",
        # Swagger UI and ReDoc load scripts from a CDN, which the CSP forbids;
        # apidocs serves a server-rendered reference at /api/v1/docs instead.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.pipeline = pipeline
    app.state.renderer = Renderer()
    app.state.choices = ChoicesCache()
    app.state.admin = AdminState(Sessions(), LoginLimiter())

    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)

    app.include_router(admin.router)
    app.include_router(api.router)
    app.include_router(apidocs.router)
    app.include_router(feeds.router)
    app.include_router(pages.router)
    app.include_router(entities.router)
    app.include_router(entities.api_router)
    app.include_router(websub.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
