"""An entry's lead image from feed metadata: Media RSS, enclosures, iTunes, JSON Feed.

Images are URLs we will show (and may fetch), so only absolute http(s) URLs qualify: no
`data:` (an SVG data URL is a script), no `javascript:`, no `file:`.

FeedEntry has no image field yet, so nothing calls these in the parse path; they are ready
for when it does (see the issue-4 report).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from progleton.sources.links import http_url

_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def _is_image(media_type: object, medium: object = None, url: object = None) -> bool:
    if medium == "image":
        return True
    if isinstance(media_type, str) and media_type.strip():
        # image/svg+xml is excluded: SVG can carry script when opened directly.
        return media_type.lower().startswith("image/") and "svg" not in media_type.lower()
    return isinstance(url, str) and url.lower().split("?")[0].endswith(_IMAGE_EXTENSIONS)


def _first_http(candidates: Iterable[object], base: str) -> str | None:
    for candidate in candidates:
        url = http_url(candidate, base)
        if url is not None:
            return url
    return None


def _dicts(value: object) -> list[Any]:
    return [v for v in value if hasattr(v, "get")] if isinstance(value, list) else []


def feed_entry_image(e: Any, base: str) -> str | None:
    """The image of a feedparser entry, best source first, or None."""
    thumbnails = [t.get("url") for t in _dicts(e.get("media_thumbnail"))]
    contents = [
        c.get("url")
        for c in _dicts(e.get("media_content"))
        if _is_image(c.get("type"), c.get("medium"), c.get("url"))
    ]
    enclosures = [
        link.get("href")
        for link in _dicts(e.get("links"))
        if link.get("rel") == "enclosure" and _is_image(link.get("type"), url=link.get("href"))
    ]
    image = e.get("image")
    itunes = [image.get("href")] if hasattr(image, "get") else []
    return _first_http([*thumbnails, *contents, *enclosures, *itunes], base)


def json_item_image(item: dict[str, Any], base: str) -> str | None:
    """The image of a JSON Feed item (`image`, `banner_image`, image attachments), or None."""
    attachments = [
        a.get("url")
        for a in _dicts(item.get("attachments"))
        if _is_image(a.get("mime_type"), url=a.get("url"))
    ]
    return _first_http([item.get("image"), item.get("banner_image"), *attachments], base)
