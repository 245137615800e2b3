"""Pydantic response models of the JSON API (they define its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from progleton.models import Article, SearchHit, Source, Story, TitleRevision
from progleton.web.present import original_url, publisher_name


class ErrorBody(BaseModel):
    """What went wrong."""

    code: str = Field(description="Machine-readable: not_found, invalid_request, ...")
    message: str = Field(description="Human-readable explanation.")


class ErrorEnvelope(BaseModel):
    """The one shape of every API error."""

    error: ErrorBody


class ArticleSummary(BaseModel):
    """An article as listed: metadata and excerpt, no body."""

    id: int
    title: str
    url: str = Field(description="The URL the article was fetched from.")
    canonical_url: str | None
    original_url: str | None = Field(
        description="Link to the publisher's page (canonical URL, else URL); http(s) only."
    )
    publisher: str
    authors: list[str]
    published: datetime | None
    fetched_at: datetime | None
    language: str | None
    image: str | None
    excerpt: str
    source_id: int | None
    access: str | None = Field(
        default=None,
        description='"paywall" when the publisher shows only a teaser without a subscription.',
    )
    duplicate_of: int | None = Field(
        default=None,
        description="Set on a syndicated copy: the id of the earliest stored version of the text.",
    )
    credit: str | None = Field(
        default=None,
        description="The original publisher named by a wire credit or a cross-site canonical link.",
    )
    story_id: int | None = Field(
        default=None, description="The story this article is part of (once placed)."
    )

    @classmethod
    def of(cls, a: Article) -> ArticleSummary:
        """From a stored article."""
        return cls(**_summary_fields(a))


class TitleRevisionOut(BaseModel):
    """A headline the article had before the publisher changed it."""

    title: str
    replaced_at: datetime


class ArticleDetail(ArticleSummary):
    """One article with its clean text, headline history and copies."""

    description: str | None
    text: str = Field(description="The body as plain text, paragraphs separated by blank lines.")
    paragraphs: list[str]
    topics: list[str] = Field(
        default_factory=list,
        description="What the article is about, as its publisher labels it (feed categories, "
        "the page's section and tags), at most 8.",
    )
    title_history: list[TitleRevisionOut] = Field(
        default_factory=list, description="Earlier headlines, oldest first."
    )
    copies: list[ArticleSummary] = Field(
        default_factory=list,
        description="Syndicated copies of this article stored from other pages, earliest first.",
    )

    @classmethod
    def of(
        cls,
        a: Article,
        history: list[TitleRevision] | None = None,
        copies: list[Article] | None = None,
    ) -> ArticleDetail:
        """From a stored article (with its headline history and copies, if given)."""
        return cls(
            **_summary_fields(a),
            description=a.description,
            text=a.text,
            paragraphs=a.paragraphs,
            topics=a.topics,
            title_history=[
                TitleRevisionOut(title=r.title, replaced_at=r.replaced_at) for r in history or []
            ],
            copies=[ArticleSummary.of(c) for c in copies or []],
        )


def _summary_fields(a: Article) -> dict[str, Any]:
    return {
        "id": a.id or 0,
        "title": a.title,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "original_url": original_url(a),
        "publisher": publisher_name(a),
        "authors": a.authors,
        "published": a.published,
        "fetched_at": a.fetched_at,
        "language": a.language,
        "image": a.image,
        "excerpt": a.excerpt,
        "source_id": a.source_id,
        "access": a.access,
        "duplicate_of": a.duplicate_of,
        "credit": a.credit,
        "story_id": a.story_id,
    }


class StoryOut(BaseModel):
    """A story: coverage of one event across publishers."""

    id: int
    title: str = Field(description="A representative headline of the coverage.")
    first_seen: datetime
    last_seen: datetime = Field(description="Time of the story's latest article.")
    article_count: int
    publisher_count: int = Field(
        description="Independent publishers: a syndicated copy does not add one."
    )
    publishers: list[str] = Field(description="Every publisher in the story, earliest first.")
    first_article_id: int
    lead_article_id: int = Field(description="The most complete original article.")
    score: float | None = Field(
        default=None, description="Front-page rank score (ranked listings only)."
    )
    lead: ArticleSummary | None = None

    @classmethod
    def of(cls, s: Story, ranked: bool = False) -> StoryOut:
        """From a stored story."""
        return cls(
            id=s.id,
            title=s.title,
            first_seen=s.first_seen,
            last_seen=s.last_seen,
            article_count=s.article_count,
            publisher_count=s.publisher_count,
            publishers=s.publishers,
            first_article_id=s.first_article_id,
            lead_article_id=s.lead_article_id,
            score=round(s.score, 6) if ranked else None,
            lead=ArticleSummary.of(s.lead) if s.lead else None,
        )


class StoryPage(BaseModel):
    """A page of ranked stories, best first."""

    items: list[StoryOut]
    page: int
    next_page: int | None = Field(description="The next page number; null on the last page.")


class StoryDetail(StoryOut):
    """One story with all its articles in time order (copies carry `duplicate_of`)."""

    articles: list[ArticleSummary]


class ArticlePage(BaseModel):
    """A page of articles, newest first."""

    items: list[ArticleSummary]
    next_cursor: str | None = Field(
        description="Pass as `before` to get the next (older) page; null on the last page."
    )


class SourceOut(BaseModel):
    """A followed feed and its crawl health."""

    id: int
    title: str
    feed_url: str
    site_url: str | None
    kind: str
    added_at: datetime | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None = Field(description="Why the last fetch failed, in plain words.")
    last_error_at: datetime | None
    error_count: int = Field(description="Consecutive failures.")
    next_check_at: datetime | None
    paused: bool
    article_count: int

    @classmethod
    def of(cls, s: Source) -> SourceOut:
        """From a stored source."""
        return cls(
            id=s.id or 0,
            title=s.title,
            feed_url=s.feed_url,
            site_url=s.site_url,
            kind=s.kind,
            added_at=s.added_at,
            last_checked_at=s.last_checked_at,
            last_success_at=s.last_success_at,
            last_error=s.last_error,
            last_error_at=s.last_error_at,
            error_count=s.error_count,
            next_check_at=s.next_check_at,
            paused=s.paused,
            article_count=s.article_count,
        )


class FetchOut(BaseModel):
    """One fetch attempt from a source's log."""

    url: str
    at: datetime
    status: int | None = Field(description="HTTP status, if a response arrived.")
    outcome: str = Field(description="ok | not_modified | error")
    reason: str | None
    elapsed_ms: int | None


class SiteTemplateOut(BaseModel):
    """The boilerplate learned for one site a source's pages come from."""

    site: str
    pages: int = Field(description="Recent pages of the site the template is learned from.")
    blocks: int = Field(
        description="Text blocks recurring in the same place on enough of those pages; "
        "removed from the site's next pages before extraction."
    )
    min_pages: int = Field(description="Pages a block must recur on before it counts.")


class SourceDetail(SourceOut):
    """A source with its recent fetch log and its sites' learned templates."""

    recent_fetches: list[FetchOut]
    templates: list[SiteTemplateOut]


class SourceList(BaseModel):
    """All sources, by title."""

    items: list[SourceOut]


class SearchHitOut(BaseModel):
    """One search result."""

    article: ArticleSummary
    snippet_html: str = Field(
        description="Matching text, HTML-escaped, with matches wrapped in <mark>."
    )
    rank: float = Field(description="Lower is better (BM25).")

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        """From a store search hit."""
        return cls(
            article=ArticleSummary.of(hit.article), snippet_html=hit.snippet_html, rank=hit.rank
        )


class SearchResults(BaseModel):
    """A page of search results."""

    query: str
    total: int = Field(description="All matches, not just this page (an estimate if approximate).")
    approximate: bool = Field(
        False,
        description="True when the total is an estimate: only the newest matches are ranked "
        "and counted exactly; later offsets return no items.",
    )
    limit: int
    offset: int
    items: list[SearchHitOut]


class Health(BaseModel):
    """Liveness and a cheap sanity figure."""

    ok: bool
    version: str
    article_count: int


# -- who said what ---------------------------------------------------------------------------
class EntityOut(BaseModel):
    """A person, organisation, place, group or event named in stored articles."""

    id: int
    name: str = Field(description='The canonical name ("Vladimir Putin").')
    label: str = Field(
        description="The kind, as spaCy labels it: PERSON, ORG, GPE (country, city), LOC, "
        "NORP (nationality, group), FAC (building, airport), EVENT."
    )
    mentions: int = Field(description="Mentions in all stored articles.")
    articles: int = Field(description="Articles naming it.")
    quotes: int = Field(description="Quotes attributed to it.")
    first_seen: datetime = Field(description="Time of the earliest article naming it.")
    last_seen: datetime = Field(description="Time of the latest article naming it.")


class EntityList(BaseModel):
    """A page of entities."""

    entities: list[EntityOut]
    next_offset: int | None = Field(
        default=None, description="The `offset` of the next page; null on the last page."
    )


class RelatedEntity(EntityOut):
    """An entity named in the same articles as another."""

    shared_articles: int = Field(description="Articles naming both.")


class TimelineDay(BaseModel):
    """Articles naming an entity on one day (UTC)."""

    day: str = Field(description="YYYY-MM-DD")
    articles: int


class EntityDetail(EntityOut):
    """One entity with its other names, the entities named with it and its mentions by day."""

    aliases: list[str] = Field(description="Every name it was found under, its own included.")
    related: list[RelatedEntity] = Field(description="Most often named with it, first.")
    timeline: list[TimelineDay] = Field(description="The latest days with a mention, oldest first.")


class QuoteOut(BaseModel):
    """A statement an article attributes to someone: a direct quote or reported speech."""

    id: int
    speaker: str | None = Field(
        description="The resolved speaker's canonical name; null when not resolved."
    )
    entity_id: int | None = Field(description="The speaker's entity; null when not resolved.")
    kind: str = Field(description='"direct" (quotation marks) or "indirect" (reported speech).')
    text: str = Field(description="The words attributed to the speaker.")
    cue: str | None = Field(description='The speech verb or phrase ("said", "according to").')
    source: str | None = Field(
        description='The speaker as the article writes it ("he", "the Kremlin spokesman").'
    )
    sentence: str = Field(description="The sentence (or paragraphs) the quote was found in.")
    article_id: int
    publisher: str | None = Field(description="The publisher of the article.")
    url: str = Field(description="The article's URL.")
    time: datetime = Field(description="The article's time.")


class QuoteList(BaseModel):
    """A page of quotes, newest first."""

    quotes: list[QuoteOut]
    next_offset: int | None = Field(
        default=None, description="The `offset` of the next page; null on the last page."
    )


class StoryQuoteOut(QuoteOut):
    """A quote of a story, carried by one or more publishers."""

    publishers: list[str] = Field(
        description="Every publisher whose article carries this quote or a near-identical "
        "one, earliest first."
    )


class StoryQuotes(BaseModel):
    """A story's quotes, near-identical ones once."""

    quotes: list[StoryQuoteOut]


class ArticleEntity(EntityOut):
    """An entity an article names."""

    mentions_here: int = Field(description="Mentions in this article.")


class ArticleQuotes(BaseModel):
    """Who an article names and whom it quotes."""

    entities: list[ArticleEntity] = Field(description="In order of first mention.")
    quotes: list[QuoteOut] = Field(description="In order of appearance.")
