"""Domain types passed between pipeline stages.

Stages take bytes or these models and return these models; none of them knows about SQL or HTTP
frameworks. Times are always timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def utcnow() -> datetime:
    """Current time as an aware UTC datetime."""
    return datetime.now(UTC)


@dataclass(slots=True)
class Source:
    """A followed feed and its crawl health."""

    feed_url: str
    title: str = ""
    site_url: str | None = None
    kind: str = "rss"  # rss | atom | json
    id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    added_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    next_check_at: datetime | None = None
    paused: bool = False
    schedule_note: str | None = None  # why the next check is when it is
    # WebSub (push): the hub the feed advertises and our subscription to it.
    websub_hub: str | None = None
    websub_topic: str | None = None
    websub_secret: str | None = None
    websub_state: str | None = None  # pending | subscribed | denied
    websub_lease_until: datetime | None = None
    article_count: int = 0


@dataclass(slots=True)
class FeedEntry:
    """One item of a feed, before its page is fetched."""

    guid: str
    url: str | None
    title: str = ""
    published: datetime | None = None
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    content_html: str | None = None
    #: The entry's categories (RSS/Atom <category>, JSON Feed tags), cleaned (`extract.topics`).
    topics: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ParsedFeed:
    """A feed document, parsed."""

    title: str
    kind: str  # rss | atom | json
    site_url: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    ttl_minutes: int | None = None
    warnings: list[str] = field(default_factory=list)
    hub_url: str | None = None  # <link rel="hub">: a WebSub hub that pushes updates
    self_url: str | None = None  # <link rel="self">: the topic URL to subscribe to


@dataclass(slots=True)
class Article:
    """An extracted article: the unit Progleton stores and shows."""

    url: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    language: str | None = None
    image: str | None = None
    publisher: str | None = None
    description: str | None = None
    #: None when the page reads as a whole article; "paywall" when the publisher shows only a
    #: teaser to visitors without a subscription (labelled, never bypassed).
    access: str | None = None
    #: What the article is about, as the publisher labels it (feed categories, the page's
    #: article:section/article:tag), cleaned and at most `extract.topics.MAX_TOPICS`.
    topics: list[str] = field(default_factory=list)
    # Set by the store.
    id: int | None = None
    source_id: int | None = None
    fetched_at: datetime | None = None
    #: The earliest stored version of this text when this one is a copy (syndication).
    duplicate_of: int | None = None
    #: The original publisher named by a wire credit or cross-site canonical link.
    credit: str | None = None
    story_id: int | None = None

    @property
    def text(self) -> str:
        """Body as plain text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def excerpt(self) -> str:
        """A short lead for listings: the description or the first paragraph(s)."""
        base = self.description or ""
        if len(base) < 80:
            base = " ".join(self.paragraphs[:2]) or base
        if len(base) > 300:
            cut = base[:300].rsplit(" ", 1)[0]
            return cut.rstrip(",;:") + "…"
        return base


@dataclass(slots=True)
class Story:
    """Coverage of one event across publishers."""

    id: int
    title: str
    first_seen: datetime
    last_seen: datetime
    article_count: int
    publisher_count: int  # independent publishers: a syndicated copy does not add one
    publishers: list[str]  # earliest first
    first_article_id: int
    lead_article_id: int  # the most complete original
    recent_count: int = 0  # originals published in the day before `last_seen`
    score: float = 0.0  # front-page rank, set when ranked
    lead: Article | None = None  # filled in by listings


@dataclass(slots=True)
class TitleRevision:
    """A headline an article had before the publisher changed it."""

    title: str
    replaced_at: datetime


@dataclass(slots=True)
class SearchHit:
    """One search result with a highlighted snippet (HTML with <mark> only, already escaped)."""

    article: Article
    snippet_html: str
    rank: float


@dataclass(slots=True)
class FetchLogEntry:
    """One HTTP fetch attempt, for the source page and debugging."""

    url: str
    at: datetime
    status: int | None
    outcome: str  # ok | not_modified | error
    reason: str | None = None
    elapsed_ms: int | None = None
    source_id: int | None = None


@dataclass(slots=True)
class FetchResult:
    """A completed HTTP fetch (2xx or 304). Errors are raised as `progleton.errors.FetchError`."""

    url: str  # requested URL
    final_url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str | None = None
    encoding: str | None = None  # charset from headers, if any
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304
