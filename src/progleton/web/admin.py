"""Admin pages behind a login: add, pause, resume and remove sources, import OPML.

Every form carries a CSRF token (the session's; the login form's is bound to a cookie
nonce), cross-origin posts are refused, the session cookie is HttpOnly, SameSite=Strict,
scoped to /admin and Secure over https, and failed logins are limited per client address.
Reading the site never needs an account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, cast
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from progleton.config import Settings
from progleton.errors import ProgletonError
from progleton.models import Source
from progleton.pipeline import Pipeline
from progleton.store import Store
from progleton.web.auth import (
    SESSION_SECONDS,
    LoginLimiter,
    Session,
    Sessions,
    admin_hash,
    tokens_match,
    verify_password,
)
from progleton.web.deps import PipelineDep, RendererDep, SettingsDep, StoreDep
from progleton.web.forms import MAX_FORM_BYTES, FormData, read_form
from progleton.web.present import source_name
from progleton.web.templating import Renderer

router = APIRouter(prefix="/admin", include_in_schema=False)

SESSION_COOKIE = "progleton_admin"
LOGIN_COOKIE = "progleton_login"
MAX_URLS = 20
MAX_OPML_BYTES = 5 * 1024 * 1024
SourceId = Annotated[int, Path(ge=1, lt=2**31)]


@dataclass(slots=True)
class AdminState:
    """The app's admin sessions and login limiter."""

    sessions: Sessions
    limiter: LoginLimiter


def _state(request: Request) -> AdminState:
    return cast(AdminState, request.app.state.admin)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _client(request: Request) -> str:
    # Behind a reverse proxy, run uvicorn with --proxy-headers so this is the reader's address.
    return request.client.host if request.client else "unknown"


def _set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=f"{_root(request)}/admin",  # never sent with the reader's pages
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name,
        path=f"{_root(request)}/admin",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _no_store(response: Response) -> Response:
    # Admin pages show tokens and private state: never cached, by browsers or proxies.
    response.headers["Cache-Control"] = "no-store"
    return response


def _redirect(request: Request, path: str) -> Response:
    return _no_store(RedirectResponse(f"{_root(request)}{path}", status_code=303))


def _check_origin(request: Request) -> None:
    """Refuse posts a browser says came from another site (defence beside the tokens).

    Hosts are compared, not schemes: behind a TLS-terminating proxy the app may see http
    while the browser says https. The public URL's host (`public_url`) is accepted too.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return
    ours = {urlsplit(str(request.base_url)).netloc.lower()}
    public = cast(Settings, request.app.state.settings).public_url
    if public:
        ours.add(urlsplit(public).netloc.lower())
    if urlsplit(origin).netloc.lower() not in ours:
        raise HTTPException(403, "This form was sent from another site and was refused.")


def _session(request: Request) -> Session | None:
    return _state(request).sessions.get(request.cookies.get(SESSION_COOKIE))


def _require(request: Request, form: FormData) -> Session:
    """The logged-in session of a post whose CSRF token is right; else 403."""
    _check_origin(request)
    session = _session(request)
    if session is None:
        raise HTTPException(403, "Your admin session has ended. Log in again at /admin/login.")
    if not tokens_match(form.get("csrf"), session.csrf):
        raise HTTPException(403, "The form's security token is missing or wrong. Reload the page.")
    return session


def _login_page(
    request: Request,
    renderer: Renderer,
    nonce: str,
    *,
    enabled: bool,
    error: str | None = None,
    status: int = 200,
) -> Response:
    response = renderer.page(
        request,
        "admin_login.html",
        {
            "title": "Admin login",
            "enabled": enabled,
            "csrf": _state(request).sessions.login_token(nonce),
            "error": error,
        },
        status_code=status,
    )
    _set_cookie(request, response, LOGIN_COOKIE, nonce, 3600)
    return _no_store(response)


@router.get("", name="admin_page", response_class=HTMLResponse)
def admin_page(request: Request, store: StoreDep, renderer: RendererDep) -> Response:
    """The admin page: sources with their actions, add and import forms."""
    session = _session(request)
    if session is None:
        return _redirect(request, "/admin/login")
    return _no_store(
        renderer.page(
            request,
            "admin.html",
            {
                "title": "Admin",
                "sources": store.list_sources(),
                "csrf": session.csrf,
                "flashes": session.take_flashes(),
                "max_urls": MAX_URLS,
            },
        )
    )


@router.get("/login", name="admin_login_page", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep, renderer: RendererDep) -> Response:
    """The login form (or how to set a password, when none is set)."""
    if _session(request) is not None:
        return _redirect(request, "/admin")
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    return _login_page(request, renderer, nonce, enabled=admin_hash(settings) is not None)


@router.post("/login", name="admin_login")
async def login(request: Request, settings: SettingsDep, renderer: RendererDep) -> Response:
    """Check the password; on success start a session (a new cookie token) and go to /admin."""
    form = await read_form(request)
    _check_origin(request)
    state = _state(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not tokens_match(form.get("csrf"), state.sessions.login_token(nonce)):
        raise HTTPException(403, "The login form expired. Reload the login page and try again.")
    hashed = admin_hash(settings)
    if hashed is None:
        return _login_page(request, renderer, nonce, enabled=False, status=403)
    client = _client(request)
    # Counted before the check, and forgiven on success: parallel guesses cannot slip past.
    wait = state.limiter.begin(client)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        response = _login_page(
            request,
            renderer,
            nonce,
            enabled=True,
            error=f"Too many failed logins. Try again in {minutes} minute{'s' * (minutes > 1)}.",
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if not await run_in_threadpool(verify_password, form.get("password"), hashed):
        wrong = "Wrong password."
        return _login_page(request, renderer, nonce, enabled=True, error=wrong, status=401)
    state.limiter.succeeded(client)
    state.sessions.end(request.cookies.get(SESSION_COOKIE))
    token, _session_obj = state.sessions.create()
    response = _redirect(request, "/admin")
    _set_cookie(request, response, SESSION_COOKIE, token, SESSION_SECONDS)
    _delete_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/logout", name="admin_logout")
async def logout(request: Request) -> Response:
    """End the session (server-side too) and go back to the reader's site."""
    form = await read_form(request)
    _require(request, form)
    _state(request).sessions.end(request.cookies.get(SESSION_COOKIE))
    response = _redirect(request, "/")
    _delete_cookie(request, response, SESSION_COOKIE)
    return response


@router.post("/sources", name="admin_add_sources")
async def add_sources(request: Request, store: StoreDep, pipeline: PipelineDep) -> Response:
    """Follow the given addresses (feeds or homepages) through the pipeline's add path."""
    form = await read_form(request)
    session = _require(request, form)
    urls = list(dict.fromkeys(form.get("urls").split()))
    if not urls:
        session.flash("error", "Give a feed or homepage address to follow.")
    elif len(urls) > MAX_URLS:
        session.flash("error", f"At most {MAX_URLS} addresses at a time; nothing was added.")
    else:
        await _add(session, store, pipeline, urls)
    return _redirect(request, "/admin")


async def _add(session: Session, store: Store, pipeline: Pipeline, urls: list[str]) -> None:
    known = {s.id for s in await run_in_threadpool(store.list_sources)}
    # One discovery fetch per address (the CLI's `add` path); politeness applies per host.
    results = await pipeline.add_sources(urls)
    for url, result in zip(urls, results, strict=True):
        if isinstance(result, ProgletonError):
            session.flash("error", f"Could not add {url}: {result.reason}")
        elif result.id in known:
            session.flash("info", f"Already following {source_name(result)}.")
        else:
            name = source_name(result)
            session.flash("ok", f"Following {name} ({result.kind}): {result.feed_url}")


async def _source_action(request: Request, store: Store, source_id: int) -> tuple[Session, Source]:
    form = await read_form(request)
    session = _require(request, form)
    source = await run_in_threadpool(store.get_source, source_id)
    if source is None:
        raise HTTPException(404, "There is no source with that id.")
    return session, source


@router.post("/sources/{source_id}/pause", name="admin_pause")
async def pause(request: Request, store: StoreDep, source_id: SourceId) -> Response:
    """Stop checking a source until it is resumed."""
    session, source = await _source_action(request, store, source_id)
    source.paused = True
    await run_in_threadpool(store.update_source, source)
    session.flash("ok", f"Paused {source_name(source)}.")
    return _redirect(request, "/admin")


@router.post("/sources/{source_id}/resume", name="admin_resume")
async def resume(request: Request, store: StoreDep, source_id: SourceId) -> Response:
    """Resume a paused source: it is checked on the next crawl, its failure streak cleared."""
    session, source = await _source_action(request, store, source_id)
    source.paused = False
    # As `progleton resume`: resuming means "try again now", with a clean failure streak.
    source.next_check_at = None
    source.error_count = 0
    await run_in_threadpool(store.update_source, source)
    session.flash("ok", f"Resumed {source_name(source)}; it is checked on the next crawl.")
    return _redirect(request, "/admin")


@router.post("/sources/{source_id}/remove", name="admin_remove")
async def remove(request: Request, store: StoreDep, source_id: SourceId) -> Response:
    """Stop following a source. Its stored articles stay."""
    session, source = await _source_action(request, store, source_id)
    await run_in_threadpool(store.remove_source, source_id)
    session.flash("ok", f"Removed {source_name(source)}; its articles stay.")
    return _redirect(request, "/admin")


@router.post("/opml", name="admin_import_opml")
async def import_opml(request: Request, pipeline: PipelineDep) -> Response:
    """Follow every feed of an uploaded OPML file (checked at the next crawl)."""
    form = await read_form(request, MAX_OPML_BYTES + MAX_FORM_BYTES)
    session = _require(request, form)
    content = form.files.get("opml") or form.get("opml_text").encode("utf-8")
    if not content.strip():
        session.flash("error", "Choose an OPML file to import.")
        return _redirect(request, "/admin")
    try:
        added, new = await run_in_threadpool(pipeline.import_opml, content)
    except ProgletonError as exc:
        session.flash("error", f"Could not import the file: {exc.reason}")
    else:
        session.flash(
            "ok",
            f"{len(added)} feed{'s' * (len(added) != 1)} in the file: {new} new, "
            f"{len(added) - new} already followed. New feeds are fetched at the next crawl.",
        )
    return _redirect(request, "/admin")
