"""WARC archives (Common Crawl, CC-NEWS): HTTP 200 HTML responses, filtered before extraction.

`read_warc(path, start)` streams every record of a file (gzip per record as CC-NEWS ships
them, or plain .warc) from a record offset, one `RecordOutcome` per record: the page when it
is kept, else the reason it was skipped. Filters that need only headers (host from the target
URI, capture date from WARC-Date or HTTP Date) run before the body is read; language is
checked on the declared language when that clearly says no, else after extraction.

Damage never ends a file: a corrupt gzip member or an unparseable record is reported as one
skipped stretch and reading goes on at the next record boundary found in the raw bytes.
Pure: no store, no network. Memory is one record at a time.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from progleton.extract.language import guess_language

# Why a record was not kept (the backfill summary counts these).
NOT_RESPONSE = "not a response"  # request, metadata, warcinfo, resource...
REVISIT = "revisit"
TRUNCATED = "truncated record"
NOT_200 = "not HTTP 200"
NOT_HTML = "not HTML"
HOST = "host filtered"
DATE = "date filtered"
LANGUAGE = "language filtered"
TOO_LARGE = "too large"
UNDECODABLE = "undecodable body"
CORRUPT_GZIP = "corrupt gzip member"
UNREADABLE = "unreadable record"

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)
_SCAN_BLOCK = 1 << 20
#: A gzip member is checked by inflating it; a real WARC record is far smaller than this.
_MAX_MEMBER = 256 << 20


@dataclass(frozen=True, slots=True)
class WarcFilter:
    """Which records to keep: hosts (and their subdomains), languages, a capture-date range."""

    hosts: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    @classmethod
    def build(
        cls,
        hosts: list[str] | tuple[str, ...] = (),
        languages: list[str] | tuple[str, ...] = (),
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> WarcFilter:
        """Normalise hosts and language codes; naive dates are taken as UTC."""
        return cls(
            hosts=tuple(sorted({h.strip().lower().strip(".") for h in hosts if h.strip()})),
            languages=tuple(sorted({_primary(lang) for lang in languages if lang.strip()})),
            since=_aware(since),
            until=_aware(until),
        )

    def host_ok(self, host: str | None) -> bool:
        """The host is wanted: no host filter, or it is a listed host or a subdomain of one."""
        if not self.hosts:
            return True
        if not host:
            return False
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def date_ok(self, when: datetime | None) -> bool:
        """The time is inside [since, until); an unknown time passes."""
        if when is None:
            return True
        if self.since is not None and when < self.since:
            return False
        return self.until is None or when < self.until

    def language_ok(self, language: str | None) -> bool:
        """The language is wanted (an unknown one is not, when languages are asked for)."""
        if not self.languages:
            return True
        return language is not None and _primary(language) in self.languages


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A kept response: the page's URL, when it was captured, and its HTML bytes."""

    url: str
    captured: datetime | None
    html: bytes


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """One record read: kept (`page`) or skipped (`skip` says why).

    `offset` is where the record starts in the file: reading again from there yields it
    again. It is None for a damaged stretch, which has no usable start.
    """

    offset: int | None
    page: HtmlPage | None = None
    skip: str | None = None


def read_warc(
    path: str | Path,
    start: int = 0,
    filters: WarcFilter | None = None,
    max_bytes: int = 10 * 1024 * 1024,
) -> Iterator[RecordOutcome]:
    """Every record of a WARC file from byte offset `start` (a record boundary), in order."""
    wanted = filters or WarcFilter()
    with open(path, "rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC[:2]
        pos: int | None = start
        while pos is not None:
            f.seek(pos)
            current: int | None = None
            try:
                for record in ArchiveIterator(f, parse_http=True, auto_decode="none"):
                    current = record.stream_pos
                    try:
                        outcome = _outcome(record, wanted, max_bytes)
                    except OSError:
                        raise  # a damaged stream: handled below, by resynchronising
                    except Exception:  # odd headers (bad dates, encodings): skip the record
                        outcome = RecordOutcome(current, skip=UNREADABLE)
                    yield outcome
                return
            except OSError:
                # fastwarc raises OSError for gzip data errors and unparseable headers. Resume
                # past the last record that began well (or past where this attempt began, so a
                # boundary that fails again is never retried).
                scan_from = (current if current is not None else pos) + 1
                pos = _next_boundary(f, scan_from, gzipped)
                yield RecordOutcome(None, skip=CORRUPT_GZIP if gzipped else UNREADABLE)


def _outcome(record: WarcRecord, wanted: WarcFilter, max_bytes: int) -> RecordOutcome:
    offset = record.stream_pos
    kind = record.record_type
    if kind == WarcRecordType.revisit:
        return RecordOutcome(offset, skip=REVISIT)
    if kind != WarcRecordType.response:
        return RecordOutcome(offset, skip=NOT_RESPONSE)
    headers = record.headers
    http = record.http_headers if record.is_http_parsed else None
    if http is None or headers.get("WARC-Truncated"):
        # No HTTP head means the block ended early (a file cut short); WARC-Truncated means
        # the crawler cut the payload (Common Crawl does at 1 MiB): either way, half a page.
        return RecordOutcome(offset, skip=TRUNCATED)
    if http.status_code != 200:
        return RecordOutcome(offset, skip=NOT_200)
    url = headers.get("WARC-Target-URI") or ""
    if not wanted.host_ok(_host(url)):
        return RecordOutcome(offset, skip=HOST)
    captured = _captured(record)
    if not wanted.date_ok(captured):
        return RecordOutcome(offset, skip=DATE)
    ctype = (record.http_content_type or "").split(";")[0].strip().lower()
    if ctype and ctype not in _HTML_TYPES:
        return RecordOutcome(offset, skip=NOT_HTML)
    if record.content_length > max_bytes + 64 * 1024:  # the block includes the HTTP head
        return RecordOutcome(offset, skip=TOO_LARGE)
    body = record.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        return RecordOutcome(offset, skip=TOO_LARGE)
    if len(body) < record.content_length:  # after the HTTP head, this is the payload's length
        return RecordOutcome(offset, skip=TRUNCATED)  # the file ends inside this record
    encoding = (http.get("Content-Encoding") or "").strip().lower()
    if encoding not in ("", "identity"):
        decoded = _decode(body, encoding, max_bytes)
        if decoded is None:
            return RecordOutcome(offset, skip=UNDECODABLE)
        body = decoded
    if not ctype and not _looks_like_html(body):
        return RecordOutcome(offset, skip=NOT_HTML)
    if wanted.languages and not _maybe_wanted_language(
        body, record.http_charset, http.get("Content-Language"), wanted
    ):
        return RecordOutcome(offset, skip=LANGUAGE)
    return RecordOutcome(offset, page=HtmlPage(url=url, captured=captured, html=body))


def _captured(record: WarcRecord) -> datetime | None:
    """Capture time: WARC-Date, else the HTTP Date header."""
    try:
        if record.headers.get("WARC-Date"):
            return _aware(record.record_date)
        http = record.http_headers if record.is_http_parsed else None
        if http is not None and http.get("Date"):
            return _aware(record.http_date)
    except (ValueError, OSError, OverflowError):
        pass  # an unparseable date counts as unknown
    return None


def _maybe_wanted_language(
    body: bytes, charset: str | None, content_language: str | None, wanted: WarcFilter
) -> bool:
    """False only when the page declares an unwanted language and its paragraphs agree.

    Extraction labels a page with its declared language unless the body clearly reads
    otherwise, so a page whose declaration and paragraph text both name an unwanted language
    would be dropped after extraction anyway; skipping it here saves the extraction. When the
    text is unclear the page is kept for extraction to decide (templates often declare the
    site's language over an article in another).
    """
    match = _HTML_LANG.search(body, 0, 16384)
    declared = match.group(1).decode("ascii") if match else None
    if declared is None and content_language:
        declared = content_language.split(",")[0]
    if declared is None or wanted.language_ok(declared):
        return True
    try:
        html = body[:524288].decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        html = body[:524288].decode("utf-8", errors="replace")
    # Paragraphs, not the whole page: navigation and footers are in the site's language.
    paragraphs = " ".join(m.group(1) for m in _PARAGRAPH.finditer(html))
    text = _TAGS.sub(" ", paragraphs if len(paragraphs) >= 400 else html)
    guessed = guess_language(text)
    return guessed is None or wanted.language_ok(guessed)


def _decode(body: bytes, encoding: str, max_bytes: int) -> bytes | None:
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None  # e.g. br, zstd: rare in archives (Common Crawl stores bodies decoded)
    for wbits in (31,) if "gzip" in encoding else (15, -15):
        try:
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(body, max_bytes + 1)
        except zlib.error:
            continue
        return out if len(out) <= max_bytes else None
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _primary(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def _aware(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _next_boundary(f: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The first plausible record start at or after `start`, or None at the end of the file.

    In a gzip file that is a gzip member that inflates cleanly to a WARC record (CC-NEWS
    compresses each record separately); in a plain file, a "WARC/1.x" line.
    """
    pattern = _GZIP_MAGIC if gzipped else b"WARC/1."
    pos = start
    while True:
        found = _find(f, pattern, pos)
        if found is None:
            return None
        if _plausible_start(f, found, gzipped):
            return found
        pos = found + 1


def _find(f: BinaryIO, pattern: bytes, start: int) -> int | None:
    pos = start
    while True:
        f.seek(pos)
        block = f.read(_SCAN_BLOCK)
        if not block:
            return None
        at = block.find(pattern)
        if at >= 0:
            return pos + at
        if len(block) < _SCAN_BLOCK:
            return None
        pos += len(block) - len(pattern) + 1  # a match may straddle two blocks


def _plausible_start(f: BinaryIO, at: int, gzipped: bool) -> bool:
    if not gzipped:
        # No newline check before it: after a record cut short, the next one starts mid-line.
        f.seek(at)
        head = f.read(4096)
        end = head.find(b"\r\n\r\n")
        block = head[: end if end >= 0 else len(head)].lower()
        return (
            _WARC_LINE.match(head) is not None
            and b"\nwarc-type:" in block
            and b"\ncontent-length:" in block
        )
    f.seek(at)
    inflater = zlib.decompressobj(31)
    first = b""
    data = f.read(65536)
    seen = len(data)
    try:
        while True:
            out = inflater.decompress(data, 65536)  # bounded: only the first bytes are kept
            first += out[: max(0, 8 - len(first))]
            if inflater.eof:
                return first.startswith(b"WARC/")
            data = inflater.unconsumed_tail
            if not data:
                data = f.read(65536)
                seen += len(data)
                if not data or seen > _MAX_MEMBER:
                    return False  # cut short by the end of the file, or implausibly long
    except zlib.error:
        return False
