"""Crawl summaries count failures by kind, whatever host, size or duration a reason names."""

from __future__ import annotations

import pytest

from progleton.errors import (
    BlockedAddress,
    BlockedByRobots,
    ExtractionError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    RobotsUnavailable,
    TooLarge,
)
from progleton.pipeline import failure_kind, is_transient


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("HTTP 403 Forbidden (the site refused the request, possibly bot protection)",
         "blocked (HTTP 403)"),
        ("HTTP 451 Unavailable For Legal Reasons", "blocked (HTTP 451)"),
        ("HTTP 404 Not Found", "HTTP 404"),
        ("HTTP 503 Service Unavailable; retry after 2 min", "HTTP 503"),
        ("robots.txt disallows /private/story for Progleton", "robots.txt"),
        ("robots.txt of news.example could not be read (HTTP 500); not crawling the site for "
         "30 min, as RFC 9309 asks", "site unreachable"),
        ("refused: 10.0.0.1 is a private address (set PROGLETON_ALLOW_HOSTS)", "refused"),
        ("intranet.example resolves to 192.168.1.4, a private address", "refused"),
        ("127.0.0.34 sent only 100 bytes in 0.5 s (slow drip, under 1 KB/s)", "slow drip"),
        ("10.1.2.3 sent only 2 KB in 10 s (slow drip, under 1 KB/s)", "slow drip"),
        ("connection reset by 127.0.0.38 while reading the body", "connection reset"),
        ("connection reset by news.example", "connection reset"),
        ("news.example closed the connection after 100 of the 5000 bytes it announced",
         "closed early"),
        ("connection refused by news.example", "connection refused"),
        ("DNS lookup failed for nowhere.example", "DNS failure"),
        ("no addresses for nowhere.example", "DNS failure"),
        ("TLS certificate of news.example is not valid (expired)", "TLS error"),
        ("could not connect to news.example within 10 s", "could not connect"),
        ("no response within 20 s", "timeout"),
        ("news.example stopped sending data for 20 s", "timeout"),
        ("response larger than 10 MB cap", "too large"),
        ("response is 50 MB, larger than the 10 MB cap", "too large"),
        ("response headers too large (over 64 KB)", "headers too large"),
        ("redirect loop: https://a.example/ leads back to https://a.example/", "redirect problem"),
        ("too many redirects (more than 5)", "redirect problem"),
        ("the response body is corrupt (gzip: bad header)", "corrupt body"),
        ("news.example sent an invalid HTTP response or closed the connection",
         "closed early"),
        ("news.example asked us to slow down (Retry-After); not contacting it for another 2 min",
         "rate limited"),
        ("unsupported URL scheme 'ftp' (only http and https)", "bad URL"),
        ("no article body found at https://news.example/x (only boilerplate)", "no article body"),
        ("something nobody foresaw", "other error"),
        (None, "unknown"),
    ],
)  # fmt: skip
def test_reasons_are_grouped_by_kind(reason: str | None, kind: str) -> None:
    assert failure_kind(reason) == kind


@pytest.mark.parametrize(
    ("exc", "again"),
    [
        (HTTPStatusError("HTTP 500", status=500), True),
        (HTTPStatusError("HTTP 503", status=503), True),
        (HTTPStatusError("HTTP 429", status=429), True),
        (HTTPStatusError("HTTP 404", status=404), True),  # the page may not be live yet
        (HTTPStatusError("HTTP 410", status=410), False),
        (HTTPStatusError("HTTP 403", status=403), False),  # a refusal is never pressed
        (HTTPStatusError("HTTP 451", status=451), False),
        (FetchTimeout("no response within 20 s"), True),
        (NetworkError("connection reset by x"), True),
        (RobotsUnavailable("robots.txt of x could not be read"), True),
        (BlockedByRobots("robots.txt disallows /x"), False),
        (BlockedAddress("refused: 10.0.0.1 is a private address"), False),
        (TooLarge("response larger than 10 MB cap"), False),
        (ExtractionError("no article body found"), False),
    ],
)
def test_which_failures_are_tried_again(exc: Exception, again: bool) -> None:
    assert is_transient(exc) is again  # type: ignore[arg-type]
