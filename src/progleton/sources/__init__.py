"""What to follow: parse feeds, discover a site's feed, import and export OPML."""

from progleton.sources.discover import (
    COMMON_FEED_PATHS,
    discover_feed_links,
    find_feed,
    looks_like_feed,
    normalize_site_url,
)
from progleton.sources.feeds import parse_feed
from progleton.sources.opml import OpmlFeed, parse_opml, write_opml

__all__ = [
    "COMMON_FEED_PATHS",
    "OpmlFeed",
    "discover_feed_links",
    "find_feed",
    "looks_like_feed",
    "normalize_site_url",
    "parse_feed",
    "parse_opml",
    "write_opml",
]
