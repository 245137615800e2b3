"""`Fetcher`: polite, bounded HTTP GETs over one shared httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Literal, Self

import httpx

from progleton.config import Settings
from progleton.errors import BlockedAddress, FetchError, FetchTimeout, HTTPStatusError
from progleton.fetch.body import ACCEPT_ENCODING, BodyTooLarge, read_capped, too_large
from progleton.fetch.bounds import (
    H11_HEADER_OVERFLOW,
    BodyMeter,
    check_header_size,
    headers_too_large,
)
from progleton.fetch.errors import BlockedRedirect, RateLimited, RedirectError
from progleton.fetch.guard import AddressGuard
from progleton.fetch.headers import parse_retry_after, split_content_type
from progleton.fetch.network import GuardedTransport
from progleton.fetch.politeness import Gate, Politeness
from progleton.fetch.reasons import describe_status, seconds, transport_error
from progleton.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsPolicy
from progleton.models import FetchResult

AcceptKind = Literal["feed", "html", "any"]

ACCEPT: dict[str, str] = {
    "feed": (
        "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
        "application/json;q=0.8, text/html;q=0.5, */*;q=0.3"
    ),
    "html": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
    "any": "*/*",
}

#: Called with every URL before it is contacted (each redirect hop and robots.txt too), after
#: the built-in SSRF check of the URL itself. Raise a FetchError (e.g. BlockedAddress) to refuse.
UrlCheck = Callable[[httpx.URL], Awaitable[None]]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: 429 without Retry-After still means "slow down": leave the host alone this long.
DEFAULT_429_BACKOFF = 60.0


def parse_url(url: str | httpx.URL) -> httpx.URL:
    """Validate an absolute http(s) URL; raise FetchError with a readable reason otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"invalid URL {str(url)!r}: {exc}", str(url)) from exc
    if not parsed.scheme:
        raise FetchError(f"not an absolute URL: {str(url)!r}", str(url))
    if parsed.scheme not in ("http", "https"):
        raise FetchError(
            f"unsupported URL scheme {parsed.scheme!r} (only http and https)", str(url)
        )
    if not parsed.host:
        raise FetchError(f"URL has no host: {str(url)!r}", str(url))
    return parsed.copy_with(fragment=None)


@dataclass(slots=True)
class _Response:
    url: httpx.URL
    status: int
    headers: httpx.Headers
    content: bytes
    redirected: bool = False


class _Budget:
    """Network time left for one fetch (time spent queueing for politeness is not counted)."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.left = total
        self.spent = 0.0

    def charge(self, elapsed: float) -> None:
        self.left -= elapsed
        self.spent += elapsed


class Fetcher:
    """Polite HTTP client. Use as `async with Fetcher(settings) as f: await f.fetch(url)`.

    One instance per event loop; it owns per-host state (delays, back-off, robots.txt), so
    share it across all fetches of a crawl. `check_url` adds rules for every URL before it is
    contacted; `robots_cache` lets robots.txt verdicts outlive this Fetcher (pass the same
    RobotsCache to the next one).

    The SSRF guard is always on: every URL (each redirect hop, robots.txt) is checked for
    non-public IP literals, and the default network resolves each host itself and refuses it
    if any address is non-public, connecting only to addresses it checked. Hosts listed in
    `settings.allow_hosts` pass. `transport` replaces the network (tests; a GuardedTransport
    over a fake backend keeps the connect-time check); with a plain transport only the URL
    check applies. `gate` is awaited before every request starts (backpressure from the
    caller: the crawler holds requests while fetched pages wait for extraction).
    """

    def __init__(
        self,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        check_url: UrlCheck | None = None,
        robots_cache: RobotsCache | None = None,
        gate: Gate | None = None,
    ) -> None:
        self.settings = settings
        self._check_url = check_url
        self.guard = AddressGuard.from_spec(settings.allow_hosts)  # ConfigError if malformed
        limits = httpx.Limits(
            max_connections=max(1, settings.max_concurrency),
            max_keepalive_connections=max(1, settings.max_concurrency),
        )
        if transport is None:
            transport = GuardedTransport(
                self.guard, limits, per_origin=settings.per_host_concurrency
            )
        self._client = httpx.AsyncClient(
            transport=transport,
            # No proxies or .netrc from the environment: a proxy would connect for us, out of
            # the guard's sight.
            trust_env=False,
            follow_redirects=False,  # done by hand so every hop gets robots/politeness/checks
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            limits=limits,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        self._politeness = Politeness(settings, gate)
        self._robots = RobotsPolicy(self._load_robots, self._politeness, cache=robots_cache)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close connections."""
        await self._client.aclose()

    @property
    def politeness(self) -> Politeness:
        """Per-host limits (exposed for diagnostics and tests)."""
        return self._politeness

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: AcceptKind = "feed",
    ) -> FetchResult:
        """GET `url`. Returns a 2xx or 304 FetchResult; raises a FetchError subclass otherwise.

        With `etag`/`last_modified` the request is conditional; a 304 result carries the
        validators the server sent, or the ones passed in, so storing them back is always safe.
        """
        headers = {"Accept": ACCEPT[accept]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        budget = _Budget(self.settings.total_timeout)
        resp = await self._follow(
            url, headers, limit=self.settings.max_body_bytes, budget=budget, robots=True
        )
        status = resp.status
        final = str(resp.url)
        where = f" at {final}" if resp.redirected else ""
        if status == 304 or 200 <= status < 300:
            media, charset = split_content_type(resp.headers.get("content-type"))
            return FetchResult(
                url=url,
                final_url=final,
                status=status,
                content=resp.content,
                content_type=media,
                encoding=charset,
                etag=resp.headers.get("etag") or (etag if status == 304 else None),
                last_modified=resp.headers.get("last-modified")
                or (last_modified if status == 304 else None),
                elapsed_ms=round(budget.spent * 1000),
                headers=dict(resp.headers.items()),
            )
        if status in (429, 503):
            retry_after = parse_retry_after(resp.headers.get("retry-after"))
            hint = f"; retry after {seconds(round(retry_after))}" if retry_after else ""
            backoff = retry_after
            if backoff is None and status == 429:
                backoff = DEFAULT_429_BACKOFF
            self._politeness.back_off(resp.url.host, backoff)
            raise RateLimited(f"{describe_status(status)}{hint}{where}", url, status, retry_after)
        raise HTTPStatusError(f"{describe_status(status)}{where}", url, status)

    async def _follow(
        self,
        url: str | httpx.URL,
        headers: dict[str, str],
        *,
        limit: int,
        budget: _Budget,
        robots: bool,
        truncate: bool = False,
    ) -> _Response:
        """GET with manual redirects; returns the last response whatever its status."""
        current = parse_url(url)
        seen = {str(current)}
        max_redirects = max(0, self.settings.max_redirects)
        for hop in range(max_redirects + 1):
            try:
                self.guard.check_url(current)
                if self._check_url is not None:
                    await self._check_url(current)
                if robots and self.settings.respect_robots:
                    await self._robots.check(current)
                resp = await self._get(
                    current, headers, limit=limit, budget=budget, truncate=truncate
                )
            except BlockedAddress as exc:
                # Name the URL that was asked for, and say when a redirect led astray.
                if hop:
                    raise BlockedRedirect(
                        f"{exc.reason}; reached by a redirect to {current}", str(url)
                    ) from exc
                exc.url = str(url)
                raise
            if resp.status not in REDIRECT_STATUSES:
                resp.redirected = len(seen) > 1
                return resp
            location = resp.headers.get("location", "").strip()
            if not location:
                raise RedirectError(
                    f"{describe_status(resp.status)} redirect without a Location header", str(url)
                )
            try:
                target = parse_url(current.join(location))
            except httpx.InvalidURL as exc:
                raise RedirectError(f"redirect to an invalid URL: {location!r}", str(url)) from exc
            except FetchError as exc:
                raise RedirectError(f"redirect to {location!r}: {exc.reason}", str(url)) from exc
            if str(target) in seen:
                raise RedirectError(f"redirect loop: {current} leads back to {target}", str(url))
            seen.add(str(target))
            current = target
        raise RedirectError(f"too many redirects (more than {max_redirects})", str(url))

    async def _get(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        *,
        limit: int,
        budget: _Budget,
        truncate: bool,
        form: dict[str, str] | None = None,
    ) -> _Response:
        """One request/response under the host's politeness slot and the fetch's time budget.
        A GET, or a form POST when `form` is given."""
        if budget.left <= 0:
            raise FetchTimeout(f"no complete response within {seconds(budget.total)}", str(url))
        async with self._politeness.slot(url.host, str(url)):
            started = time.monotonic()
            body_started = False
            meter: BodyMeter | None = None
            declared: int | None = None
            try:
                async with asyncio.timeout(budget.left):
                    method = "GET" if form is None else "POST"
                    request = self._client.build_request(method, url, headers=headers, data=form)
                    response = await self._client.send(request, stream=True)
                    try:
                        body_started = True
                        check_header_size(response.headers, str(url))
                        content = b""
                        if 200 <= response.status_code < 300:
                            length = response.headers.get("content-length", "").strip()
                            declared = int(length) if length.isdigit() else None
                            meter = BodyMeter(
                                response.aiter_raw(),
                                self.settings.min_bytes_per_second,
                                self.settings.slow_drip_window,
                                url.host,
                                str(url),
                            )
                            content = await self._read(response, meter, declared, limit, truncate)
                    finally:
                        await response.aclose()
            except TimeoutError as exc:
                raise FetchTimeout(
                    f"no complete response within {seconds(budget.total)}", str(url)
                ) from exc
            except httpx.HTTPError as exc:
                if not body_started and H11_HEADER_OVERFLOW in str(exc):
                    raise headers_too_large(str(url)) from exc
                raise transport_error(
                    exc,
                    str(url),
                    connect_timeout=self.settings.connect_timeout,
                    read_timeout=self.settings.read_timeout,
                    body_started=body_started,
                    received=meter.received if meter is not None else None,
                    declared=declared,
                ) from exc
            except FetchError as exc:
                # E.g. BlockedAddress from the network backend, which does not know the URL.
                exc.url = exc.url or str(url)
                raise
            finally:
                budget.charge(time.monotonic() - started)
        return _Response(url, response.status_code, response.headers, content)

    async def _read(
        self,
        response: httpx.Response,
        chunks: BodyMeter,
        declared: int | None,
        limit: int,
        truncate: bool,
    ) -> bytes:
        encoding = response.headers.get("content-encoding")
        compressed = (encoding or "identity").strip().lower() != "identity"
        # A declared length over the cap is refused before reading (only when it is the
        # decoded size, i.e. no Content-Encoding).
        if declared is not None and not compressed and declared > limit and not truncate:
            raise too_large(limit, str(response.url), compressed=False, declared=declared)
        try:
            return await read_capped(chunks, encoding, limit, truncate=truncate)
        except BodyTooLarge:
            raise too_large(limit, str(response.url), compressed=compressed) from None
        except FetchError as exc:
            exc.url = exc.url or str(response.url)
            raise

    async def post_form(self, url: str, form: dict[str, str]) -> int:
        """POST `form` (application/x-www-form-urlencoded) to `url`; returns the status.

        For WebSub hub requests. The hub URL comes from a feed, so it gets the same SSRF
        checks, politeness and time limits as a GET. Redirects are not followed (a hub must
        answer itself) and at most 64 KB of the answer is read. Raises FetchError subclasses.
        """
        target = parse_url(url)
        try:
            self.guard.check_url(target)
            if self._check_url is not None:
                await self._check_url(target)
            resp = await self._get(
                target,
                {"Accept": "*/*"},
                limit=64 * 1024,
                budget=_Budget(self.settings.total_timeout),
                truncate=True,
                form=form,
            )
        except FetchError as exc:
            exc.url = url
            raise
        return resp.status

    async def _load_robots(self, url: httpx.URL) -> tuple[int, bytes]:
        """Loader for RobotsPolicy: same client and limits, no robots check, body truncated."""
        try:
            resp = await self._follow(
                url,
                {"Accept": "text/plain, */*;q=0.5"},
                limit=ROBOTS_MAX_BYTES,
                budget=_Budget(self.settings.total_timeout),
                robots=False,
                truncate=True,
            )
        except RedirectError:
            # RFC 9309 §2.3.1.2: after too many redirects, treat robots.txt as unavailable.
            return 404, b""
        return resp.status, resp.content
