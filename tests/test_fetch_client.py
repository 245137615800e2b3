"""Fetcher against a real loopback server: headers, conditional GET, errors, redirects, caps."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from loopback import (
    LOOPBACK,
    LoopbackServer,
    Request,
    Route,
    free_port,
    gzip_bomb,
    gzipped,
    redirect,
    run,
)
from progleton.config import Settings
from progleton.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    TooLarge,
)
from progleton.fetch import Fetcher, RateLimited, RedirectError
from progleton.models import FetchResult

FAST = Settings(
    db_url="sqlite://",
    per_host_delay=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
    max_body_bytes=1024 * 1024,
    respect_robots=False,
    allow_hosts=LOOPBACK,
)


async def fetch(url: str, settings: Settings = FAST, **kwargs: Any) -> FetchResult:
    async with Fetcher(settings) as f:
        return await f.fetch(url, **kwargs)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def test_ok_result_and_request_headers(server: LoopbackServer) -> None:
    server.route(
        "/feed",
        body=RSS,
        headers={
            "Content-Type": 'Application/RSS+XML; charset="ISO-8859-1"',
            "ETag": '"v1"',
            "Last-Modified": "Tue, 01 Oct 2024 10:00:00 GMT",
        },
    )
    res = run(fetch(server.url("/feed")))
    assert res.status == 200 and res.content == RSS
    assert res.url == res.final_url == server.url("/feed")
    assert res.content_type == "application/rss+xml"
    assert res.encoding == "iso-8859-1"
    assert res.etag == '"v1"' and res.last_modified == "Tue, 01 Oct 2024 10:00:00 GMT"
    assert res.headers["etag"] == '"v1"'
    sent = server.seen("/feed")[0].headers
    assert sent["user-agent"] == FAST.user_agent and sent["user-agent"].startswith("Progleton/")
    assert sent["accept"].startswith("application/rss+xml")
    assert "if-none-match" not in sent


def test_accept_kinds(server: LoopbackServer) -> None:
    server.route("/", body=b"<html></html>")

    async def go() -> None:
        async with Fetcher(FAST) as f:
            await f.fetch(server.url("/"), accept="html")
            await f.fetch(server.url("/"), accept="any")

    run(go())
    html, anything = (r.headers["accept"] for r in server.seen("/"))
    assert html.startswith("text/html") and anything == "*/*"


def test_conditional_get_returns_304(server: LoopbackServer) -> None:
    def answer(req: Request) -> Route:
        if req.headers.get("if-none-match") == '"v1"':
            return Route(status=304, headers={"ETag": '"v1"'})
        return Route(body=RSS, headers={"ETag": '"v1"'})

    server.route("/feed", handler=answer)

    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(FAST) as f:
            first = await f.fetch(server.url("/feed"))
            again = await f.fetch(server.url("/feed"), etag=first.etag, last_modified="x")
            return first, again

    first, again = run(go())
    assert first.status == 200 and not first.not_modified
    assert again.status == 304 and again.not_modified and again.content == b""
    assert again.etag == '"v1"' and again.last_modified == "x"  # kept, safe to store back
    assert server.seen("/feed")[1].headers["if-modified-since"] == "x"


def test_if_modified_since(server: LoopbackServer) -> None:
    stamp = "Tue, 01 Oct 2024 10:00:00 GMT"
    server.route(
        "/feed",
        handler=lambda req: (
            Route(status=304)
            if req.headers.get("if-modified-since") == stamp
            else Route(body=RSS, headers={"Last-Modified": stamp})
        ),
    )
    assert run(fetch(server.url("/feed"), last_modified=stamp)).status == 304


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (404, "HTTP 404 Not Found (nothing at this address"),
        (403, "HTTP 403 Forbidden (the site refused the request, possibly bot protection)"),
        (500, "HTTP 500 Internal Server Error (the site had an internal error)"),
        (410, "HTTP 410 Gone"),
        (599, "HTTP 599 (the site had an error)"),
    ],
)
def test_status_errors_have_readable_reasons(
    server: LoopbackServer, status: int, words: str
) -> None:
    server.route("/x", status=status, body=b"nope")
    with pytest.raises(HTTPStatusError) as info:
        run(fetch(server.url("/x")))
    assert info.value.status == status
    assert info.value.reason.startswith(words)
    assert info.value.url == server.url("/x")


def test_429_retry_after_seconds_and_backoff(server: LoopbackServer) -> None:
    server.route("/x", status=429, headers={"Retry-After": "120"})

    async def go() -> tuple[RateLimited, RateLimited]:
        async with Fetcher(FAST) as f:
            with pytest.raises(RateLimited) as first:
                await f.fetch(server.url("/x"))
            # The host is left alone until Retry-After passes: no second request is made.
            with pytest.raises(RateLimited) as second:
                await f.fetch(server.url("/other"))
            return first.value, second.value

    first, second = run(go())
    assert isinstance(first, HTTPStatusError) and first.status == 429
    assert first.retry_after == 120.0
    assert "HTTP 429 Too Many Requests" in first.reason and "retry after 120 s" in first.reason
    assert second.retry_after is not None and 100 < second.retry_after <= 120
    assert "Retry-After" in second.reason and second.url == server.url("/other")
    assert len(server.seen()) == 1


def test_503_retry_after_http_date(server: LoopbackServer) -> None:
    server.route("/x", status=503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    with pytest.raises(RateLimited) as info:
        run(fetch(server.url("/x")))
    assert info.value.status == 503 and info.value.retry_after == 0.0


def test_503_without_retry_after_is_still_typed(server: LoopbackServer) -> None:
    server.route("/x", status=503)
    with pytest.raises(RateLimited) as info:
        run(fetch(server.url("/x")))
    assert info.value.retry_after is None


# -- redirects -------------------------------------------------------------------------------


def test_redirects_followed_and_final_url(server: LoopbackServer) -> None:
    server.route("/a", **redirect("/b", 301))
    server.route("/b", **redirect(server.url("/c"), 308))
    server.route("/c", body=RSS)
    res = run(fetch(server.url("/a"), etag='"e"'))
    assert res.url == server.url("/a") and res.final_url == server.url("/c")
    assert res.content == RSS
    assert server.seen("/c")[0].headers["if-none-match"] == '"e"'


def test_error_after_redirect_names_the_final_url(server: LoopbackServer) -> None:
    server.route("/old", **redirect("/gone", 301))
    server.route("/gone", status=404)
    with pytest.raises(HTTPStatusError) as info:
        run(fetch(server.url("/old")))
    assert info.value.reason.endswith(f"at {server.url('/gone')}")
    assert info.value.url == server.url("/old")


def test_redirect_limit(server: LoopbackServer) -> None:
    for i in range(10):
        server.route(f"/r{i}", **redirect(f"/r{i + 1}"))
    settings = FAST.with_(max_redirects=3)
    with pytest.raises(RedirectError, match=r"too many redirects \(more than 3\)"):
        run(fetch(server.url("/r0"), settings))
    assert server.count("/r3") == 1 and server.count("/r4") == 0
    server.route("/r3", body=RSS)  # exactly 3 redirects is fine
    assert run(fetch(server.url("/r0"), settings)).final_url == server.url("/r3")


def test_redirect_loop_detected(server: LoopbackServer) -> None:
    server.route("/a", **redirect("/b"))
    server.route("/b", **redirect("/a"))
    with pytest.raises(RedirectError, match="redirect loop"):
        run(fetch(server.url("/a")))
    assert server.count("/a") == 1


def test_redirect_to_other_scheme_or_nowhere(server: LoopbackServer) -> None:
    server.route("/ftp", **redirect("ftp://example.com/feed"))
    server.route("/empty", status=302)
    with pytest.raises(RedirectError, match="unsupported URL scheme 'ftp'"):
        run(fetch(server.url("/ftp")))
    with pytest.raises(RedirectError, match="without a Location"):
        run(fetch(server.url("/empty")))


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "example.com/feed"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(FetchError, match=r"unsupported URL scheme|not an absolute URL"):
        run(fetch(url))


def test_check_url_hook_sees_every_hop(server: LoopbackServer) -> None:
    server.route("/a", **redirect("/b"))
    seen: list[str] = []

    async def check(url: httpx.URL) -> None:
        seen.append(url.path)
        if url.path == "/b":
            raise BlockedAddress("address not allowed", str(url))

    async def go() -> None:
        async with Fetcher(FAST, check_url=check) as f:
            await f.fetch(server.url("/a"))

    with pytest.raises(BlockedAddress):
        run(go())
    assert seen == ["/a", "/b"] and server.count("/b") == 0


# -- size cap --------------------------------------------------------------------------------


def test_gzip_bomb_is_stopped_while_streaming(server: LoopbackServer) -> None:
    bomb = gzip_bomb(50 * 1024 * 1024)
    assert len(bomb) < 100_000
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(TooLarge) as info:
        run(fetch(server.url("/bomb")))
    assert info.value.reason == "response larger than 1 MB cap after decompression"


def test_gzip_body_is_decoded(server: LoopbackServer) -> None:
    server.route("/z", body=gzipped(RSS * 100), headers={"Content-Encoding": "gzip"})
    assert run(fetch(server.url("/z"))).content == RSS * 100


@pytest.mark.parametrize("framing", ["close", "chunked"])
def test_cap_without_content_length(server: LoopbackServer, framing: str) -> None:
    server.route("/big", body=b"x" * (3 * 1024 * 1024), framing=framing, drip=(256 * 1024, 0))
    with pytest.raises(TooLarge, match=r"response larger than 1 MB cap$"):
        run(fetch(server.url("/big")))


def test_declared_length_over_cap_refused_early(server: LoopbackServer) -> None:
    server.route("/big", body=b"x" * (2 * 1024 * 1024))
    with pytest.raises(TooLarge, match="response is 2 MB, larger than the 1 MB cap"):
        run(fetch(server.url("/big")))


def test_body_exactly_at_cap_is_fine(server: LoopbackServer) -> None:
    body = b"y" * FAST.max_body_bytes
    server.route("/edge", body=body, framing="chunked", drip=(100_000, 0))
    assert run(fetch(server.url("/edge"))).content == body


# -- timeouts and network errors -------------------------------------------------------------


def test_read_timeout_before_headers(server: LoopbackServer) -> None:
    server.route("/slow", body=RSS, delay=1.5)
    settings = FAST.with_(read_timeout=0.3)
    with pytest.raises(FetchTimeout) as info:
        run(fetch(server.url("/slow"), settings))
    assert info.value.reason == "no response within 0.3 s"


def test_read_timeout_mid_body(server: LoopbackServer) -> None:
    server.route("/stall", body=b"x" * 20, drip=(10, 1.0))
    settings = FAST.with_(read_timeout=0.3)
    with pytest.raises(FetchTimeout, match=r"stopped sending data for 0\.3 s"):
        run(fetch(server.url("/stall"), settings))


def test_total_deadline_catches_slow_drip(server: LoopbackServer) -> None:
    # Each byte arrives well within the read timeout, but the whole body never would.
    server.route("/drip", body=b"x" * 100, drip=(1, 0.1))
    settings = FAST.with_(read_timeout=1.0, total_timeout=0.6)
    with pytest.raises(FetchTimeout, match=r"no complete response within 0.6 s"):
        run(fetch(server.url("/drip"), settings))


def test_connection_refused() -> None:
    with pytest.raises(NetworkError) as info:
        run(fetch(f"http://127.0.0.1:{free_port()}/feed"))
    assert info.value.reason.startswith("connection refused by 127.0.0.1")


def _failing_transport(exc: BaseException) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("boom", request=request) from exc

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("cause", "reason"),
    [
        (socket.gaierror(-2, "Name or service not known"), "DNS lookup failed for feeds.test"),
        (
            ssl.SSLCertVerificationError(1, "certificate verify failed"),
            "TLS certificate of feeds.test is not valid",
        ),
    ],
)
def test_connect_errors_mapped(cause: BaseException, reason: str) -> None:
    async def go() -> None:
        async with Fetcher(FAST, transport=_failing_transport(cause)) as f:
            await f.fetch("https://feeds.test/rss")

    with pytest.raises(NetworkError) as info:
        run(go())
    assert info.value.reason.startswith(reason)
