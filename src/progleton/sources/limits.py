"""How much of a feed Progleton parses, and how oversize XML is cut down to that.

feedparser costs about 1.4 µs per byte on plain well-formed feeds, up to 4.5 µs with dense
markup, and up to 10 µs in its lenient fallback for broken XML, all in one Python thread
shared with article extraction. So the caps are in bytes as well as entries, and broken XML
gets a smaller budget. Cuts happen between entries where possible, so what remains is still
a well-formed feed, and every cut is reported in ParsedFeed.warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from progleton.sources.xmlsafe import well_formed

__all__ = [
    "MAX_ENTRIES",
    "MAX_FEED_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_MALFORMED_BYTES",
    "cap_xml",
]

#: Entries kept per feed (feeds list newest first; the pipeline takes far fewer new ones).
MAX_ENTRIES = 1000
#: UTF-8 bytes of well-formed XML handed to feedparser: ~0.8 s for HTML-rich content, 4.5 s
#: at worst (markup-dense text, measured). Feeds list newest first and the pipeline takes at
#: most 50 new entries per feed, so what is cut is old news.
MAX_FEED_BYTES = 1024 * 1024
#: UTF-8 bytes of XML that needs feedparser's lenient parser (up to 10 µs per byte: 2.5 s).
MAX_MALFORMED_BYTES = 256 * 1024
#: Bytes of input looked at at all (the fetcher's default body cap). XML beyond is cut before
#: decoding; JSON cannot be cut, and json.loads is fast, so larger JSON Feeds are refused.
MAX_INPUT_BYTES = 10 * 1024 * 1024

# <item> (RSS) and <entry> (Atom), unprefixed or as atom:entry. Other prefixes are left alone:
# extension elements such as <foo:item> inside an entry must not end it.
_ENTRY_TAG = re.compile(rb"<(/?)(?:atom:)?(?:item|entry)(?=[\s/>])")


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int | None  # None: the document ends inside this entry


def _spans(data: bytes) -> list[_Span]:
    """Byte ranges of the top-level entries, by tag matching (no parse)."""
    spans: list[_Span] = []
    start: int | None = None
    for m in _ENTRY_TAG.finditer(data):
        closing = bool(m.group(1))
        if start is None and not closing:
            gt = data.find(b">", m.end())
            if gt > 0 and data[gt - 1 : gt] == b"/":  # <item/>
                spans.append(_Span(m.start(), gt + 1))
            else:
                start = m.start()
        elif start is not None and closing:
            gt = data.find(b">", m.end())
            spans.append(_Span(start, gt + 1 if gt > 0 else len(data)))
            start = None
    if start is not None:
        spans.append(_Span(start, None))
    return spans


def _splice(data: bytes, spans: list[_Span], keep: int) -> bytes:
    """`data` with entries after the first `keep` removed (the closing tags stay)."""
    last = spans[keep - 1].end
    assert last is not None
    tail_from = spans[-1].end if spans[-1].end is not None else len(data)
    return data[:last] + data[tail_from:]


def _fitting(data: bytes, spans: list[_Span], cap: int) -> int:
    """How many leading entries fit under `cap` bytes once the rest are spliced out."""
    tail = len(data) - (spans[-1].end or len(data))
    keep = 0
    for n, span in enumerate(spans, start=1):
        if span.end is None or span.end + tail > cap:
            break
        keep = n
    return keep


def _raw_cut(data: bytes, cap: int) -> bytes:
    """The first `cap` bytes, backed off to a UTF-8 character boundary."""
    cut = min(cap, len(data))
    while 0 < cut < len(data) and (data[cut] & 0xC0) == 0x80:
        cut -= 1
    return data[:cut]


def cap_xml(data: bytes) -> tuple[bytes, list[str]]:
    """`data` (UTF-8 XML) cut to MAX_ENTRIES and the byte caps, with a warning per cut.

    A document that ends inside an entry (truncated download, or our own raw cut) loses that
    entry: its link or title may be cut short, and a wrong link is worse than none.
    """
    warnings: list[str] = []
    size = len(data)
    spans = _spans(data)
    total = len(spans)
    is_well_formed = well_formed(data)
    if not is_well_formed and spans and spans[-1].end is None:
        data = data[: spans.pop().start]
        warnings.append("the feed ends inside an entry; that entry was ignored")
    if len(spans) > MAX_ENTRIES:
        data = _splice(data, spans, MAX_ENTRIES)
        spans = spans[:MAX_ENTRIES]
        warnings.append(f"feed cut at {MAX_ENTRIES} entries of {total}")
    cap = MAX_FEED_BYTES if is_well_formed else MAX_MALFORMED_BYTES
    if len(data) <= cap:
        return data, warnings
    keep = _fitting(data, spans, cap) if spans else 0
    if keep:
        data = _splice(data, spans, keep)
        warnings.append(f"feed cut at {keep} entries of {total} ({cap // 1024} KiB limit)")
        return data, warnings
    # No entry boundary to cut at (one giant entry, a huge header, or no entries at all).
    # The result is broken XML, so it gets the lenient parser's budget.
    data = _raw_cut(data, MAX_MALFORMED_BYTES)
    inside = _spans(data)
    if inside and inside[-1].end is None:
        data = data[: inside[-1].start]
    warnings.append(f"feed cut at {len(data)} bytes of {size}")
    return data, warnings
