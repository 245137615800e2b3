"""Front-page filters (language, source, topic): parsing the query parameters and the choices
shown.

The filter form is a plain GET form, so it works without JavaScript; its "All" options send
empty values, which mean "no filter" rather than a validation error.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import HTTPException, Query

from progleton.extract.topics import MAX_TOPIC_LENGTH, topic_key
from progleton.store import Store
from progleton.store.listing import FilterChoice

# A primary language subtag, optionally with a region: "en", "pt-br". Longer tags are not
# useful as a filter and are refused rather than passed to the database.
_LANG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
CHOICES_TTL = 60.0  # seconds: the lists of languages, sources and topics change slowly
TOPIC_CHOICES = 40  # the most common topics offered in the form

LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str) -> str:
    """'en' -> 'English'; unknown codes are shown as they are."""
    return LANGUAGE_NAMES.get(code.split("-", 1)[0], code)


@dataclass(frozen=True, slots=True)
class Filters:
    """What a listing is restricted to; empty means everything."""

    source_id: int | None = None
    language: str | None = None
    topic: str | None = None  # a topic key (`extract.topics.topic_key`)

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return self.source_id is not None or self.language is not None or self.topic is not None

    def params(self) -> dict[str, str | int | None]:
        """The filters as query parameters, for links that keep them."""
        return {"lang": self.language, "source": self.source_id, "topic": self.topic}


def parse_topic(topic: str | None) -> str | None:
    """A topic filter's key; None for no filter; 400 for what cannot be a topic."""
    if topic is None or not topic.strip():
        return None
    key = topic_key(topic)
    if len(key) > MAX_TOPIC_LENGTH or not key.isprintable():
        raise HTTPException(
            400, f"The topic filter must be a topic name of at most {MAX_TOPIC_LENGTH} characters."
        )
    return key


def parse_filters(source: str | None, lang: str | None, topic: str | None = None) -> Filters:
    """Filters from raw query parameters; 400 for values that cannot be a filter."""
    source_id: int | None = None
    if source is not None and source.strip():
        raw = source.strip()
        if not raw.isdigit() or not 0 < int(raw) < 2**31:
            raise HTTPException(400, "The source filter must be a source id (a number).")
        source_id = int(raw)
    language: str | None = None
    if lang is not None and lang.strip():
        language = lang.strip().lower()
        if not _LANG.match(language):
            raise HTTPException(400, "The language filter must be a code such as en or pt-BR.")
    return Filters(source_id, language, parse_topic(topic))


SourceParam = Annotated[
    str | None, Query(max_length=12, description="Only stories with an article from this source.")
]
LangParam = Annotated[
    str | None, Query(max_length=16, description="Only stories with an article in this language.")
]
TopicParam = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Only stories with an article labelled with this topic (any letter case).",
    ),
]


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filter form offers."""

    languages: list[FilterChoice]
    sources: list[FilterChoice]
    topics: list[FilterChoice]


class ChoicesCache:
    """The filter form's choices, recomputed at most every `CHOICES_TTL` seconds.

    Counting languages, sources and topics takes a query per list; the front page must stay
    cheap.
    """

    def __init__(self, ttl: float = CHOICES_TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._cached: tuple[float, FilterChoices] | None = None

    def get(self, store: Store, candidates: int) -> FilterChoices:
        """The current choices (cached)."""
        cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        with self._lock:  # one request recomputes; the others wait and reuse it
            cached = self._cached
            if cached is not None and time.monotonic() - cached[0] < self.ttl:
                return cached[1]
            languages = [
                FilterChoice(c.value, language_name(c.value), c.count)
                for c in store.language_choices(candidates)
            ]
            topics = store.topic_choices(candidates, TOPIC_CHOICES)
            choices = FilterChoices(languages, store.source_choices(), topics)
            self._cached = (time.monotonic(), choices)
            return choices
