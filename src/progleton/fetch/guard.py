"""SSRF guard: Progleton contacts public addresses only, unless the user allows a host.

Two checks use the same rules:

- `AddressGuard.check_url` vets the URL itself before anything is sent (every redirect hop,
  robots.txt too): IP literals in any spelling, and `localhost` names.
- `AddressGuard.vet` vets every address a host name resolved to, at connect time. The guarded
  network backend (`progleton.fetch.network`) calls it and then connects to the very address it
  vetted, so DNS rebinding (a public answer when checked, a private one when connecting)
  cannot slip through.

`Settings.allow_hosts` (PROGLETON_ALLOW_HOSTS) lists exceptions: host names, matched exactly
and case-insensitively, and CIDRs, matched against resolved addresses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_network

import httpx

from progleton.errors import BlockedAddress, ConfigError, FetchError
from progleton.fetch.addresses import IPAddress, NotAnAddress, classify, parse_host_address

#: The loopback ranges, for tests and local tools that crawl servers on this machine.
LOOPBACK_HOSTS = "127.0.0.0/8,::1"

_HINT = "set PROGLETON_ALLOW_HOSTS to allow it"


def _normalise_name(host: str) -> str:
    return host.strip().lower().rstrip(".")


def _is_localhost(name: str) -> bool:
    # RFC 6761: "localhost" and every name under it resolve to loopback, whatever DNS says.
    return name == "localhost" or name.endswith(".localhost")


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts the user lets through although their addresses are not public."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPv4Network | IPv6Network, ...] = ()

    @classmethod
    def parse(cls, spec: str) -> AllowList:
        """`"feeds.lan, 10.0.0.0/8, ::1"` -> AllowList. Raises ConfigError on a bad entry."""
        names: set[str] = set()
        networks: list[IPv4Network | IPv6Network] = []
        for raw in spec.split(","):
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            # "/" or ":" here is a malformed CIDR or a host with a port; neither would match.
            if any(c in "/:" or c.isspace() for c in entry):
                raise ConfigError(
                    f"PROGLETON_ALLOW_HOSTS: {entry!r} is neither a host name nor a CIDR"
                )
            names.add(_normalise_name(entry))
        return cls(frozenset(names), tuple(networks))

    def allows_name(self, host: str) -> bool:
        """True if `host` is listed by name."""
        return _normalise_name(host) in self.names

    def allows_address(self, ip: IPAddress) -> bool:
        """True if `ip` is in a listed network (an IPv4-mapped address counts as its IPv4)."""
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, IPv6Address):
            if ip.scope_id:
                ip = IPv6Address(str(ip).split("%")[0])
                candidates.append(ip)
            if ip.ipv4_mapped is not None:
                candidates.append(ip.ipv4_mapped)
        return any(
            c in net for c in candidates for net in self.networks if c.version == net.version
        )


class AddressGuard:
    """Refuses non-public destinations (with `BlockedAddress`) unless allowed."""

    def __init__(self, allow: AllowList | None = None) -> None:
        self.allow = allow if allow is not None else AllowList()

    @classmethod
    def from_spec(cls, allow_hosts: str) -> AddressGuard:
        """A guard for `Settings.allow_hosts`."""
        return cls(AllowList.parse(allow_hosts))

    def check_host(self, host: str, url: str | None = None) -> None:
        """Vet what the host part of a URL says by itself, before any DNS lookup."""
        if self.allow.allows_name(host):
            return
        try:
            ip = parse_host_address(host)
        except NotAnAddress:
            raise FetchError(
                f"invalid host {host!r}: it looks like an IP address but is not one", url
            ) from None
        if ip is not None:
            self._vet_address(host, ip, url)
        elif _is_localhost(_normalise_name(host)):
            raise BlockedAddress(f"refused: {host} is this machine ({_HINT})", url)

    def check_url(self, url: httpx.URL) -> None:
        """`check_host` for a URL."""
        self.check_host(url.host, str(url))

    def vet(self, host: str, addresses: Iterable[IPAddress], url: str | None = None) -> None:
        """Vet every address `host` resolved to. One refused address refuses the host: a
        public site has no reason to point inward, and skipping bad answers would let an
        attacker mix them in to probe which private addresses accept connections."""
        if self.allow.allows_name(host):
            return
        for ip in addresses:
            self._vet_address(host, ip, url)

    def _vet_address(self, host: str, ip: IPAddress, url: str | None) -> None:
        if self.allow.allows_address(ip):
            return
        refusal = classify(ip)
        if refusal is None:
            return
        name = host.strip("[]")
        try:
            literal = parse_host_address(name)
        except NotAnAddress:
            literal = None
        if literal is None:
            said = f"{name} resolves to {refusal.describe()}"
        elif literal.version == 6 or name == str(literal):
            said = f"{name} is {refusal.what()}"
        else:  # 2130706433, 0x7f.1, 127.1: say which address the odd spelling means
            said = f"{name} means {refusal.describe()}"
        raise BlockedAddress(f"refused: {said} ({_HINT})", url)
