"""Bounds against misbehaving servers, each against a real loopback server: slow drip, header
floods, Content-Length lies, endless bodies, resets, decompression bombs.

Caps, timeouts, redirect limits and loops are covered in test_fetch_client.py too; here are the
hostile cases. Every test asserts the exact error type and the recorded reason, and that it
comes quickly (nothing hangs).
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from loopback import LOOPBACK, LoopbackServer, gzip_bomb, run
from progleton.config import Settings
from progleton.errors import FetchError, FetchTimeout, NetworkError, TooLarge
from progleton.fetch import Fetcher
from progleton.fetch.body import ACCEPT_ENCODING
from progleton.fetch.bounds import MAX_HEADER_BYTES
from progleton.models import FetchResult

SETTINGS = Settings(
    db_url="sqlite://",
    per_host_delay=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=10.0,
    max_body_bytes=1024 * 1024,
    respect_robots=False,
    allow_hosts=LOOPBACK,
)
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


async def fetch(url: str, settings: Settings = SETTINGS) -> FetchResult:
    async with Fetcher(settings) as f:
        return await f.fetch(url)


def timed_failure(url: str, settings: Settings = SETTINGS) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        run(fetch(url, settings))
    return info.value, time.monotonic() - started


# -- slow drip -------------------------------------------------------------------------------

DRIP = SETTINGS.with_(min_bytes_per_second=1024, slow_drip_window=0.5)


def test_slow_drip_is_cut_at_the_end_of_the_window(server: LoopbackServer) -> None:
    # 10 bytes every 0.05 s = 200 B/s: never idle long enough for the read timeout.
    server.route("/drip", body=b"x" * 5000, drip=(10, 0.05))
    err, took = timed_failure(server.url("/drip"), DRIP)
    assert isinstance(err, FetchTimeout)
    assert err.reason.startswith("127.0.0.1 sent only ")
    assert err.reason.endswith(" bytes in 0.5 s (slow drip, under 1 KB/s)")
    sent = int(err.reason.split("sent only ")[1].split()[0])
    assert 0 < sent < 512
    assert took < 1.5
    assert err.url == server.url("/drip")


def test_stalling_trickle_is_cut_without_waiting_for_a_chunk(server: LoopbackServer) -> None:
    # One chunk, then silence shorter than the read timeout: the window timer cuts it.
    server.route("/trickle", body=b"x" * 40, drip=(10, 1.5))
    err, took = timed_failure(server.url("/trickle"), DRIP)
    assert isinstance(err, FetchTimeout)
    assert err.reason == "127.0.0.1 sent only 10 bytes in 0.5 s (slow drip, under 1 KB/s)"
    assert took < 1.2


def test_slow_but_steady_body_above_the_floor_is_fine(server: LoopbackServer) -> None:
    body = b"y" * 12_000
    server.route("/steady", body=body, drip=(1000, 0.1))  # 10 KB/s for 1.2 s
    settings = SETTINGS.with_(min_bytes_per_second=1024, slow_drip_window=0.25)
    assert run(fetch(server.url("/steady"), settings)).content == body


def test_floor_zero_turns_the_check_off(server: LoopbackServer) -> None:
    server.route("/drip", body=b"x" * 40, drip=(10, 0.1))
    settings = DRIP.with_(min_bytes_per_second=0)
    assert run(fetch(server.url("/drip"), settings)).content == b"x" * 40


def test_drip_defaults() -> None:
    assert Settings().min_bytes_per_second == 1024 and Settings().slow_drip_window == 10.0
    env = {"PROGLETON_MIN_BYTES_PER_SECOND": "2048", "PROGLETON_SLOW_DRIP_WINDOW": "5"}
    settings = Settings.from_env(env)
    assert settings.min_bytes_per_second == 2048 and settings.slow_drip_window == 5.0


# -- headers ---------------------------------------------------------------------------------


def _head(extra: bytes, body: bytes = RSS) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n"
        + extra
        + b"\r\n"
        + body
    )


def test_headers_over_the_limit_are_refused(server: LoopbackServer) -> None:
    # 70 KB: under httpcore's own 100 KB receive limit, over ours.
    flood = b"".join(b"X-Filler-%05d: %s\r\n" % (i, b"a" * 100) for i in range(600))
    assert MAX_HEADER_BYTES < len(flood) < 100 * 1024
    server.route("/fat", raw=_head(flood))
    err, took = timed_failure(server.url("/fat"))
    assert type(err) is FetchError and err.reason == "response headers too large (over 64 KB)"
    assert took < 2


def test_endless_header_stream_is_refused(server: LoopbackServer) -> None:
    def flood() -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\n"
        yield from itertools.repeat(b"X-More: " + b"b" * 1000 + b"\r\n")

    server.route("/flood", raw=flood)
    err, took = timed_failure(server.url("/flood"))
    assert type(err) is FetchError and err.reason == "response headers too large (over 64 KB)"
    assert took < 2


def test_headers_just_under_the_limit_are_fine(server: LoopbackServer) -> None:
    extra = b"".join(b"X-Filler-%05d: %s\r\n" % (i, b"a" * 100) for i in range(500))
    server.route("/ok", raw=_head(extra))
    assert run(fetch(server.url("/ok"))).content == RSS


# -- Content-Length lies ---------------------------------------------------------------------


def test_body_shorter_than_announced_then_close(server: LoopbackServer) -> None:
    server.route("/short", body=b"x" * 50, content_length=100, after="close")
    err, took = timed_failure(server.url("/short"))
    assert isinstance(err, NetworkError)
    assert err.reason == "127.0.0.1 closed the connection after 50 of the 100 bytes it announced"
    assert took < 2


def test_body_shorter_than_announced_then_silence(server: LoopbackServer) -> None:
    server.route("/short", body=b"x" * 50, content_length=100)  # keeps the connection open
    settings = SETTINGS.with_(read_timeout=0.3)
    err, took = timed_failure(server.url("/short"), settings)
    assert isinstance(err, FetchTimeout)
    assert err.reason == "127.0.0.1 stopped sending data for 0.3 s"
    assert took < 1.5


def test_body_longer_than_announced_is_truncated(server: LoopbackServer) -> None:
    server.route("/long", body=b"a" * 50 + b"b" * 50, content_length=50)
    res = run(fetch(server.url("/long")))
    assert res.status == 200 and res.content == b"a" * 50


# -- endless bodies and resets ---------------------------------------------------------------


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_endless_body_stops_at_the_cap(server: LoopbackServer, framing: Any) -> None:
    server.route("/endless", stream=lambda: itertools.repeat(b"z" * 65536), framing=framing)
    err, took = timed_failure(server.url("/endless"))
    assert isinstance(err, TooLarge) and err.reason == "response larger than 1 MB cap"
    assert took < 3


def test_connection_reset_mid_body(server: LoopbackServer) -> None:
    server.route("/reset", body=b"x" * 1000, content_length=5000, drip=(100, 0.02), after="reset")
    err, took = timed_failure(server.url("/reset"))
    assert isinstance(err, NetworkError)
    assert err.reason == "connection reset by 127.0.0.1 while reading the body"
    assert took < 2


def test_connection_reset_before_the_answer(server: LoopbackServer) -> None:
    server.route("/reset", raw=b"", after="reset")
    err, _ = timed_failure(server.url("/reset"))
    assert isinstance(err, NetworkError)
    assert err.reason in (
        "connection reset by 127.0.0.1 before it answered",
        # The RST can also surface as a plain close, depending on timing.
        "127.0.0.1 sent an invalid HTTP response or closed the connection",
    )


# -- decompression bombs ---------------------------------------------------------------------


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_deflate_bomb_is_stopped(server: LoopbackServer, wbits: int) -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    bomb = b"".join(comp.compress(bytes(1 << 20)) for _ in range(50)) + comp.flush()
    assert len(bomb) < 100_000
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "deflate"})
    err, _ = timed_failure(server.url("/bomb"))
    assert isinstance(err, TooLarge)
    assert err.reason == "response larger than 1 MB cap after decompression"


def test_gzip_bomb_with_chunked_framing_is_stopped(server: LoopbackServer) -> None:
    server.route("/bomb", body=gzip_bomb(), headers={"Content-Encoding": "gzip"}, framing="chunked")
    err, _ = timed_failure(server.url("/bomb"))
    assert isinstance(err, TooLarge) and err.reason.endswith("after decompression")


def test_brotli_refused_when_not_installed(server: LoopbackServer) -> None:
    try:
        import brotli  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("brotli is installed: br is decoded (see the next test)")
    server.route("/br", body=b"\x1b\x00", headers={"Content-Encoding": "br"})
    err, _ = timed_failure(server.url("/br"))
    assert isinstance(err, NetworkError)
    assert err.reason == "the server used an unsupported Content-Encoding: br"
    assert "br" not in ACCEPT_ENCODING


def test_brotli_decoded_and_bomb_stopped_when_installed(server: LoopbackServer) -> None:
    brotli = pytest.importorskip("brotli")
    assert ACCEPT_ENCODING.endswith(", br")
    server.route("/ok", body=brotli.compress(RSS * 100), headers={"Content-Encoding": "br"})
    assert run(fetch(server.url("/ok"))).content == RSS * 100
    bomb = brotli.compress(bytes(50 * 1024 * 1024), quality=5)
    assert len(bomb) < 100_000
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "br"})
    err, _ = timed_failure(server.url("/bomb"))
    assert isinstance(err, TooLarge)
    assert err.reason == "response larger than 1 MB cap after decompression"
    server.route("/bad", body=b"not brotli at all", headers={"Content-Encoding": "br"})
    err, _ = timed_failure(server.url("/bad"))
    assert isinstance(err, NetworkError) and err.reason.startswith("the response body is corrupt")
