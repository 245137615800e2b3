"""Read a response body without ever holding more than the cap in memory.

httpx's own decoders inflate a whole network chunk at once, so one 64 KB chunk of a gzip bomb
can become ~64 MB before any cap is checked. We read the raw bytes and inflate them ourselves
with zlib's `max_length`, so decompressed output never exceeds the cap by more than one byte.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from progleton.errors import NetworkError, TooLarge
from progleton.fetch.reasons import size

#: What we tell servers we can decode; only these are handled below.
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLarge(Exception):
    """Internal: raised by `read_capped` so the caller can word the error with its URL."""


class _Inflater:
    """Incremental gzip/deflate decoder with bounded output per call."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._first = True

    def feed(self, data: bytes, max_out: int) -> bytes:
        try:
            out = self._zlib.decompress(data, max_out)
        except zlib.error:
            # Some servers send raw deflate without the zlib header; retry once that way.
            if not (self._first and self._encoding == "deflate"):
                raise
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, max_out)
        self._first = False
        return out

    def flush(self, max_out: int) -> bytes:
        return self._zlib.flush(max_out) if max_out > 0 else b""


async def read_capped(
    chunks: AsyncIterator[bytes],
    content_encoding: str | None,
    limit: int,
    *,
    truncate: bool = False,
) -> bytes:
    """Collect raw `chunks`, decoding gzip/deflate, up to `limit` decoded bytes.

    Over the limit: return the first `limit` bytes if `truncate`, else raise `BodyTooLarge`.
    Unsupported or corrupt encodings raise NetworkError.
    """
    encoding = (content_encoding or "identity").strip().lower()
    inflater: _Inflater | None
    if encoding in ("", "identity"):
        inflater = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    else:
        raise NetworkError(f"the server used an unsupported Content-Encoding: {encoding}")

    parts: list[bytes] = []
    total = 0
    async for raw in chunks:
        room = limit - total
        try:
            # Ask for one byte more than fits, so "exactly at the cap" is not an error.
            out = raw if inflater is None else inflater.feed(raw, room + 1)
        except zlib.error as exc:
            raise NetworkError(f"the response body is corrupt ({encoding}: {exc})") from exc
        if len(out) > room:
            if truncate:
                parts.append(out[:room])
                return b"".join(parts)
            raise BodyTooLarge
        parts.append(out)
        total += len(out)
    if inflater is not None:
        tail = inflater.flush(limit - total + 1)
        if len(tail) > limit - total and not truncate:
            raise BodyTooLarge
        parts.append(tail[: limit - total])
    return b"".join(parts)


def too_large(limit: int, url: str, *, compressed: bool, declared: int | None = None) -> TooLarge:
    """The user-facing TooLarge error."""
    if declared is not None:
        return TooLarge(f"response is {size(declared)}, larger than the {size(limit)} cap", url)
    extra = " after decompression" if compressed else ""
    return TooLarge(f"response larger than {size(limit)} cap{extra}", url)
