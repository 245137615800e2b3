"""Polite, bounded, SSRF-guarded async HTTP fetching: `Fetcher` and its refinements of the
error tree."""

from progleton.fetch.client import ACCEPT, AcceptKind, Fetcher, UrlCheck, parse_url
from progleton.fetch.errors import BlockedRedirect, RateLimited, RedirectError
from progleton.fetch.guard import LOOPBACK_HOSTS, AddressGuard, AllowList
from progleton.fetch.network import GuardedBackend, GuardedTransport, Resolver
from progleton.fetch.robots import RobotsCache

__all__ = [
    "ACCEPT",
    "LOOPBACK_HOSTS",
    "AcceptKind",
    "AddressGuard",
    "AllowList",
    "BlockedRedirect",
    "Fetcher",
    "GuardedBackend",
    "GuardedTransport",
    "RateLimited",
    "RedirectError",
    "Resolver",
    "RobotsCache",
    "UrlCheck",
    "parse_url",
]
