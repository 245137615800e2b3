"""Progleton's exception tree.

ProgletonError
├── ConfigError              bad settings or database URL
├── FetchError               anything that stopped a fetch; `reason` is shown to users
│   ├── BlockedByRobots      robots.txt disallows the URL
│   ├── RobotsUnavailable    robots.txt could not be read (site down): retried like a network error
│   ├── BlockedAddress       the URL resolves to an address we may not contact
│   ├── HTTPStatusError      the server answered with an error status
│   ├── TooLarge             the body exceeded the size cap
│   ├── FetchTimeout         connect/read/total time limit hit
│   └── NetworkError         DNS, connection refused, TLS, protocol errors
├── FeedError                the document is not a usable feed
│   └── NotAFeed             an HTML page or other non-feed content
├── DiscoveryError           no feed found on a site
├── ExtractionError          no article could be extracted from a page
└── StoreError               storage failure
"""

from __future__ import annotations


class ProgletonError(Exception):
    """Base of every error Progleton raises on purpose."""

    @property
    def reason(self) -> str:
        """A human-readable reason, suitable for showing on a source page."""
        return str(self) or type(self).__name__


class ConfigError(ProgletonError):
    """Invalid configuration."""


class FetchError(ProgletonError):
    """A fetch did not produce a usable response."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedByRobots(FetchError):
    """robots.txt disallows fetching the URL."""


class RobotsUnavailable(FetchError):
    """robots.txt could not be read (network error or 5xx), so the site is not crawled for now.

    Not a refusal by the site: it is retried like a network failure (RFC 9309 section 2.3.1.4).
    """


class BlockedAddress(FetchError):
    """The URL points at an address Progleton is not allowed to contact."""


class HTTPStatusError(FetchError):
    """The server answered with a non-success status."""

    def __init__(self, message: str, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url)
        self.status = status


class TooLarge(FetchError):
    """The response body exceeded the configured cap."""


class FetchTimeout(FetchError):
    """A time limit was hit."""


class NetworkError(FetchError):
    """Connection-level failure."""


class FeedError(ProgletonError):
    """The document could not be used as a feed."""


class NotAFeed(FeedError):
    """The document is not a feed (e.g. an HTML page)."""


class DiscoveryError(ProgletonError):
    """No feed could be found for a site."""


class ExtractionError(ProgletonError):
    """No article could be extracted from a page."""


class StoreError(ProgletonError):
    """The store failed."""
