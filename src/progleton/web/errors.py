"""Error responses: the JSON envelope under /api, site-styled pages everywhere else."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import cast

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from progleton.web.security import apply_security_headers
from progleton.web.templating import Renderer

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_request",
    500: "internal_error",
    503: "unavailable",
}

_PAGE_TEXT: dict[int, tuple[str, str]] = {
    400: ("Bad request", "That address has a parameter we could not understand."),
    404: ("Page not found", "There is nothing at this address. It may have been removed."),
    405: ("Not allowed", "This page cannot be used that way."),
    500: ("Something went wrong", "The server hit an error. Please try again in a moment."),
    503: ("Not available", "This feature is not available right now."),
}


def is_api(request: Request) -> bool:
    """True for requests to the JSON API, which get JSON errors."""
    path = request.url.path
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def error_json(status: int, message: str, code: str | None = None) -> JSONResponse:
    """The API's single error shape: {"error": {"code": ..., "message": ...}}."""
    code = code or ERROR_CODES.get(status, "error")
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    """The site-styled error page."""
    heading, default = _PAGE_TEXT.get(status, ("Error", "Something went wrong."))
    renderer = cast(Renderer, request.app.state.renderer)
    return renderer.page(
        request,
        "error.html",
        {"status": status, "heading": heading, "message": message or default, "title": heading},
        status_code=status,
    )


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
    return "; ".join(parts) or "invalid request"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else None
    if is_api(request):
        response: Response = error_json(status, detail or "error")
    else:
        response = error_page(request, status, _page_detail(status, detail))
    response.headers.update(headers)
    return response


def _page_detail(status: int, detail: str | None) -> str | None:
    # Starlette fills `detail` with the HTTP phrase ("Not Found") when none was given; the
    # page's own friendlier text reads better than that.
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = None
    return None if detail in (None, phrase) else detail


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message = _validation_message(exc)
    if is_api(request):
        return error_json(422, message)
    return error_page(request, 400, f"Invalid parameter: {message}")


async def _server_error(request: Request, exc: Exception) -> Response:
    # This handler runs in Starlette's outermost middleware, outside SecurityHeadersMiddleware,
    # so it sets the headers itself. Details stay in the log, never in the response.
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    response: Response
    if is_api(request):
        response = error_json(500, "internal server error")
    else:
        try:
            response = error_page(request, 500)
        except Exception:  # the error may be in the templates themselves
            response = PlainTextResponse("Internal server error", status_code=500)
    apply_security_headers(response.headers)
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for HTTP errors, validation errors and crashes."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
