"""The Jinja2 environment (autoescape always on) and the page-rendering helper."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from progleton import __version__
from progleton.web import present, timefmt

WEB_DIR = Path(__file__).parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _static_version() -> str:
    """A short content hash of the stylesheet, so browsers can cache it forever per version."""
    try:
        return hashlib.sha256((STATIC_DIR / "style.css").read_bytes()).hexdigest()[:10]
    except OSError:
        return __version__


def code_spans(text: str) -> Markup:
    """Our own help text with `backticks` shown as <code>; every piece is escaped first."""
    pieces = str(text).split("`")
    out = [escape(p) if i % 2 == 0 else Markup("<code>%s</code>") % p for i, p in enumerate(pieces)]
    return Markup("").join(out)


def build_environment() -> Environment:
    """A Jinja2 environment for the site's templates.

    Autoescape is forced on for every template (not just by file extension): all stored text
    comes from publishers and must never be interpreted as markup.
    """
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,  # a typo in a template fails the tests instead of rendering ""
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are compiled once per process: pages stay fast
    )
    env.filters.update(
        relative=timefmt.relative,
        ago=timefmt.ago,
        code_spans=code_spans,
        iso=timefmt.iso,
        full_date=timefmt.full_date,
        safe_href=present.safe_href,
        host=present.host_of,
    )
    env.globals.update(
        version=__version__,
        static_version=_static_version(),
        source_health=present.source_health,
        source_name=present.source_name,
        is_due=present.is_due,
        page_url=present.page_url,
    )
    return env


class Renderer:
    """Renders templates into responses; one per app."""

    def __init__(self) -> None:
        self.env = build_environment()

    def page(
        self,
        request: Request,
        template: str,
        context: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        """Render `template` with the common context (request, current time, search query)."""
        ctx: dict[str, Any] = {
            "request": request,
            # Prefix for links when served under a sub-path behind a proxy (uvicorn --root-path).
            "root": str(request.scope.get("root_path", "")).rstrip("/"),
            "now": datetime.now(UTC),
            "q": "",
            "title": "",
            "nav": "",
            "feeds": [],  # the page's own feeds, advertised besides the site's
        }
        ctx.update(context or {})
        html = self.env.get_template(template).render(ctx)
        return HTMLResponse(html, status_code=status_code)
