"""Security headers on every response, as a plain ASGI middleware (cheap: no body buffering)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from our own origin (static/keys.js; never inline, never publishers'), styles
# only from our own stylesheet (so no inline style attributes), publisher images over https,
# forms only to ourselves, and no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def apply_security_headers(headers: MutableHeaders) -> None:
    """Set the security headers, replacing any already present."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value


class SecurityHeadersMiddleware:
    """Adds `SECURITY_HEADERS` to every HTTP response passing through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                apply_security_headers(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)
