"""Turn HTTP statuses and transport exceptions into reasons a person can act on."""

from __future__ import annotations

import errno
import socket
import ssl
from http import HTTPStatus

import httpx

from progleton.errors import FetchError, FetchTimeout, NetworkError
from progleton.fetch.errors import RedirectError

_STATUS_HINTS: dict[int, str] = {
    400: "the server rejected the request",
    401: "the site requires a login",
    402: "the site requires payment",
    403: "the site refused the request, possibly bot protection",
    404: "nothing at this address; the feed may have moved",
    405: "the server does not allow GET here",
    406: "the server cannot produce an acceptable format",
    407: "a proxy requires authentication",
    408: "the server timed out waiting for the request",
    410: "the page was removed permanently",
    414: "the URL is too long for the server",
    418: "the server refused the request, possibly bot protection",
    429: "rate limited by the site",
    451: "unavailable for legal reasons",
    500: "the site had an internal error",
    501: "the server does not support this request",
    502: "the site's gateway or proxy failed",
    503: "the site is temporarily unavailable",
    504: "the site's gateway or proxy timed out",
    520: "the site's CDN got an unexpected answer from the origin",
    521: "the site's origin server is down",
    522: "the site's CDN could not connect to the origin",
    523: "the site's origin server is unreachable",
    524: "the site's origin server timed out",
}


def seconds(value: float) -> str:
    """`20.0` -> "20 s", `0.25` -> "0.25 s"."""
    return f"{value:g} s"


def size(n: int) -> str:
    """Bytes as a short human string: 10485760 -> "10 MB" (binary units, as people say them)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            return f"{round(n / factor, 1):g} {unit}"
    return f"{n} bytes"


def describe_status(status: int) -> str:
    """E.g. "HTTP 403 Forbidden (the site refused the request, possibly bot protection)"."""
    try:
        phrase = " " + HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    hint = _STATUS_HINTS.get(status)
    if hint is None:
        hint = {4: "the site refused the request", 5: "the site had an error"}.get(
            status // 100, "unexpected answer"
        )
    return f"HTTP {status}{phrase} ({hint})"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore wraps OSError)."""
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _connect_reason(exc: httpx.ConnectError, host: str) -> str:
    for err in _chain(exc):
        if isinstance(err, ssl.SSLCertVerificationError):
            detail = getattr(err, "verify_message", None) or "verification failed"
            return f"TLS certificate of {host} is not valid ({detail})"
        if isinstance(err, ssl.SSLError):
            return f"TLS handshake with {host} failed ({err.reason or err})"
    for err in _chain(exc):
        # gaierror is an OSError too, so it is checked before the errno cases.
        if isinstance(err, socket.gaierror):
            return f"DNS lookup failed for {host}"
        if isinstance(err, ConnectionRefusedError):
            return f"connection refused by {host}"
        if isinstance(err, ConnectionResetError):
            return f"connection reset by {host}"
        if isinstance(err, OSError) and err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return f"{host} is unreachable from here"
    text = str(exc)
    if "Name or service not known" in text or "getaddrinfo" in text:
        return f"DNS lookup failed for {host}"
    return f"could not connect to {host}" + (f" ({text})" if text else "")


def _was_reset(exc: BaseException) -> bool:
    return any(isinstance(err, ConnectionResetError) for err in _chain(exc))


def transport_error(
    exc: httpx.HTTPError,
    url: str,
    *,
    connect_timeout: float,
    read_timeout: float,
    body_started: bool,
    received: int | None = None,
    declared: int | None = None,
) -> FetchError:
    """Map an httpx exception to Progleton's error tree with a readable reason.

    `received` and `declared` (raw body bytes read, Content-Length) let a short body be
    described exactly.
    """
    host = httpx.URL(url).host or url
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchTimeout(f"could not connect to {host} within {seconds(connect_timeout)}", url)
    if isinstance(exc, httpx.ReadTimeout):
        if body_started:
            msg = f"{host} stopped sending data for {seconds(read_timeout)}"
        else:
            msg = f"no response within {seconds(read_timeout)}"
        return FetchTimeout(msg, url)
    if isinstance(exc, httpx.TimeoutException):
        return FetchTimeout(f"timed out talking to {host}", url)
    if isinstance(exc, httpx.ConnectError):
        return NetworkError(_connect_reason(exc, host), url)
    if _was_reset(exc):
        where = "while reading the body" if body_started else "before it answered"
        return NetworkError(f"connection reset by {host} {where}", url)
    if isinstance(exc, httpx.RemoteProtocolError):
        if body_started:
            if received is not None and declared is not None and received < declared:
                return NetworkError(
                    f"{host} closed the connection after {received} of the {declared} bytes "
                    "it announced",
                    url,
                )
            return NetworkError(f"{host} closed the connection before sending the whole body", url)
        if str(exc).startswith("Invalid URL in location header"):  # httpx parses Location early
            detail = str(exc).partition(":")[2].strip().rstrip(".")
            return RedirectError(f"redirect to an invalid URL ({detail})", url)
        return NetworkError(f"{host} sent an invalid HTTP response or closed the connection", url)
    if isinstance(exc, httpx.ReadError):
        return NetworkError(f"connection to {host} was lost while reading", url)
    if isinstance(exc, httpx.ProxyError):
        return NetworkError(f"the HTTP proxy failed: {exc}", url)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return FetchError("unsupported URL scheme (only http and https)", url)
    if isinstance(exc, httpx.TransportError):
        return NetworkError(f"network error talking to {host}: {exc}", url)
    return FetchError(f"request to {host} failed: {exc}", url)
