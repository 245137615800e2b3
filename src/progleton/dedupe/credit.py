"""Who really published a copy: wire credits and "originally published by" lines.

A syndicated copy usually says where it came from, in a dateline credit ("WASHINGTON (AP) —",
"LONDON (Reuters) -"), a byline ("By Jane Doe, Associated Press"), a closing line ("- Reuters",
"This article is republished from The Conversation", "Copyright 2024 The Associated Press")
or a cross-site canonical link. The copy is folded under the earliest version Progleton saw;
the credit names the original publisher even when Progleton never saw the original itself.

Credits sit in set places: the first line or two and the last few lines, in set forms. A
wire named anywhere else ("Reuters reported last week that ...", "told The Associated
Press") is a source the story cites, not its origin, so every pattern here is anchored to
the start or end of a line at the edges of the body.
"""

from __future__ import annotations

import re

from courlan import extract_domain

from progleton.extract.names import host_name

#: Wire services and syndicators: how credits spell them, and the name to report.
_WIRES: tuple[tuple[str, str], ...] = (
    (r"(?:The )?Associated Press|AP", "Associated Press"),
    (r"Reuters|Thomson Reuters", "Reuters"),
    (r"Agence France[- ]Presse|AFP", "AFP"),
    (r"Deutsche Presse-Agentur|dpa|DPA", "dpa"),
    (r"Bloomberg(?: News)?", "Bloomberg"),
    (r"PA Media|PA|Press Association", "PA Media"),
    (r"United Press International|UPI", "UPI"),
    (r"Xinhua(?: News Agency)?", "Xinhua"),
    (r"(?:The )?Canadian Press|CP", "The Canadian Press"),
    (r"ANSA", "ANSA"),
    (r"EFE", "EFE"),
    (r"(?:The )?Conversation", "The Conversation"),
    (r"CNN Wire", "CNN"),
    (r"Kaiser Health News|KFF Health News", "KFF Health News"),
    (r"ProPublica", "ProPublica"),
)
_WIRE_ALT = "|".join(f"(?:{p})" for p, _ in _WIRES)
_WIRE_EXACT = tuple((re.compile(rf"(?:{p})\Z"), name) for p, name in _WIRES)
_DASH = r"[—–―-]{1,2}|:"

# In the first lines: a dateline credit, "By ..., Associated Press", or the wire alone.
_HEAD = (
    # "WASHINGTON (AP) —", "(Reuters) -", "PARIS, June 3 (AFP) -": the credit in brackets
    # within a dateline of at most a few capitalised words, then a dash.
    re.compile(
        rf"\A[^\n()]{{0,60}}?\((?P<wire>{_WIRE_ALT})\)\s*(?:{_DASH})",
    ),
    re.compile(rf"\ABy [^\n]{{1,80}}?(?:,|\||\bof\b)\s*(?P<wire>{_WIRE_ALT})\s*\Z"),
    re.compile(rf"\A(?P<wire>{_WIRE_ALT})\s*\Z"),
)
# In the last lines.
_TAIL = (
    re.compile(rf"(?:\A|[.!?\"”’)]\s*)(?:{_DASH})\s*(?P<wire>{_WIRE_ALT})\s*\.?\s*\Z"),
    re.compile(
        rf"\A(?:©|\(c\)|Copyright)\s*(?:©\s*)?(?:\d{{4}}\s*)?(?P<wire>{_WIRE_ALT})\b",
        re.IGNORECASE,
    ),
    re.compile(r"\A\(?Reporting by [^\n]{3,200}?(?:Editing|Writing|Additional reporting)\b"),
)
_REUTERS_STYLE = 2  # index of the "(Reporting by ...; Editing by ...)" pattern
_NAME = r"(?:the )?(?P<name>[A-Z][\w&.'’-]*(?: (?:[A-Z][\w&.'’-]*|of|and|&)){0,5})"
_ORIGINALLY = re.compile(
    r"(?i:(?:(?:This|The|A version of this) (?:article|story|piece|report|post) "
    r"(?:was |is |has been )?)?(?:(?:originally|first) )?"
    r"(?:published|appeared|ran|republished|reprinted)(?: originally)? "
    r"(?:by|on|in|at|from|with permission (?:from|of)) )" + _NAME
)
_LINE_SPLIT = re.compile(r"\s*\n\s*")
_HEAD_LINES = 2
_TAIL_LINES = 3
_LINE_CHARS = 300


def _lines(text: str) -> list[str]:
    return [line for line in _LINE_SPLIT.split(text.strip()) if line]


def _wire_name(raw: str) -> str:
    raw = raw.strip()
    for pattern, name in _WIRE_EXACT:
        if pattern.match(raw):
            return name
    return raw


def _originally(line: str) -> str | None:
    found = _ORIGINALLY.match(line)
    if not found:
        return None
    name = found.group("name").strip(" .,")
    # The name ends before what usually follows it: "under a Creative Commons license".
    name = re.split(r" (?:under|on|and is|with)\b", name, maxsplit=1)[0].strip(" .,")
    return _wire_name(name.removeprefix("The ").removeprefix("the ")) if name else None


def wire_credit(text: str) -> str | None:
    """The publisher a body credits as its origin, if its first or last lines say so."""
    lines = _lines(text or "")
    if not lines:
        return None
    for line in lines[-_TAIL_LINES:][::-1]:
        line = line[-_LINE_CHARS:] if len(line) > _LINE_CHARS else line
        named = _originally(line)
        if named:
            return named
        for i, pattern in enumerate(_TAIL):
            found = pattern.search(line)
            if found:
                return "Reuters" if i == _REUTERS_STYLE else _wire_name(found.group("wire"))
    for line in lines[:_HEAD_LINES]:
        line = line[:_LINE_CHARS]
        named = _originally(line)
        if named:
            return named
        for pattern in _HEAD:
            found = pattern.search(line)
            if found:
                return _wire_name(found.group("wire"))
    return None


def _site(url: str) -> str | None:
    if not host_name(url):
        return None
    domain: str | None = extract_domain(url)
    return domain.lower() if domain else None


def canonical_credit(url: str, canonical_url: str | None) -> str | None:
    """The site a canonical link credits, when it is another site's (not a subdomain's)."""
    if not canonical_url:
        return None
    own, other = _site(url), _site(canonical_url)
    if other and own and other != own:
        return host_name(canonical_url)
    return None
