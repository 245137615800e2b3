"""Read a response body without ever holding more than the cap in memory.

httpx's own decoders inflate a whole network chunk at once, so one 64 KB chunk of a gzip bomb
can become ~64 MB before any cap is checked. We read the raw bytes and inflate them ourselves
with zlib's `max_length` (and brotli's `output_buffer_limit`), so decompressed output never
exceeds the cap by more than one decoder block.

Brotli is decoded only when the optional `brotli` package (1.2 or later, the first with bounded
output) is installed; otherwise we do not offer it in Accept-Encoding and refuse it if sent.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

from progleton.errors import NetworkError, TooLarge
from progleton.fetch.reasons import size


def _load_brotli() -> Any:
    try:
        module = importlib.import_module("brotli")
    except ImportError:
        return None
    # Older releases cannot bound their output, which would reopen the bomb.
    return module if hasattr(module.Decompressor(), "can_accept_more_data") else None


_brotli = _load_brotli()

#: What decoders raise on corrupt input.
_DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error,) + (
    (_brotli.error,) if _brotli is not None else ()
)
#: What we tell servers we can decode; only these are handled below.
ACCEPT_ENCODING = "gzip, deflate, br" if _brotli is not None else "gzip, deflate"


class BodyTooLarge(Exception):
    """Internal: raised by `read_capped` so the caller can word the error with its URL."""


class _Decoder(Protocol):
    """Incremental decoder. `feed` and `flush` return at most about `max_out` bytes; more
    than `max_out - 1` means the output did not fit."""

    def feed(self, data: bytes, max_out: int) -> bytes: ...

    def flush(self, max_out: int) -> bytes: ...


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


class _Unbrotli:
    """Incremental brotli decoder with bounded output per call."""

    #: Largest output asked of brotli at once; its buffer can overshoot a limit by one block.
    STEP = 256 * 1024

    def __init__(self) -> None:
        self._brotli = _brotli.Decompressor()

    def feed(self, data: bytes, max_out: int) -> bytes:
        limit = max(1, min(max_out, self.STEP))
        parts = [self._brotli.process(data, output_buffer_limit=limit)]
        total = len(parts[0])
        # Input is held back while output is pending; drain it (with empty input, as brotli
        # requires) until it takes more data or the output no longer fits.
        while total < max_out and not self._brotli.can_accept_more_data():
            out = self._brotli.process(b"", output_buffer_limit=limit)
            parts.append(out)
            total += len(out)
        return b"".join(parts)

    def flush(self, max_out: int) -> bytes:
        return b""  # brotli emits everything from feed()


def _decoder(encoding: str) -> _Decoder | None:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater(encoding)
    if encoding == "br" and _brotli is not None:
        return _Unbrotli()
    raise NetworkError(f"the server used an unsupported Content-Encoding: {encoding}")


async def read_capped(
    chunks: AsyncIterator[bytes],
    content_encoding: str | None,
    limit: int,
    *,
    truncate: bool = False,
) -> bytes:
    """Collect raw `chunks`, decoding gzip/deflate/br, up to `limit` decoded bytes.

    Over the limit: return the first `limit` bytes if `truncate`, else raise `BodyTooLarge`.
    Unsupported or corrupt encodings raise NetworkError.
    """
    encoding = (content_encoding or "identity").strip().lower()
    inflater = _decoder(encoding)

    parts: list[bytes] = []
    total = 0
    async for raw in chunks:
        room = limit - total
        try:
            # Ask for one byte more than fits, so "exactly at the cap" is not an error.
            out = raw if inflater is None else inflater.feed(raw, room + 1)
        except _DECODE_ERRORS as exc:
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
