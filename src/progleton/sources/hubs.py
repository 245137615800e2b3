"""WebSub discovery: the hub and topic (self) URLs a feed advertises."""

from __future__ import annotations

from typing import Any

from progleton.sources.links import http_url


def xml_hub_links(feed: Any, base: str) -> tuple[str | None, str | None]:
    """(hub, self) from feedparser's feed-level `links` (<atom:link rel="hub|self">)."""
    hub = topic = None
    links = feed.get("links")
    # An RSS channel with a <links> element of its own gives a string here, not a list.
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict):
            continue
        rel = str(link.get("rel", "")).lower()
        if rel == "hub" and hub is None:
            hub = http_url(link.get("href"), base)
        elif rel == "self" and topic is None:
            topic = http_url(link.get("href"), base)
    return hub, topic


def json_hub_links(doc: dict[str, Any], base: str) -> tuple[str | None, str | None]:
    """(hub, self) from JSON Feed `hubs` (type WebSub) and `feed_url`."""
    hub = None
    hubs = doc.get("hubs")
    if isinstance(hubs, list):
        for item in hubs:
            if isinstance(item, dict) and str(item.get("type", "")).lower() == "websub":
                hub = http_url(item.get("url"), base)
                if hub:
                    break
    return hub, http_url(doc.get("feed_url"), base)
