"""SSRF guard: address classification, URL spellings, connect-time checks after DNS, redirects,
DNS rebinding, allow-lists, proxies.

No test here sends a packet off this machine: connect-time tests run the Fetcher's real guarded
transport over `FakeNetwork`, whose backend only ever reaches loopback.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from ipaddress import ip_address
from typing import Any

import httpx
import pytest

from loopback import LOOPBACK, FakeNetwork, LoopbackServer, Route, redirect, run
from progleton.config import Settings
from progleton.errors import (
    BlockedAddress,
    BlockedByRobots,
    ConfigError,
    FetchError,
    RobotsUnavailable,
)
from progleton.fetch import BlockedRedirect, Fetcher, RedirectError
from progleton.fetch.addresses import NotAnAddress, classify, parse_host_address
from progleton.fetch.guard import AddressGuard, AllowList
from progleton.fetch.network import GuardedTransport
from progleton.models import FetchResult

BASE = Settings(
    db_url="sqlite://",
    per_host_delay=0.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
    respect_robots=False,
)
HINT = "(set PROGLETON_ALLOW_HOSTS to allow it)"
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

# -- the address table -----------------------------------------------------------------------
# (address, what the refusal says, or None for public). (M) marks Miniflux's cases
# (internal/urllib url_test.go: TestIsNonPublicIP, TestResolvesToPrivateIP, plus its RFC 6598
# prefix), (C) CommaFeed's (HttpGetterTest.HostNotAllowed); the rest fill every category.
ADDRESSES: list[tuple[str, str | None]] = [
    # public
    ("93.184.216.34", None),  # (M)
    ("2001:4860:4860::8888", None),  # (M)
    ("8.8.8.8", None),
    ("1.1.1.1", None),
    ("2606:4700:4700::1111", None),
    ("100.63.255.255", None),  # just below CGNAT
    ("100.128.0.1", None),  # just above CGNAT
    ("172.15.255.255", None),  # just below 172.16/12
    ("172.32.0.1", None),  # just above 172.16/12
    ("192.169.0.1", None),
    ("198.17.255.255", None),  # just below the benchmarking /15
    ("223.255.255.255", None),  # last unicast before multicast
    ("::ffff:8.8.8.8", None),  # IPv4-mapped public
    ("64:ff9b::808:808", None),  # NAT64 of a public address
    ("2002:808:808::1", None),  # 6to4 of a public address
    ("2001:0:808:808::f7f7:f7f7", None),  # Teredo, public server and client
    # loopback
    ("127.0.0.1", "a loopback address"),  # (M) (C)
    ("127.0.0.2", "a loopback address"),
    ("127.255.255.254", "a loopback address"),
    ("::1", "a loopback address"),  # (M)
    # private (RFC 1918, ULA, site-local)
    ("10.0.0.1", "a private address"),  # (C)
    ("10.255.255.255", "a private address"),
    ("172.16.0.1", "a private address"),  # (C)
    ("172.31.255.255", "a private address"),
    ("192.168.0.1", "a private address"),  # (C)
    ("192.168.1.1", "a private address"),  # (M)
    ("192.168.1.10", "a private address"),  # (M)
    ("fd12:3456:789a:1::1", "a unique local (private) address"),  # (C)
    ("fc00::1", "a unique local (private) address"),
    ("fec0::1", "a site-local (private) address"),
    # link-local and cloud metadata
    ("169.254.169.254", "the link-local cloud metadata address"),  # (C)
    ("169.254.12.34", "a link-local address"),  # (C)
    ("169.254.42.1", "a link-local address"),  # (M)
    ("fe80::1", "a link-local address"),
    ("fe80::1%eth0", "a link-local address"),
    # carrier-grade NAT (RFC 6598)
    ("100.64.0.1", "a carrier-grade NAT address"),  # (M)
    ("100.127.255.255", "a carrier-grade NAT address"),
    # multicast
    ("224.0.0.1", "a multicast address"),  # (M)
    ("224.2.3.4", "a multicast address"),  # (C)
    ("239.255.255.254", "a multicast address"),  # (C)
    ("ff02::1", "a multicast address"),  # (M)
    # unspecified and "this network"
    ("0.0.0.0", "the unspecified address"),  # (C)
    ("::", "the unspecified address"),  # (M)
    ("0.1.2.3", "a 'this network' address"),
    # reserved, broadcast, benchmarking, documentation, protocol ranges
    ("240.0.0.1", "a reserved address"),
    ("250.1.2.3", "a reserved address"),
    ("255.255.255.255", "the broadcast address"),
    ("198.18.0.1", "a benchmarking address"),
    ("198.19.255.255", "a benchmarking address"),
    ("192.0.0.8", "an IETF protocol address"),
    ("192.0.2.1", "a documentation address"),
    ("198.51.100.7", "a documentation address"),
    ("203.0.113.9", "a documentation address"),
    ("192.88.99.1", "a 6to4 relay address"),
    ("2001:db8::1", "a documentation address"),
    ("3fff::1", "a documentation address"),
    ("2001:2::1", "a benchmarking address"),
    ("2001:10::1", "an IETF protocol address"),
    ("100::1", "a discard-only address"),
    ("5f00::1", "an SRv6 segment address"),
    ("64:ff9b:1::a00:1", "a local-use NAT64 address"),
    ("4000::1", "a reserved address"),  # outside 2000::/3 global unicast
    # IPv4 hidden in IPv6: judged by the IPv4 address inside
    ("::ffff:127.0.0.1", "an IPv4-mapped IPv6 address of 127.0.0.1, a loopback address"),
    ("::ffff:10.0.0.5", "an IPv4-mapped IPv6 address of 10.0.0.5, a private address"),
    ("::ffff:169.254.169.254", "of 169.254.169.254, the link-local cloud metadata address"),
    ("::ffff:0.0.0.0", "an IPv4-mapped IPv6 address of 0.0.0.0, the unspecified address"),
    ("::127.0.0.1", "an IPv4-compatible IPv6 address of 127.0.0.1, a loopback address"),
    ("::8.8.8.8", "a deprecated IPv4-compatible address"),
    ("64:ff9b::7f00:1", "a NAT64 address of 127.0.0.1, a loopback address"),
    ("64:ff9b::a9fe:a9fe", "a NAT64 address of 169.254.169.254"),
    ("2002:7f00:1::1", "a 6to4 address of 127.0.0.1, a loopback address"),
    ("2002:c0a8:101::1", "a 6to4 address of 192.168.1.1, a private address"),
    # Teredo: server 65.54.227.120, client 10.0.0.1 (stored bit-inverted as f5ff:fffe)
    ("2001:0:4136:e378:8000:0:f5ff:fffe", "a Teredo address of 10.0.0.1, a private address"),
    # RFC 4380's own example: client 192.0.2.45
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address of 192.0.2.45"),
    # Teredo with a private server address
    ("2001:0:a00:1::f7f7:f7f7", "a Teredo address of 10.0.0.1, a private address"),
]


def test_address_table_is_big_enough() -> None:
    assert len(ADDRESSES) >= 40
    assert sum(1 for _, kind in ADDRESSES if kind is None) >= 10


@pytest.mark.parametrize(("address", "expected"), ADDRESSES)
def test_address_classification(address: str, expected: str | None) -> None:
    refusal = classify(ip_address(address))
    if expected is None:
        assert refusal is None, refusal.describe() if refusal else ""
    else:
        assert refusal is not None, f"{address} should be refused"
        assert expected in refusal.describe()


# -- host names that spell addresses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),  # (C) decimal
        ("0x7f.0x00.0x00.0x01", "127.0.0.1"),  # (C) hex per part
        ("0x7F000001", "127.0.0.1"),  # hex whole
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),  # octal whole
        ("127.1", "127.0.0.1"),  # short form
        ("0x7f.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),  # last part fills the remaining bytes
        ("0", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing root dot
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[fe80::1%25eth0]", "fe80::1%eth0"),
        ("example.com", None),
        ("123.example", None),
        ("0x7f.example", None),
    ],
)
def test_host_spellings(host: str, address: str | None) -> None:
    parsed = parse_host_address(host)
    assert parsed == (ip_address(address) if address else None)


@pytest.mark.parametrize("host", ["1.2.3.4.5", "08.0.0.1", "256.0.0.1", "1.2.3.0x100", "1..2"])
def test_numeric_nonsense_is_not_a_name(host: str) -> None:
    with pytest.raises(NotAnAddress):
        parse_host_address(host)


def test_spellings_match_what_the_system_resolver_connects_to() -> None:
    # Whatever httpx leaves in the URL, the socket layer would read these as 127.0.0.1.
    for host in ["2130706433", "0x7f.1", "0177.0.0.1", "127.1", "017700000001"]:
        infos = socket.getaddrinfo(host, 80, type=socket.SOCK_STREAM)
        assert {i[4][0] for i in infos} == {str(parse_host_address(host))}, host


async def fetch(url: str, settings: Settings = BASE, **kwargs: Any) -> FetchResult:
    async with Fetcher(settings, **kwargs) as f:
        return await f.fetch(url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "refused: 127.0.0.1 is a loopback address"),
        ("http://2130706433/", "refused: 2130706433 means 127.0.0.1, a loopback address"),
        ("http://0x7F.0x00.0x00.0X01/", "refused: 0x7f.0x00.0x00.0x01 means 127.0.0.1"),
        ("http://127.1:8080/", "refused: 127.1 means 127.0.0.1"),
        ("http://0/", "refused: 0 means 0.0.0.0, the unspecified address"),
        ("http://0.0.0.0/", "refused: 0.0.0.0 is the unspecified address"),
        ("http://localhost/", "refused: localhost is this machine"),
        ("http://LOCALHOST./", "refused: localhost. is this machine"),
        ("http://feeds.localhost/", "refused: feeds.localhost is this machine"),
        ("http://169.254.169.254/latest/meta-data/", "the link-local cloud metadata address"),
        ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
        ("https://[::1]/", "refused: ::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "an IPv4-mapped IPv6 address of 127.0.0.1"),
        ("http://[fe80::1%25eth0]/", "a link-local address"),
        ("http://[fd12:3456:789a:1::1]/", "a unique local (private) address"),
    ],
)
def test_url_literals_refused_before_connecting(url: str, reason: str) -> None:
    net = FakeNetwork()
    with pytest.raises(BlockedAddress) as info:
        run(fetch(url, transport=net.transport(BASE)))
    assert info.value.reason.startswith("refused: ") and reason in info.value.reason
    assert info.value.reason.endswith(HINT) and info.value.url == url
    assert net.lookups == [] and net.connects == []


@pytest.mark.parametrize("url", ["http://1.2.3.4.5/", "http://0177.0.0.1.0/", "http://08.1/"])
def test_invalid_numeric_hosts_refused_not_looked_up(url: str) -> None:
    net = FakeNetwork()
    with pytest.raises(FetchError, match="invalid"):
        run(fetch(url, transport=net.transport(BASE)))
    assert net.lookups == [] and net.connects == []


# -- connect time: after DNS -----------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        srv.route("/feed", body=RSS, headers={"Content-Type": "application/rss+xml"})
        yield srv


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        (["10.0.0.1"], "evil.test resolves to 10.0.0.1, a private address"),
        (["127.0.0.1"], "evil.test resolves to 127.0.0.1, a loopback address"),
        (["169.254.169.254"], "evil.test resolves to 169.254.169.254, the link-local cloud"),
        (["::ffff:10.0.0.1"], "an IPv4-mapped IPv6 address of 10.0.0.1, a private address"),
        # One bad address refuses the host, whichever order they come in.
        (["93.184.216.34", "10.0.0.1"], "evil.test resolves to 10.0.0.1"),
        (["::1", "93.184.216.34"], "evil.test resolves to ::1, a loopback address"),
    ],
)
def test_name_resolving_to_private_address_is_refused(
    server: LoopbackServer, answer: list[str], said: str
) -> None:
    net = FakeNetwork()
    net.dns["evil.test"] = answer
    url = f"http://evil.test:{server.port}/feed"
    with pytest.raises(BlockedAddress) as info:
        run(fetch(url, transport=net.transport(BASE)))
    assert (
        info.value.reason.startswith("refused: evil.test resolves to ")
        and said in info.value.reason
    )
    assert info.value.reason.endswith(HINT) and info.value.url == url
    assert net.connects == [] and server.seen() == []


def test_robots_txt_does_not_hide_a_blocked_address(server: LoopbackServer) -> None:
    net = FakeNetwork()
    net.dns["evil.test"] = ["10.0.0.1"]
    settings = BASE.with_(respect_robots=True)
    with pytest.raises(BlockedAddress) as info:
        run(fetch("http://evil.test/feed", settings, transport=net.transport(settings)))
    assert not isinstance(info.value, BlockedByRobots)
    assert "evil.test resolves to 10.0.0.1" in info.value.reason
    assert net.connects == []


def test_dns_rebinding_is_refused_at_connect(server: LoopbackServer) -> None:
    """The name answers public for the first connection and private for the next: the first
    goes to the address that was checked, the second is refused. One lookup per connection, so
    there is no gap between the check and the connect."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    net = FakeNetwork()
    net.dns["rebind.test"] = lambda: next(answers)
    net.nat["93.184.216.34"] = (server.host, server.port)  # "the public site" is our server
    # Connection: close, so the second fetch needs a new connection and a new lookup.
    server.route("/feed", body=RSS, headers={"Connection": "close"})
    url = "http://rebind.test/feed"

    async def go() -> tuple[FetchResult, BlockedAddress]:
        async with Fetcher(BASE, transport=net.transport(BASE)) as f:
            first = await f.fetch(url)
            with pytest.raises(BlockedAddress) as info:
                await f.fetch(url)
            return first, info.value

    first, refused = run(go())
    assert first.status == 200 and first.content == RSS
    assert "rebind.test resolves to 127.0.0.1, a loopback address" in refused.reason
    assert net.lookups == ["rebind.test", "rebind.test"]
    assert net.connects == ["93.184.216.34"]  # never the private answer
    assert len(server.seen("/feed")) == 1
    assert server.seen("/feed")[0].headers["host"] == "rebind.test"


def test_default_fetcher_resolves_with_the_event_loop_and_checks(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Fetcher's own network (no transport passed): getaddrinfo's answer is checked."""
    real = asyncio.base_events.BaseEventLoop.getaddrinfo
    asked: list[str] = []

    async def fake(self: Any, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "evil.test":
            asked.append(host)
            host = "127.0.0.1"  # a loopback answer is safe even if the guard failed
        return await real(self, host, port, *args, **kwargs)

    monkeypatch.setattr(asyncio.base_events.BaseEventLoop, "getaddrinfo", fake)
    url = f"http://evil.test:{server.port}/feed"
    with pytest.raises(BlockedAddress, match=r"evil\.test resolves to 127\.0\.0\.1"):
        run(fetch(url))
    assert asked == ["evil.test"] and server.seen() == []
    # Allowed by name, the same lookup connects, and Host still names the site.
    res = run(fetch(url, BASE.with_(allow_hosts="evil.test")))
    assert res.content == RSS
    assert server.seen("/feed")[0].headers["host"] == f"evil.test:{server.port}"


# -- redirects -------------------------------------------------------------------------------


def test_redirect_to_private_literal_refused_at_the_hop(server: LoopbackServer) -> None:
    server.route("/go", **redirect("http://10.0.0.1/admin"))
    net = FakeNetwork()
    settings = BASE.with_(allow_hosts="127.0.0.1")
    url = server.url("/go")
    with pytest.raises(BlockedRedirect) as info:
        run(fetch(url, settings, transport=net.transport(settings)))
    assert info.value.reason == (
        f"refused: 10.0.0.1 is a private address {HINT}; "
        "reached by a redirect to http://10.0.0.1/admin"
    )
    assert info.value.url == url
    assert server.count("/go") == 1 and net.connects == ["127.0.0.1"]


def test_redirect_to_other_loopback_spelling_refused(server: LoopbackServer) -> None:
    # Only 127.0.0.1 is allowed; 0x7f.0.0.2 is 127.0.0.2, which is not.
    server.route("/go", **redirect(f"http://0x7f.0.0.2:{server.port}/feed"))
    net = FakeNetwork()
    settings = BASE.with_(allow_hosts="127.0.0.1/32")
    with pytest.raises(BlockedAddress, match=r"0x7f\.0\.0\.2 means 127\.0\.0\.2, a loopback"):
        run(fetch(server.url("/go"), settings, transport=net.transport(settings)))
    assert net.connects == ["127.0.0.1"]


def test_redirect_to_name_resolving_private_refused_at_connect(server: LoopbackServer) -> None:
    server.route("/go", **redirect("http://internal.test/secret", 301))
    net = FakeNetwork()
    net.dns["internal.test"] = ["192.168.1.1"]
    settings = BASE.with_(allow_hosts="127.0.0.1")
    with pytest.raises(
        BlockedAddress, match=r"internal\.test resolves to 192\.168\.1\.1, a private"
    ):
        run(fetch(server.url("/go"), settings, transport=net.transport(settings)))
    assert net.lookups == ["internal.test"] and net.connects == ["127.0.0.1"]


def test_redirect_to_unparsable_numeric_host(server: LoopbackServer) -> None:
    server.route("/go", **redirect("http://0177.0.0.1/"))  # httpx refuses the leading zero
    with pytest.raises(RedirectError, match="redirect to an invalid URL"):
        run(fetch(server.url("/go"), BASE.with_(allow_hosts=LOOPBACK)))


# -- allow-list ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allow", "url_host", "dns"),
    [
        ("Feeds.Test", "feeds.test", ["127.0.0.1"]),  # by name, case-insensitive
        ("feeds.test.", "FEEDS.test", ["127.0.0.1", "10.9.9.9"]),  # a name passes all addrs
        ("127.0.0.0/8", "feeds.test", ["127.0.0.1"]),  # by CIDR, on the resolved address
        ("127.0.0.1/32", "127.0.0.1", []),  # by CIDR, on a literal
        ("127.0.0.1", "127.0.0.1", []),  # a bare address is a /32
        ("10.0.0.0/8, 127.0.0.0/8", "127.0.0.1", []),  # any listed range
        ("::1, 127.0.0.0/8", "feeds.test", ["::ffff:127.0.0.1"]),  # mapped matches the v4 CIDR
    ],
)
def test_allow_hosts_lets_listed_hosts_through(
    server: LoopbackServer, allow: str, url_host: str, dns: list[str]
) -> None:
    net = FakeNetwork()
    net.dns["feeds.test"] = dns
    net.nat["10.9.9.9"] = (server.host, server.port)
    net.nat[str(ip_address("::ffff:127.0.0.1"))] = (server.host, server.port)
    settings = BASE.with_(allow_hosts=allow)
    url = f"http://{url_host}:{server.port}/feed"
    res = run(fetch(url, settings, transport=net.transport(settings)))
    assert res.status == 200 and res.content == RSS


def test_allow_hosts_is_exact(server: LoopbackServer) -> None:
    net = FakeNetwork()
    net.dns["other.test"] = ["127.0.0.1"]
    net.dns["sub.feeds.test"] = ["127.0.0.1"]
    settings = BASE.with_(allow_hosts="feeds.test,127.0.0.2/32")
    for host in ["other.test", "sub.feeds.test", "127.0.0.1"]:
        with pytest.raises(BlockedAddress):
            url = f"http://{host}:{server.port}/feed"
            run(fetch(url, settings, transport=net.transport(settings)))
    assert net.connects == [] and server.seen() == []


def test_allow_hosts_from_env() -> None:
    env = {"PROGLETON_ALLOW_HOSTS": "feeds.lan, 192.168.1.0/24,::1"}
    settings = Settings.from_env(env, db_url="sqlite://")
    assert settings.allow_hosts == "feeds.lan, 192.168.1.0/24,::1"
    allow = AllowList.parse(settings.allow_hosts)
    assert allow.names == {"feeds.lan"}
    assert [str(n) for n in allow.networks] == ["192.168.1.0/24", "::1/128"]
    guard = AddressGuard(allow)
    guard.vet("nas.lan", [ip_address("192.168.1.20")])
    guard.vet("feeds.lan", [ip_address("10.0.0.1")])
    with pytest.raises(BlockedAddress):
        guard.vet("nas.lan", [ip_address("192.168.2.20")])
    assert Settings().allow_hosts == ""  # the default lets nothing private through


@pytest.mark.parametrize("spec", ["10.0.0.0/33", "feeds lan", "10.0.0.1/8x", "feeds.lan:8080"])
def test_bad_allow_hosts_is_a_config_error(spec: str) -> None:
    with pytest.raises(ConfigError, match="PROGLETON_ALLOW_HOSTS"):
        Fetcher(BASE.with_(allow_hosts=spec))


# -- the rest of the plumbing ----------------------------------------------------------------


def test_default_transport_is_guarded() -> None:
    async def go() -> None:
        async with Fetcher(BASE) as f:
            assert isinstance(f._client._transport, GuardedTransport)

    run(go())


def test_proxy_environment_is_ignored(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP(S)_PROXY must not route around the guard (a proxy would connect for us)."""
    with LoopbackServer("127.0.0.3") as proxy:
        proxy.route("/", handler=lambda req: Route(body=b"from the proxy"))
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.origin)
        res = run(fetch(server.url("/feed"), BASE.with_(allow_hosts="127.0.0.1")))
        assert res.content == RSS and proxy.seen() == []


def test_custom_transport_still_gets_url_checks() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"should not be sent: {request.url}")

    with pytest.raises(BlockedAddress, match=r"192\.168\.0\.1 is a private address"):
        run(fetch("http://192.168.0.1/feed", transport=httpx.MockTransport(handler)))


def test_demo_allows_exactly_its_publishers() -> None:
    from progleton.demo.run import publisher_allow_hosts
    from progleton.demo.server import PublisherServer

    with PublisherServer() as server:
        allow = AllowList.parse(publisher_allow_hosts(server))
        ips = {p.ip for p in server.publishers}
    assert allow.names == frozenset()
    covered = {str(ip) for net in allow.networks for ip in net}
    assert covered == ips


def test_robots_txt_redirecting_to_a_private_address(server: LoopbackServer) -> None:
    """The site is fine but its robots.txt redirects inward: robots.txt counts as unreachable
    (RFC 9309), the redirect target is never contacted."""
    server.route("/robots.txt", **redirect("http://169.254.169.254/latest/meta-data/"))
    net = FakeNetwork()
    settings = BASE.with_(respect_robots=True, allow_hosts="127.0.0.1")
    with pytest.raises(RobotsUnavailable) as info:
        run(fetch(server.url("/feed"), settings, transport=net.transport(settings)))
    assert info.value.reason.startswith("robots.txt of 127.0.0.1 could not be read (refused: ")
    assert "the link-local cloud metadata address" in info.value.reason
    assert net.connects == ["127.0.0.1"] and server.count("/feed") == 0


def test_redirect_refusal_is_typed() -> None:
    assert issubclass(BlockedRedirect, BlockedAddress)


# -- form POSTs (WebSub hubs) get the same guard ---------------------------------------------


def test_post_form_reaches_an_allowed_hub(server: LoopbackServer) -> None:
    server.route("/hub", status=202)

    async def go() -> int:
        async with Fetcher(BASE.with_(allow_hosts=LOOPBACK)) as f:
            return await f.post_form(server.url("/hub"), {"hub.mode": "subscribe", "x": "a b"})

    assert run(go()) == 202
    (req,) = server.seen("/hub")
    assert req.method == "POST" and req.body == b"hub.mode=subscribe&x=a+b"
    assert req.headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("hub", "said"),
    [
        ("http://169.254.169.254/hub", "169.254.169.254 is the link-local cloud metadata"),
        ("http://hub.test/", "hub.test resolves to 10.1.2.3, a private address"),
    ],
)
def test_post_form_to_a_private_hub_is_refused(hub: str, said: str) -> None:
    net = FakeNetwork()
    net.dns["hub.test"] = ["10.1.2.3"]

    async def go() -> int:
        async with Fetcher(BASE, transport=net.transport(BASE)) as f:
            return await f.post_form(hub, {"hub.mode": "subscribe"})

    with pytest.raises(BlockedAddress) as info:
        run(go())
    assert said in info.value.reason and info.value.url == hub
    assert net.connects == []


def test_post_form_does_not_follow_redirects(server: LoopbackServer) -> None:
    server.route("/hub", **redirect("http://10.0.0.1/hub", 307))

    async def go() -> int:
        async with Fetcher(BASE.with_(allow_hosts=LOOPBACK)) as f:
            return await f.post_form(server.url("/hub"), {"a": "b"})

    assert run(go()) == 307
