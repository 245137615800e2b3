"""Article topics: the publisher's own categories and sections, cleaned into filterable labels.

Topics come from a feed entry's categories (RSS `<category>`, Atom `<category term/label>`,
JSON Feed `tags`) and from the article page's `article:section` / `article:tag` meta tags.
They are stated by publishers, so they are as untrusted and as messy as any other field:

* whitespace is collapsed, control characters dropped, surrounding quotes and `#` removed;
* empty values, values over `MAX_TOPIC_LENGTH` characters, values without a letter or digit
  ("---") or with only digits (category ids), and URLs are dropped;
* labels that say where or how a piece is published rather than what it is about ("News",
  "Latest news", "Uncategorized", "Video", "Opinion") are dropped (`GENERIC_TOPICS`);
* one topic is kept per `topic_key` (NFKC, case-folded), in its first spelling;
* at most `MAX_TOPICS` per article, in the order given (the most trusted source first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from progleton.extract.lexicon_meta import SECTION_LABELS

MAX_TOPICS = 8
MAX_TOPIC_LENGTH = 60

# The section labels (extract.lexicon_meta.SECTION_LABELS) that name a subject or a place a
# reader filters by: kept as topics. Every other section label there is generic.
SUBJECT_SECTIONS = frozenset(
    """
    local news|world news|uk news|us news|national news|auto news|business news|tech news|
    sports news|entertainment news|sport|sports|football|politics|business|money|markets|
    economy|world|uk|us|entertainment|culture|arts|music|film|movies|tv|television|books|
    lifestyle|style|fashion|travel|food|health|science|technology|tech|education|environment|
    weather|obituaries|us politics|uk politics
    """.replace("\n", "")
    .replace("    ", "")
    .split("|")
)
# Placement, format and filler labels: never a topic (keys, i.e. case-folded).
GENERIC_TOPICS = (SECTION_LABELS - SUBJECT_SECTIONS) | frozenset(
    {
        "all", "article", "articles", "categories", "category", "default", "featured",
        "front page", "frontpage", "keywords", "section", "tag", "tags", "topic", "topics",
        "headlines", "main", "misc", "miscellaneous", "more", "none", "null", "other",
        "post", "posts", "rss", "stories", "story", "top", "top story", "uncategorised",
        "undefined", "unknown", "untagged", "updates",
    }
)  # fmt: skip

_WS = re.compile(r"\s+")
_URLISH = re.compile(r"^(?:www\.|(?:mailto|javascript|data|tel|urn|tag):)", re.IGNORECASE)
_EDGE = "\"'“”‘’«»#"


def clean_topic(raw: object) -> str | None:
    """A publisher's category as a display label, or None when it is not a usable topic."""
    if not isinstance(raw, str) or len(raw) > 4 * MAX_TOPIC_LENGTH:  # not worth reading
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    text = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip().strip(_EDGE).strip()
    if not text or len(text) > MAX_TOPIC_LENGTH:
        return None
    if not any(ch.isalnum() for ch in text) or text.replace(" ", "").isdigit():
        return None
    if _URLISH.match(text) or "://" in text:
        return None
    if topic_key(text) in GENERIC_TOPICS:
        return None
    return text


def topic_key(label: str) -> str:
    """What two spellings of one topic share: "Climate  change" and "climate change"."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", label)).strip().casefold()


def normalize_topics(values: Iterable[object], limit: int = MAX_TOPICS) -> list[str]:
    """Distinct usable topics of `values` (first spelling kept), at most `limit`."""
    out: dict[str, str] = {}
    for raw in values:
        label = clean_topic(raw)
        if label is None:
            continue
        out.setdefault(topic_key(label), label)
        if len(out) >= limit:
            break
    return list(out.values())
