"""The web application: reader's pages, JSON API, Atom/OPML feeds and static files.

Run it with `uvicorn.run(create_app(Settings.from_env()))`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from progleton import __version__
from progleton.config import Settings
from progleton.pipeline import Pipeline
from progleton.store import Store, open_store
from progleton.web import admin, api, apidocs, entities, feeds, pages, websub
from progleton.web.admin import AdminState
from progleton.web.auth import SHARED_STATE_ENV, LoginLimiter, Sessions, shared_admin_state
from progleton.web.cache import MicroCacheMiddleware, PageCache
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
    # Several worker processes (`progleton serve --workers N`) share sessions and the login
    # limiter through a file the parent process made; one process keeps them in memory.
    shared = shared_admin_state()
    app.state.admin = AdminState(*shared) if shared else AdminState(Sessions(), LoginLimiter())
    app.state.page_cache = PageCache(settings.page_cache_seconds)

    app.add_middleware(SecurityHeadersMiddleware)
    # Outside the security headers, so cached answers carry them already.
    app.add_middleware(MicroCacheMiddleware, cache=app.state.page_cache)
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


# Seconds a thread may hold the GIL while another waits (CPython's default is 0.005).
SERVING_SWITCH_INTERVAL = 0.0005


def tune_for_serving() -> None:
    """Process settings for a serving process (`progleton serve` and its workers).

    Cache hits are answered on the event loop while page renders and the periodic ranking
    refresh (tens of ms of Python) run in worker threads. Each socket call of the loop gives
    up the GIL and then waits out the switch interval to get it back, so with the default
    5 ms a single 150 ms refresh held cached answers up for ~150 ms (the p99 of the front
    page at 500 req/s); a 0.5 ms interval lets the loop through between the render's slices.
    """
    sys.setswitchinterval(SERVING_SWITCH_INTERVAL)


def create_app_from_env() -> FastAPI:
    """The app for one worker process of `progleton serve --workers N` (uvicorn factory).

    Workers are fresh processes: they read the settings from the environment, which the
    parent prepared (PROGLETON_DB and the other PROGLETON_* variables).
    """
    tune_for_serving()
    app = create_app(Settings.from_env())
    _announce_once()
    return app


#: The line `progleton serve --workers N` prints once the first worker can answer.
BANNER_ENV = "PROGLETON_SERVE_BANNER"


def _announce_once() -> None:
    """Print the server's banner from the first worker that is ready (not the parent, which
    would say "serving" seconds before a spawned worker has imported the app)."""
    banner = os.environ.get(BANNER_ENV)
    shared = os.environ.get(SHARED_STATE_ENV)
    if not banner or not shared:
        return
    try:  # the first worker to create the marker prints; the others stay quiet
        os.close(os.open(Path(shared).with_name("announced"), os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return
    print(banner, flush=True)
