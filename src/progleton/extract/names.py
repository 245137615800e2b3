"""Tidy people's and publishers' names as pages state them (bylines, meta tags, JSON-LD).

Bylines are full of things that are not people: the publisher, news agencies, desks ("Staff
Reports"), the parent company (meta author "Condé Nast" on every page of a magazine), URLs, and
phrases a byline parser caught in prose ("The Russian, Syrian defense ministries"). An author is
kept only when it reads like a person's name; an organisation is never listed as an author, even
when it is the only byline (no author beats a wrong one).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from progleton.extract import lexicon_meta as lm

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
# "Finian Cunningham. Sputnik International": a full stop after a word (not an initial) ends the
# name and starts the affiliation.
_AFFILIATION_STOP = re.compile(r"(?<=[^\W\d_]{2})\.\s+")
# A name token: "Jane", "O'Connor", "Gilbody-Dickerson", "E.", "J".
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]*)*\.?$")
# Scripts without letter case (Han, kana, Hangul, Thai...): capitalisation says nothing there.
_UNCASED = re.compile(r"^[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+$")


def key(text: str) -> str:
    """Comparison key: lower case, letters and digits (any script) and dots only."""
    return re.sub(r"[^\w.]|_", "", text.lower().removeprefix("www."))


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+", text.lower().replace("_", " ")) if t]


def is_person_name(name: str) -> bool:
    """2-4 capitalised words (plus particles such as "van", "de"), none an organisation word.

    Names in uncased scripts ("김철수", "山田太郎") pass on length alone.
    """
    tokens = name.split()
    if not tokens or len(tokens) > 6:
        return False
    if all(_UNCASED.match(t) for t in tokens):
        return 2 <= len(name.replace(" ", "")) <= 12 and len(tokens) <= 4
    if tokens[0].lower() in lm.NAME_ARTICLES:
        return False  # "The Russian", "The Western Journal"
    # Particles count as such in lower case only: "Al Root" and "Van Buren" are names.
    core = [t for t in tokens if t not in lm.NAME_PARTICLES]
    if not 2 <= len(core) <= 4:
        return False
    for token in core:
        if not _NAME_TOKEN.match(token) or not token[0].isupper():
            return False
    return not any(t in lm.ORG_WORDS for t in _tokens(name))


def _cut_affiliation(name: str) -> str:
    """Drop an organisation glued to a name: "JILL LAWLESS Associated Press" -> "JILL LAWLESS"."""
    name = _AFFILIATION_STOP.split(name, maxsplit=1)[0]
    name = lm.AGENCY_SUFFIX.sub("", name).strip(" ,.-–—")
    tokens = name.split()
    # AP style: the name in capitals, then the agency in title case.
    upper = [t.isupper() and len(t) > 1 for t in tokens]
    if len(tokens) > 2 and upper[0] and upper[1] and not all(upper):
        name = " ".join(tokens[: upper.index(False)])
    return name


class OrgNames:
    """Organisation names a byline must not be: the site, JSON-LD organisations, agencies."""

    def __init__(self, names: Iterable[str | None] = ()) -> None:
        self.keys: set[str] = set(lm.NEWS_ORGS)
        self.token_sets: list[frozenset[str]] = []
        for name in names:
            self.add(name)

    def add(self, name: str | None) -> None:
        if not name:
            return
        k = key(name).removeprefix("the")
        if k:
            self.keys.add(k)
            self.keys.add(k.split(".")[0])  # "washingtontimes.com" -> "washingtontimes"
        tokens = frozenset(_tokens(name)) - lm.NAME_ARTICLES
        if tokens:
            self.token_sets.append(tokens)

    def matches(self, name: str) -> bool:
        """True when `name` is one of the organisations or a desk of one ("CNN Business")."""
        k = key(name).removeprefix("the")
        if k in self.keys:
            return True
        tokens = frozenset(_tokens(name)) - lm.NAME_ARTICLES
        if not tokens:
            return False
        for org in self.token_sets:
            # "Sky" within "Sky News"; "Business Insider" within "Business Insider Deutschland";
            # "Telegraph Sport" = "Telegraph" plus a section word.
            if tokens <= org or (org <= tokens and tokens - org <= lm.ORG_WORDS):
                return True
        first = next(iter(_tokens(name)), "")
        return first in self.keys and len(tokens) <= 3 and bool(tokens & lm.ORG_WORDS)


def clean_authors(
    raw: Iterable[str], site: str | None = None, orgs: Iterable[str] = ()
) -> list[str]:
    """Split, tidy and de-duplicate author strings; keep only what reads as a person's name.

    `site` and `orgs` (JSON-LD organisations) are never authors, nor desk variants of them.
    """
    known = OrgNames([site, *orgs])
    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for part in _SPLIT.split(_LEAD.sub("", value.strip())):
            name = _DATE_TAIL.sub("", " ".join(part.strip(" .,-–—").split()))
            name = _cut_affiliation(_LEAD.sub("", name).strip(" .,-"))
            if (
                not name
                or _NOT_A_NAME.search(name)
                or _ROLE.search(name)
                or _CREDENTIAL.match(name)
                or known.matches(name)
            ):
                continue
            if name.isupper() and len(name) > 4:
                name = name.title()  # "LISA MASCARO" -> "Lisa Mascaro"
            if not is_person_name(name):
                continue
            if name.lower() not in seen:
                seen.add(name.lower())
                out.append(name)
    return out


def clean_publisher(raw: str | None) -> str | None:
    """A site name fit to show: not a URL, an IP address, a handle or a copyright line.

    Taglines go: "The Jerusalem Post | JPost.com" -> "The Jerusalem Post".
    """
    if not raw:
        return None
    name = " ".join(raw.split()).strip(" |-–—")
    if name.lower().startswith(("http://", "https://")):
        return host_name(name)
    if re.fullmatch(r"[\w.-]+(?::\d+)?", name) and ("." in name or ":" in name):
        if not host_name(name):
            return None  # "127.0.0.12:8800": a mirror's address, not a name
        name = re.sub(r"^www\.", "", name, flags=re.IGNORECASE)  # keep "SpaceNews.com" as is
    name = name.removeprefix("@")
    if not name or re.search(r"©|\bcopyright\b|\ball rights reserved\b", name, re.IGNORECASE):
        return None
    return _drop_tagline(name)


def _drop_tagline(name: str) -> str:
    parts = [p for p in lm.PUBLISHER_SEPARATORS.split(name) if p.strip()]
    if len(parts) < 2:
        return name
    if key(parts[0]) in lm.GENERIC_PAGE_NAMES:  # "Home | The Daily Example"
        parts = parts[1:]
        if len(parts) == 1:
            return parts[0]
    first, rest = parts[0], parts[1:]
    k_first, k_rest = key(first), key(rest[0])
    tagline = (
        len(rest) >= 2  # "Autoracing | F1 | Indy | MotoGP"
        or bool(re.search(r"\.[a-z]{2,}$", rest[0], re.IGNORECASE))  # "... | JPost.com"
        or len(rest[0].split()) >= 2  # "LinkNaija | Nigeria's popular news platform"
        or (len(k_rest) > 3 and (k_rest.split(".")[0] in k_first or k_first in k_rest))
    )
    return first if tagline and len(k_first) >= 2 else name


def host_name(url: str | None) -> str | None:
    """A URL's host as a site name ("https://www.entermedia.co.kr/x" -> "entermedia.co.kr").

    None for IP literals, localhost and single-label hosts: a mirror's address says nothing
    about who published the page.
    """
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host or host.endswith((".localhost", ".local", ".internal")):
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    return host.removeprefix("www.")
