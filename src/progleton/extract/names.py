"""Tidy people's and publishers' names as pages state them (bylines, meta tags, JSON-LD)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SPLIT = re.compile(r"\s*(?:;|\||,|\band\b|&|\bund\b|\bet\b|\by\b)\s*")
_LEAD = re.compile(
    r"^(?:(?:analysis|opinion|commentary|story|text|words|photos?|reporting|written)\s+)?"
    r"(?:by|von|par|por|di|текст)[:\s]+",
    re.IGNORECASE,
)
# Bylines often run into the dateline: "Jeff Foust Monday, November 18".
_DATE_TAIL = re.compile(
    r"(?:^|\s+)(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|updated|published)"
    r"\b.*$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d|^by$|\.(?:com|org|net|co)\b", re.IGNORECASE)
# Job titles and credentials: "AP National Political Writer", "Staff writer", "RDN".
_ROLE = re.compile(
    r"\b(?:writer|editor|editor-at-large|correspondent|reporter|columnist|contributor|producer|"
    r"analyst|staff|desk|team|bureau|chief|senior|photographer|contributing)\b",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")


def key(text: str) -> str:
    """Comparison key: lower case, letters and digits (any script) and dots only."""
    return re.sub(r"[^\w.]|_", "", text.lower().removeprefix("www."))


def clean_authors(raw: list[str], site: str | None = None) -> list[str]:
    """Split, tidy and de-duplicate author strings; drop URLs, roles, dates and the site."""
    out: list[str] = []
    seen: set[str] = set()
    site_key = key(site or "")
    for value in raw:
        for part in _SPLIT.split(_LEAD.sub("", value.strip())):
            name = _DATE_TAIL.sub("", " ".join(part.strip(" .,-–—").split()))
            name = _LEAD.sub("", name).strip(" .,-")
            if (
                not name
                or _NOT_A_NAME.search(name)
                or len(name.split()) > 5
                or _ROLE.search(name)
                or _CREDENTIAL.match(name)
                or (site_key and key(name) == site_key)
            ):
                continue
            if name.isupper() and len(name) > 4:
                name = name.title()  # "LISA MASCARO" -> "Lisa Mascaro"
            if name.lower() not in seen:
                seen.add(name.lower())
                out.append(name)
    return out


def clean_publisher(raw: str | None) -> str | None:
    """A site name fit to show: not a URL, a handle or a copyright line."""
    if not raw:
        return None
    name = " ".join(raw.split()).strip(" |-–—")
    if name.lower().startswith(("http://", "https://")):
        name = (urlsplit(name).hostname or "").removeprefix("www.")
    name = name.removeprefix("@")
    if not name or re.search(r"©|\bcopyright\b|\ball rights reserved\b", name, re.IGNORECASE):
        return None
    return name
