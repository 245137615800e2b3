"""Canonical URL identity: one key per article however a feed or page spells its URL."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def url_key(url: str) -> str:
    """Identity key for an article URL.

    courlan lower-cases scheme and host, sorts the query, and strips tracking parameters
    (utm_*, fbclid, ...); the fragment never names a different article, so it goes too.
    """
    url = url.strip()
    try:
        normalized = normalize_url(url, strict=False)
    except (ValueError, TypeError):
        normalized = url
    parts = urlsplit(normalized)
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
