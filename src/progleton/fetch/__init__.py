"""Polite, bounded async HTTP fetching: `Fetcher` and its refinements of the error tree."""

from progleton.fetch.client import ACCEPT, AcceptKind, Fetcher, UrlCheck, parse_url
from progleton.fetch.errors import RateLimited, RedirectError
from progleton.fetch.robots import RobotsCache

__all__ = [
    "ACCEPT",
    "AcceptKind",
    "Fetcher",
    "RateLimited",
    "RedirectError",
    "RobotsCache",
    "UrlCheck",
    "parse_url",
]
