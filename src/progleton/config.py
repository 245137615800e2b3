"""One typed settings object, read from PROGLETON_* environment variables and passed explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from progleton import __version__
from progleton.errors import ConfigError

USER_AGENT = (
    f"Progleton/{__version__} (+https://github.com/progleton/progleton; self-hosted news reader)"
)


def default_data_dir() -> Path:
    """The user's data folder for Progleton (XDG_DATA_HOME or ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "progleton"


def default_db_url() -> str:
    """SQLite file in the user's data folder."""
    return f"sqlite:///{default_data_dir() / 'progleton.db'}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. Build with `Settings.from_env()` and pass it down."""

    db_url: str = field(default_factory=default_db_url)
    user_agent: str = USER_AGENT
    # Fetching
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    max_concurrency: int = 32
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between request starts to one host
    respect_robots: bool = True
    # Safety. Private, loopback and other non-public addresses are refused; list exceptions
    # here, comma-separated: host names (exact, case-insensitive) or CIDRs matched against the
    # resolved addresses, e.g. "feeds.lan,192.168.1.0/24,127.0.0.1".
    allow_hosts: str = ""
    # A body arriving slower than this (bytes/s, measured over each window of
    # `slow_drip_window` seconds, the first one ending that long after the headers) is cut off.
    # 0 turns the floor off.
    min_bytes_per_second: int = 1024
    slow_drip_window: float = 10.0
    # Scheduling (minutes)
    default_interval: int = 30
    min_interval: int = 5
    max_interval: int = 24 * 60
    max_new_entries_per_feed: int = 50
    # Crawl resources. Pages are extracted in `extract_workers` processes (-1: one per CPU, at
    # most 4; 0: in one thread of the crawler). Fetched pages waiting for extraction are bounded
    # (by `max_concurrency`) and so are the sources refreshed at once, so memory stays flat
    # however many sources a crawl covers.
    extract_workers: int = -1
    max_sources_in_flight: int = 500
    # Several `crawl` processes may share one database (PostgreSQL): each claims due sources
    # for this long before refreshing them; a dead worker's claims are taken over after it.
    lease_seconds: int = 900
    # Per-site templates (progleton.sitetemplates): a text block found, in the same place, on
    # at least `template_min_pages` and `template_min_share` of a site's newest
    # `template_window` pages (counted as at least half the window) is the site's furniture
    # and is removed from its next pages before extraction. 0 turns learning and removal off.
    template_window: int = 50
    template_min_pages: int = 4
    template_min_share: float = 0.3
    # Serving
    page_size: int = 30
    # Front-page ranking of stories (progleton.stories.rank): independent publishers to the
    # power `rank_publisher_exponent`, plus `rank_growth_weight` per extra original in the
    # last day, over (hours since the latest article + `rank_span_weight` x hours the story
    # has run + `rank_offset_hours`) to the power `rank_gravity`. The newest
    # `rank_candidates` stories are ranked.
    rank_publisher_exponent: float = 0.8
    rank_growth_weight: float = 0.5
    rank_gravity: float = 1.5
    rank_offset_hours: float = 2.0
    rank_span_weight: float = 0.25
    rank_candidates: int = 1000
    # The ranked list is reused for this long (seconds): reading and ranking the candidates
    # is most of a front page's cost, and a ranking moves slowly. 0 ranks on every request.
    rank_cache_seconds: float = 10.0
    # Story clustering also compares sentence embeddings (all-MiniLM-L6-v2 on the CPU): closer
    # to human judgement, but tens of articles/s instead of hundreds. Needs the `semantic`
    # extra (torch); see bench/README.md.
    semantic_stories: bool = False
    # Anonymous GET pages, feeds and API reads are answered from memory for this long
    # (seconds) after one render (progleton.web.cache): relative times are at most this much
    # older than "now". 0 turns the page cache off.
    page_cache_seconds: float = 5.0
    # `progleton serve` worker processes (0: one per CPU, at most 4). One process answers at
    # most ~1 core's worth; admin sessions are shared between workers.
    web_workers: int = 0
    # Search ranks only the newest this many matches of a query (relevance within them) and
    # counts exactly up to it; beyond, the total is an estimate ("about 120,000 results").
    search_candidates: int = 1000
    # The address hubs and readers reach this instance at (e.g. https://news.example.org);
    # empty turns WebSub push subscriptions off.
    public_url: str = ""
    # Web admin (/admin: add, pause, resume, remove sources, OPML import). Its password is
    # kept only as a scrypt hash: this one (as `progleton admin-password --print-hash` prints
    # it), else the one in `admin_password_file` (default: admin-password in the data folder,
    # written by `progleton admin-password`). With neither, the admin pages are off.
    admin_password_hash: str = ""
    admin_password_file: str = ""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read PROGLETON_<FIELD> variables (e.g. PROGLETON_DB for db_url), then apply overrides."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = "PROGLETON_DB" if f.name == "db_url" else f"PROGLETON_{f.name.upper()}"
            if key not in env:
                continue
            raw = env[key]
            kind = type(getattr(cls(), f.name))
            try:
                if kind is bool:
                    values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
                else:
                    values[f.name] = kind(raw)
            except ValueError as exc:
                raise ConfigError(f"{key}={raw!r} is not a valid {kind.__name__}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)
