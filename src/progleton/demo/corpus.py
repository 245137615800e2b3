"""The offline demo corpus: real article pages recorded from real publishers.

The archive (``data/corpus.tar.xz``, built by ``scripts/build_demo_corpus.py``) holds
``manifest.json`` and one HTML file per article. See ``data/SOURCES.md`` for provenance.
"""

from __future__ import annotations

import json
import lzma
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ARCHIVE_NAME = "corpus.tar.xz"
SUPPORTED_MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    """One recorded article page and its manifest metadata."""

    id: str
    url: str  # the real, original URL
    host: str
    publisher: str
    title: str
    published: datetime  # aware UTC
    date_source: str  # metadata | htmldate | crawl_date | fallback
    path: str  # member name inside the archive
    language: str
    charset: str
    description: str
    authors: tuple[str, ...]
    dataset: str  # scrapinghub | fundus
    html: bytes = field(repr=False)

    @property
    def target(self) -> str:
        """Path plus query of the original URL: where the demo server serves this page."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True, slots=True)
class Corpus:
    """All articles, sorted by host then id."""

    articles: tuple[CorpusArticle, ...]
    sources: tuple[dict[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[CorpusArticle]:
        return iter(self.articles)

    def by_host(self) -> dict[str, list[CorpusArticle]]:
        """Articles grouped by host (hosts sorted), newest first within a host."""
        groups: dict[str, list[CorpusArticle]] = {}
        for article in sorted(self.articles, key=lambda a: a.host):
            groups.setdefault(article.host, []).append(article)
        for group in groups.values():
            group.sort(key=lambda a: (a.published, a.id), reverse=True)
        return groups

    @property
    def hosts(self) -> list[str]:
        """Distinct hosts, sorted."""
        return sorted({a.host for a in self.articles})


def default_archive() -> Traversable:
    """The archive shipped in the package."""
    return resources.files("progleton.demo").joinpath("data", ARCHIVE_NAME)


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _article(entry: dict[str, Any], html: bytes) -> CorpusArticle:
    return CorpusArticle(
        id=entry["id"],
        url=entry["url"],
        host=entry["host"],
        publisher=entry["publisher"],
        title=entry["title"],
        published=_parse_time(entry["published"]),
        date_source=entry["date_source"],
        path=entry["path"],
        language=entry["language"],
        charset=entry.get("charset") or "utf-8",
        description=entry.get("description") or "",
        authors=tuple(entry.get("authors") or ()),
        dataset=entry.get("dataset") or "",
        html=html,
    )


def load_corpus(path: Path | None = None) -> Corpus:
    """Read the corpus archive (default: the one shipped in the package) fully into memory."""
    archive: Path | Traversable = path or default_archive()
    pages: dict[str, bytes] = {}
    manifest: dict[str, Any] | None = None
    # One sequential pass: xz streams are slow to seek, and the whole corpus is ~25 MB.
    with (
        archive.open("rb") as raw,
        lzma.open(raw) as xz,
        tarfile.open(fileobj=xz, mode="r|") as tar,
    ):
        for member in tar:
            if not member.isfile():
                continue
            fh = tar.extractfile(member)
            if fh is None:
                continue
            data = fh.read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
            else:
                pages[member.name] = data
    if manifest is None:
        raise ValueError(f"{archive}: no manifest.json")
    if manifest.get("version") != SUPPORTED_MANIFEST_VERSION:
        raise ValueError(f"{archive}: unsupported manifest version {manifest.get('version')!r}")
    articles: list[CorpusArticle] = []
    for entry in manifest["articles"]:
        html = pages.get(entry["path"])
        if html is None:
            raise ValueError(f"{archive}: manifest lists missing page {entry['path']}")
        articles.append(_article(entry, html))
    articles.sort(key=lambda a: (a.host, a.id))
    return Corpus(articles=tuple(articles), sources=tuple(manifest.get("sources", ())))
