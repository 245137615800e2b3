"""Which IP addresses are public, and how a host name can spell an IP address.

Only globally routable unicast addresses are public. Everything else (loopback, private,
link-local, carrier-grade NAT, multicast, reserved, documentation, ...) is refused unless the
user allows it. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64,
6to4, Teredo) are judged by the IPv4 address inside, because that is where packets end up.

Tables follow the IANA IPv4 and IPv6 Special-Purpose Address Registries; the first matching
row wins, so specific rows come before the ranges that contain them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address

PRIVATE = "a private address"
LOOPBACK = "a loopback address"
LINK_LOCAL = "a link-local address"
MULTICAST = "a multicast address"
RESERVED = "a reserved address"
UNSPECIFIED = "the unspecified address"
DOCUMENTATION = "a documentation address"
BENCHMARKING = "a benchmarking address"


def _table(rows: list[tuple[str, str]]) -> tuple[tuple[IPv4Network | IPv6Network, str], ...]:
    return tuple((ip_network(net), kind) for net, kind in rows)


_IPV4 = _table(
    [
        ("0.0.0.0/32", UNSPECIFIED),
        ("0.0.0.0/8", "a 'this network' address"),
        ("10.0.0.0/8", PRIVATE),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("127.0.0.0/8", LOOPBACK),
        ("169.254.169.254/32", "the link-local cloud metadata address"),
        ("169.254.0.0/16", LINK_LOCAL),
        ("172.16.0.0/12", PRIVATE),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", DOCUMENTATION),
        ("192.88.99.0/24", "a 6to4 relay address"),
        ("192.168.0.0/16", PRIVATE),
        ("198.18.0.0/15", BENCHMARKING),
        ("198.51.100.0/24", DOCUMENTATION),
        ("203.0.113.0/24", DOCUMENTATION),
        ("224.0.0.0/4", MULTICAST),
        ("255.255.255.255/32", "the broadcast address"),
        ("240.0.0.0/4", RESERVED),
    ]
)

_IPV6 = _table(
    [
        ("::/128", UNSPECIFIED),
        ("::1/128", LOOPBACK),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
        ("100::/64", "a discard-only address"),
        ("2001:2::/48", BENCHMARKING),
        ("2001:db8::/32", DOCUMENTATION),
        ("2001::/23", "an IETF protocol address"),
        ("3fff::/20", DOCUMENTATION),
        ("5f00::/16", "an SRv6 segment address"),
        ("fc00::/7", "a unique local (private) address"),
        ("fe80::/10", LINK_LOCAL),
        ("fec0::/10", "a site-local (private) address"),
        ("ff00::/8", MULTICAST),
    ]
)

# IPv6 prefixes that carry an IPv4 address in their last 32 bits.
_IPV4_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_GLOBAL_UNICAST = IPv6Network("2000::/3")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an address may not be contacted."""

    address: IPAddress
    kind: str  # e.g. "a private address"
    inner: Refusal | None = None  # for IPv6 forms carrying an IPv4 address: the IPv4 verdict
    wrapper: str | None = None  # e.g. "an IPv4-mapped IPv6 address"

    def what(self) -> str:
        """E.g. "a private address", or for an IPv6 wrapper "an IPv4-mapped IPv6 address of
        10.0.0.5, a private address"."""
        if self.inner is not None and self.wrapper is not None:
            return f"{self.wrapper} of {self.inner.describe()}"
        return self.kind

    def describe(self) -> str:
        """The address and what it is: "10.0.0.5, a private address"."""
        return f"{self.address}, {self.what()}"


def _lookup(ip: IPAddress) -> str | None:
    table = _IPV4 if ip.version == 4 else _IPV6
    for net, kind in table:
        if ip in net:
            return kind
    return None


def _embedded(ip: IPv6Address) -> list[tuple[str, IPv4Address]]:
    """IPv4 addresses an IPv6 address delivers to, with the name of the form."""
    if ip.ipv4_mapped is not None:
        return [("an IPv4-mapped IPv6 address", ip.ipv4_mapped)]
    if ip in _NAT64:
        return [("a NAT64 address", IPv4Address(int(ip) & 0xFFFFFFFF))]
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return [("an IPv4-compatible IPv6 address", IPv4Address(int(ip) & 0xFFFFFFFF))]
    if ip.sixtofour is not None:
        return [("a 6to4 address", ip.sixtofour)]
    if ip.teredo is not None:
        server, client = ip.teredo
        return [("a Teredo address", client), ("a Teredo address", server)]
    return []


def classify(ip: IPAddress) -> Refusal | None:
    """None if `ip` is a public unicast address; otherwise why it is not."""
    if isinstance(ip, IPv6Address):
        if ip.scope_id:  # fe80::1%eth0: the zone does not change what the address is
            ip = IPv6Address(str(ip).split("%")[0])
        forms = _embedded(ip)
        if forms:
            for wrapper, inner_ip in forms:
                inner = classify(inner_ip)
                if inner is not None:
                    return Refusal(ip, inner.kind, inner, wrapper)
            if ip in _IPV4_COMPATIBLE:
                # Deprecated (RFC 4291) and never routed, even around a public IPv4 address.
                return Refusal(ip, "a deprecated IPv4-compatible address")
            return None  # a public IPv4 address behind a working transition prefix
    kind = _lookup(ip)
    if kind is not None:
        return Refusal(ip, kind)
    if isinstance(ip, IPv6Address) and ip not in _GLOBAL_UNICAST:
        return Refusal(ip, RESERVED)
    if not ip.is_global:  # anything IANA lists that the tables above do not name
        return Refusal(ip, "a non-public address")
    return None


# -- host names that are IP addresses --------------------------------------------------------

_DECIMAL = re.compile(r"[0-9]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL = re.compile(r"0[0-7]+")


class NotAnAddress(ValueError):
    """A host that looks numeric (so resolvers treat it as an address) but is not valid."""


def _ends_in_a_number(labels: list[str]) -> bool:
    last = labels[-1]
    return bool(_DECIMAL.fullmatch(last) or _HEX.fullmatch(last))


def _ipv4_part(part: str) -> int:
    if _HEX.fullmatch(part):
        return int(part[2:] or "0", 16)
    if _OCTAL.fullmatch(part):
        return int(part, 8)
    if _DECIMAL.fullmatch(part) and (part == "0" or not part.startswith("0")):
        return int(part)
    raise NotAnAddress(part)


def parse_ipv4_spelling(host: str) -> IPv4Address | None:
    """The IPv4 address a host name spells, in any form inet_aton and browsers accept.

    "2130706433", "0x7f.1", "0177.0.0.1", "127.1" and "127.0.0.1." all mean 127.0.0.1.
    Returns None for a real name; raises NotAnAddress for a numeric host that is invalid
    (e.g. "1.2.3.4.5" or "08.0.0.1"), which is refused rather than looked up.
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # one trailing dot is the DNS root
    if not _ends_in_a_number(labels):
        return None
    if len(labels) > 4 or "" in labels:
        raise NotAnAddress(host)
    try:
        parts = [_ipv4_part(label) for label in labels]
    except NotAnAddress:
        raise NotAnAddress(host) from None
    *head, last = parts
    if any(p > 255 for p in head) or last >= 256 ** (4 - len(head)):
        raise NotAnAddress(host)
    value = last
    for i, p in enumerate(head):
        value += p << (8 * (3 - i))
    return IPv4Address(value)


def parse_host_address(host: str) -> IPAddress | None:
    """The IP address a URL host names literally (any IPv4 spelling, bracketed IPv6, zone IDs),
    or None if it is a name that needs DNS. Raises NotAnAddress for numeric nonsense."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return IPv6Address(text.replace("%25", "%"))
        except ValueError:
            raise NotAnAddress(host) from None
    return parse_ipv4_spelling(text)
