"""Plain-text dumps of aggregator pages -> Article.

A dump is what a careless aggregator shows as "the article": a headline, a line with an age
("7 hours ago"), the story, then whatever the publisher's page had around it (an appeal, its
buttons, "Read Entire Article", the aggregator's footer). We find the headline and the date in the
head, learn the publisher's name from how the page talks about it, and keep the story paragraphs.
"""

from __future__ import annotations

import re
from datetime import datetime

from progleton.errors import ExtractionError
from progleton.extract import boilerplate as bp
from progleton.extract import lexicon as lx
from progleton.extract.dates import as_utc, find_date, plausible_date
from progleton.extract.language import guess_language
from progleton.extract.names import clean_authors
from progleton.models import Article

# A proper name: capitalised words, with the small connecting words names contain.
_NAME = (
    r"(?P<name>(?:[Tt]he\s+)?[A-Z0-9][\w&'’.-]*"
    r"(?:\s+(?:(?:of|for|and|&|de|la|le|du|der|on|the|am|al)\s+)?[A-Z0-9][\w&'’.-]*){0,5})"
)
# Ways a page names its publisher, with how much each one is worth. The first four are page
# structure and count anywhere; the rest ("support X", "X journalists") only inside an appeal,
# because news is full of people supporting other people.
_STRUCTURAL_CUES = 4
_PUBLISHER_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (
            r"(?i:^(?:an? )?(?:(?:important|personal|special|quick) )?(?:message|note|word|letter)"
            r" from )" + _NAME + r"\s*[:.!]?$",
            3.0,
        ),
        (r"(?i:\b(?:originally|first) (?:published|appeared) (?:by|in|on|at) )" + _NAME, 4.0),
        (r"(?i:^(?:source|via)\s*:?\s+)" + _NAME, 3.0),
        (
            r"(?i:\b(?:continue reading|read (?:the )?(?:full|entire|original|whole) "
            r"(?:article|story)) (?:at|on) )" + _NAME,
            3.0,
        ),
        (r"(?i:\bsupport(?:ing)? )" + _NAME, 2.0),
        (r"(?i:\b(?:donate|give|contribute) to )" + _NAME, 2.0),
        (r"(?i:\b(?:member|subscriber|supporter|reader)s? of )" + _NAME, 1.5),
        (r"(?i:\bjournalists (?:of|at|from) )" + _NAME, 2.0),
        (_NAME + r"(?i:\s+(?:journalists|reporters|newsroom|members|subscribers)\b)", 1.5),
        (r"(?i:\bsubscribe to )" + _NAME, 1.5),
    )
)
# Words that make a capitalised phrase a slogan ("Support Independent Journalism"), not a name.
_GENERIC = frozenset(
    {
        "the", "a", "an", "us", "our", "independent", "journalism", "journalists", "news",
        "today", "local", "quality", "free", "press", "now", "this", "it", "you", "your", "we",
        "all", "more", "public", "interest", "reporting", "media",
    }
)  # fmt: skip
_BYLINE = re.compile(
    r"^(?i:by|written by|words by)\s+(?P<names>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*)\s*(?:[,|·•–—-].*)?$"
)
_DATE_CUE = re.compile(r"\b(?:published|updated|posted)\b", re.IGNORECASE)
# "Originally published by X": attribution the aggregator adds; the publisher field carries it.
_ATTRIBUTION = re.compile(
    r"^(?:this (?:article|story|post) )?(?:was )?(?:originally|first) (?:published|appeared)"
    r" (?:by|in|on|at) .{2,60}$",
    re.IGNORECASE,
)


def extract_text_dump(text: str, now: datetime, url: str | None = None) -> Article:
    """Clean a plain-text dump of an aggregator page into an Article.

    `now` anchors relative ages ("7 hours ago"). Raises ExtractionError when no story is left.
    """
    now = as_utc(now)
    units = split_units(text)
    publisher = discover_publisher([u.text for u in units])
    title_at = _find_title(units, skip=publisher)
    if title_at is None:
        raise ExtractionError("text dump has no headline-like first line")
    title = units[title_at].text.strip()
    rest = units[title_at + 1 :]

    published: datetime | None = None
    authors: list[str] = []
    body: list[bp.Block] = []
    head = True
    for unit in rest:
        line = unit.text.strip()
        if head:
            byline = _BYLINE.match(line)
            if byline and bp.word_count(line) <= 12:
                authors.extend(clean_authors([byline.group("names")]))
                continue
            if published is None and (bp.is_meta_line(line) or _dated_line(line)):
                published = find_date(line, now)
                if published or bp.is_meta_line(line):
                    continue
            if bp.is_prose(unit):
                head = False
        body.append(unit)
    if published is None:
        published = _any_dated_line(rest, now)

    body = [u for u in body if not _ATTRIBUTION.match(u.text.strip())]
    paragraphs = [b.text for b in bp.filter_blocks(body, title=title)]
    if not paragraphs:
        raise ExtractionError("no article paragraphs left in the text dump")
    return Article(
        url=url or "",
        title=title,
        paragraphs=paragraphs,
        authors=_dedupe(authors),
        published=plausible_date(published, now),
        language=guess_language(" ".join(paragraphs)),
        publisher=publisher,
    )


def split_units(text: str) -> list[bp.Block]:
    """Lines of a dump as blocks; hard-wrapped prose lines are joined back into paragraphs."""
    units: list[bp.Block] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [" ".join(ln.split()) for ln in chunk.split("\n") if ln.strip()]
        current = ""
        for line in lines:
            if current and _wrapped(current, line):
                current = f"{current} {line}"
                continue
            if current:
                units.append(bp.Block(current))
            current = line
        if current:
            units.append(bp.Block(current))
    return units


def _wrapped(previous: str, line: str) -> bool:
    # A long line that stops mid-sentence continues on the next one.
    if bp.ends_sentence(previous) or len(previous) < 40:
        return False
    return line[:1].islower() or len(previous) >= 60


def _find_title(units: list[bp.Block], skip: str | None) -> int | None:
    """The headline: the first line that is not furniture, a byline or the site's name."""
    for i, unit in enumerate(units[:6]):
        line = unit.text.strip()
        if bp.line_reason(unit) or _BYLINE.match(line):
            continue
        if skip and line.lower().removeprefix("the ") == skip.lower().removeprefix("the "):
            continue
        n = bp.word_count(line)
        if 2 <= n <= 30 and (not line.endswith(".") or n <= 20):
            return i
        return None
    return None


def _dated_line(line: str) -> bool:
    return bp.word_count(line) <= 12 and bool(_DATE_CUE.search(line))


def _any_dated_line(units: list[bp.Block], now: datetime) -> datetime | None:
    for unit in units:
        line = unit.text.strip()
        if bp.is_meta_line(line) or _dated_line(line):
            found = find_date(line, now)
            if found:
                return found
    return None


def discover_publisher(lines: list[str]) -> str | None:
    """The publisher's name as the page itself states it ("A Message from X:", "Support X")."""
    votes: dict[str, float] = {}
    display: dict[str, str] = {}
    for line in lines:
        text = line.strip()
        in_appeal = bp.appeal_score(text) >= bp.WEAK or bp.is_cta_label(text)
        for n, (pattern, weight) in enumerate(_PUBLISHER_CUES):
            if n >= _STRUCTURAL_CUES and not in_appeal:
                continue
            for match in pattern.finditer(text):
                name = _clean_name(match.group("name"))
                if not name:
                    continue
                key = name.lower().removeprefix("the ")
                votes[key] = votes.get(key, 0.0) + weight
                display.setdefault(key, name)
    if not votes:
        return None
    corpus = "\n".join(lines).lower()
    for key in votes:
        votes[key] += 0.5 * min(corpus.count(key), 6)
    key, score = max(votes.items(), key=lambda kv: kv[1])
    if score < 2.5:  # one weak cue ("subscribe to X") is not enough to name a publisher
        return None
    return display[key]


def _clean_name(raw: str) -> str | None:
    name = re.sub(r"(?:['’]s)?[\s.,:;!?'’-]+$", "", raw.strip())
    toks = name.split()
    # Drop a trailing lower-case connector the regex allowed ("Friends of").
    while toks and toks[-1].lower() in {"of", "for", "and", "&", "de", "la", "the", "on"}:
        toks.pop()
    if not toks or all(t.lower().strip(".,'’") in _GENERIC for t in toks) or len(toks) > 6:
        return None
    name = " ".join(toks)
    if name.lower().startswith("the "):
        name = "The " + name[4:]
    if lx.UI_LABELS.intersection({name.lower()}):
        return None
    return name


def _dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out
