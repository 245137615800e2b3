"""Fetch-specific refinements of the shared error tree (see `progleton.errors`)."""

from __future__ import annotations

from progleton.errors import BlockedAddress, FetchError, HTTPStatusError


class RateLimited(HTTPStatusError):
    """429 Too Many Requests or 503 Service Unavailable.

    `retry_after` is the server's hint in seconds (from Retry-After), or None if it gave none.
    Schedulers should not try the host again before it has passed.
    """

    def __init__(
        self,
        message: str,
        url: str | None = None,
        status: int = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url, status)
        self.retry_after = retry_after


class RedirectError(FetchError):
    """Too many redirects, a redirect loop, or a redirect without a usable target."""


class BlockedRedirect(BlockedAddress):
    """A redirect led to an address we may not contact (the URL asked for itself was fine)."""
