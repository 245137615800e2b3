"""Reading WARC archives: every record accounted for, filters before extraction, damage survived.

The archives are written here with warcio (an independent WARC writer) from the recorded demo
pages, with what real crawls mix in: warcinfo, request and metadata records, revisits, images
and JSON, non-200 responses, a record the crawler truncated, a corrupt gzip member and a file
cut off mid-record.
"""

from __future__ import annotations

import functools
import io
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from progleton.demo.corpus import CorpusArticle, load_corpus
from progleton.sources import warc
from progleton.sources.warc import WarcFilter, read_warc

CAPTURE_DELAY = timedelta(hours=2)  # pages are captured this long after publication


@functools.cache
def corpus() -> tuple[CorpusArticle, ...]:
    """The demo pages, loaded once per test session."""
    return load_corpus().articles


@dataclass
class Written:
    """What `write_warc` put in a file: the HTML pages a reader should keep, and the rest."""

    path: Path
    pages: list[CorpusArticle]
    skips: Counter[str] = field(default_factory=Counter)
    offsets: list[int] = field(default_factory=list)  # of the kept pages' records

    @property
    def records(self) -> int:
        return len(self.pages) + sum(self.skips.values())


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(
    path: Path,
    pages: list[CorpusArticle] | tuple[CorpusArticle, ...],
    *,
    gzip: bool = True,
    damage: bool = True,
    url_suffix: str = "",
) -> Written:
    """Write `pages` as a WARC file the way a crawler would, plus noise and (with `damage`)
    a corrupt member (plain files: garbage bytes) and a last record cut short."""
    written = Written(path, list(pages))
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gzip)

        def response(
            url: str,
            body: bytes,
            ctype: str,
            status: str = "200 OK",
            when: datetime | None = None,
            extra: dict[str, str] | None = None,
        ) -> int:
            offset = f.tell()
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            headers = {"WARC-Date": _iso(when or datetime(2024, 1, 1, tzinfo=UTC))}
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict=headers | (extra or {}),
            )
            writer.write_record(record)
            return offset

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        written.skips[warc.NOT_RESPONSE] += 1
        for i, page in enumerate(pages):
            url = page.url + url_suffix
            request = StatusAndHeaders(
                f"GET {page.target} HTTP/1.1", [("Host", page.host)], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            written.skips[warc.NOT_RESPONSE] += 1
            written.offsets.append(
                response(
                    url,
                    page.html,
                    f"text/html; charset={page.charset}",
                    when=page.published + CAPTURE_DELAY,
                )
            )
            if i % 5 == 0:
                meta = writer.create_warc_record(
                    url,
                    "metadata",
                    payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                    warc_content_type="application/warc-fields",
                )
                writer.write_record(meta)
                written.skips[warc.NOT_RESPONSE] += 1
            if i % 40 == 7:  # the same page again, unchanged: a revisit record
                revisit = writer.create_revisit_record(
                    url,
                    digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    refers_to_uri=url,
                    refers_to_date=_iso(page.published),
                    http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                    ),
                )
                writer.write_record(revisit)
                written.skips[warc.REVISIT] += 1
            if i == 3:
                response("https://cdn.example.org/a.jpg", b"\xff\xd8\xff\xe0JFIF", "image/jpeg")
                response("https://api.example.org/x.json", b'{"a": 1}', "application/json")
                written.skips[warc.NOT_HTML] += 2
                response(
                    "https://www.example.org/gone",
                    b"<html>gone</html>",
                    "text/html",
                    "404 Not Found",
                )
                response("https://www.example.org/moved", b"", "text/html", "301 Moved Permanently")
                written.skips[warc.NOT_200] += 2
                response(
                    "https://www.example.org/long",
                    page.html[:2000],
                    "text/html",
                    extra={"WARC-Truncated": "length"},
                )
                written.skips[warc.TRUNCATED] += 1
            if i == len(pages) // 2 and damage:
                if gzip:  # a member whose deflate stream is overwritten in its middle
                    start = response("https://www.example.org/damaged", page.html, "text/html")
                    end = f.tell()
                    f.seek(start + (end - start) // 2)
                    f.write(b"\x00" * 64)
                    f.seek(end)
                    written.skips[warc.CORRUPT_GZIP] += 1
                else:  # plain file: bytes that are no record at all
                    f.write(b"garbage that is not a WARC record\r\n\r\n")
                    written.skips[warc.UNREADABLE] += 1
        if damage:  # the crawl was killed while writing its last record
            start = response("https://www.example.org/cut", pages[0].html, "text/html")
            end = f.tell()
            f.truncate(start + (end - start) // 2)
            written.skips[warc.TRUNCATED] += 1
    return written


def outcomes(path: Path, filters: WarcFilter | None = None, start: int = 0) -> Counter[str]:
    """Kept pages counted as 'kept', skipped records by reason."""
    return Counter("kept" if o.page else (o.skip or "") for o in read_warc(path, start, filters))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The whole demo corpus as one gzip-per-record file (several hundred records)."""
    return write_warc(tmp_path_factory.mktemp("warc") / "news.warc.gz", corpus())


def test_every_record_is_kept_or_skipped_with_its_reason(archive: Written) -> None:
    got = outcomes(archive.path)
    assert archive.records > 500
    assert got == Counter({"kept": len(archive.pages), **archive.skips})
    assert got[warc.CORRUPT_GZIP] == 1 and got[warc.TRUNCATED] == 2


def test_kept_pages_carry_url_capture_time_and_html(archive: Written) -> None:
    kept = [o for o in read_warc(archive.path) if o.page]
    assert [o.offset for o in kept] == archive.offsets
    for o, page in zip(kept, archive.pages, strict=True):
        assert o.page is not None
        assert o.page.url == page.url
        assert o.page.captured == page.published + CAPTURE_DELAY
        assert o.page.html == page.html


def test_plain_warc_with_garbage_and_a_cut_record(tmp_path: Path) -> None:
    pages = corpus()[:60]
    written = write_warc(tmp_path / "news.warc", pages, gzip=False)
    assert outcomes(written.path) == Counter({"kept": 60, **written.skips})
    assert written.skips[warc.UNREADABLE] == 1


def test_reading_from_a_record_offset_yields_the_rest(archive: Written) -> None:
    k = len(archive.offsets) // 3
    tail = [o.page.url for o in read_warc(archive.path, archive.offsets[k]) if o.page]
    assert tail == [p.url for p in archive.pages[k:]]


def test_host_filter_keeps_the_host_and_its_subdomains(archive: Written) -> None:
    host = Counter(p.host for p in archive.pages).most_common(1)[0][0]
    bare = host.removeprefix("www.")
    kept = [o.page.url for o in read_warc(archive.path, filters=WarcFilter.build([bare])) if o.page]
    assert kept == [p.url for p in archive.pages if p.host == host]
    got = outcomes(archive.path, WarcFilter.build([bare]))
    # The other pages, and the noise records with a 200 status (images, JSON, the cut one).
    assert got[warc.HOST] == len(archive.pages) - len(kept) + 3
    assert not WarcFilter.build(["example.com"]).host_ok("badexample.com")
    assert WarcFilter.build(["Example.com."]).host_ok("news.example.com")


def test_date_filter_uses_the_capture_date(archive: Written) -> None:
    dates = sorted(p.published for p in archive.pages)
    # Naive datetimes are taken as UTC.
    since = dates[len(dates) // 3].replace(tzinfo=None)
    until = dates[2 * len(dates) // 3].replace(tzinfo=None)
    filters = WarcFilter.build(since=since, until=until)
    kept = {o.page.url for o in read_warc(archive.path, filters=filters) if o.page}
    expected = {
        p.url
        for p in archive.pages
        if since.replace(tzinfo=UTC) <= p.published + CAPTURE_DELAY < until.replace(tzinfo=UTC)
    }
    assert kept == expected and 0 < len(kept) < len(archive.pages)
    assert outcomes(archive.path, filters)[warc.DATE] >= len(archive.pages) - len(kept)


def test_language_filter_drops_declared_foreign_pages_before_extraction(
    archive: Written,
) -> None:
    filters = WarcFilter.build(languages=["en-GB"])
    kept = {o.page.url for o in read_warc(archive.path, filters=filters) if o.page}
    english = {p.url for p in archive.pages if p.language == "en"}
    # Declared, and plainly written in another script: dropped without extraction. (Pages in
    # other Latin-script languages may be left for extraction to decide.)
    foreign = {p.url for p in archive.pages if p.language in ("ja", "ko", "ru")}
    assert english <= kept  # never drops a page the extractor would call English
    assert len(foreign) >= 8 and not foreign & kept
    assert outcomes(archive.path, filters)[warc.LANGUAGE] >= len(foreign)
    assert filters.language_ok("EN_us") and not filters.language_ok(None)


def test_many_corrupt_members_in_a_row_are_each_counted(tmp_path: Path) -> None:
    pages = corpus()[:12]
    written = write_warc(tmp_path / "a.warc.gz", pages, damage=False)
    data = bytearray(written.path.read_bytes())
    for k in (4, 5, 6):  # three neighbouring members, zeroed in their middles
        start = written.offsets[k]
        data[start + 200 : start + 260] = b"\x00" * 60
    written.path.write_bytes(bytes(data))
    got = outcomes(written.path)
    assert got["kept"] == 9
    assert got[warc.CORRUPT_GZIP] == 3


def test_compressed_http_bodies_are_decoded(tmp_path: Path) -> None:
    page = corpus()[0]
    path = tmp_path / "gz-body.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i, (encoding, body) in enumerate(
            (("gzip", _gzip(page.html)), ("deflate", zlib.compress(page.html)), ("br", b"xx"))
        ):
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html"), ("Content-Encoding", encoding)],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    f"{page.url}?{i}", "response", payload=io.BytesIO(body), http_headers=http
                )
            )
    got = list(read_warc(path))
    assert [o.page.html if o.page else o.skip for o in got] == [
        page.html,
        page.html,
        warc.UNDECODABLE,
    ]


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)
