"""Entities and quotes for texts: the language check, spaCy, then the rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise

from progleton.enrich.entities import canonical_entities
from progleton.enrich.lexicon import cue_nouns, cue_verbs, speech_verbs, words
from progleton.enrich.model import Enrichment, Quote
from progleton.enrich.quotes import QuoteFinder, Relation
from progleton.enrich.speakers import SpeakerResolver

_ENGLISH_WORDS = words(
    """
    the of and to in a is that for on with as was said by it at from he his be are have
    """
)
_WORD = re.compile(r"[a-z]+")
_MIN_ENGLISH_SHARE = 0.12  # English news runs at 0.25-0.35 of these words; others below 0.05


def skip_reason(text: str, language: str | None) -> str | None:
    """Why a text gets no enrichment (only English is modelled), or None to go ahead."""
    if language and not language.lower().startswith("en"):
        return f"language {language}: entities and quotes are extracted from English only"
    words = _WORD.findall(text[:4000].lower())
    if len(words) < 5:
        return "too little text"
    if language is None:
        share = sum(w in _ENGLISH_WORDS for w in words) / len(words)
        if share < _MIN_ENGLISH_SHARE:
            return "language unknown and the text does not read as English"
    return None


def enrich_texts(
    items: Iterable[tuple[str, str | None]], batch_size: int = 32, attitudes: bool = False
) -> Iterator[Enrichment]:
    """One `Enrichment` per (text, language), in order; non-English texts are skipped.

    `attitudes` also reports stance and intention ("X wants ...", "X rejected ..."), as
    attribution corpora count them; quotes proper are speech.
    """
    from progleton.enrich.nlp import analyze

    items = list(items)
    reasons = [skip_reason(text, lang) for text, lang in items]
    verbs = cue_verbs() if attitudes else speech_verbs()
    analyses = analyze(
        (t for (t, _), r in zip(items, reasons, strict=True) if r is None),
        batch_size=batch_size,
        verbs=verbs,
        nouns=cue_nouns(attitudes),  # sentences with "the claim that" need the parser too
    )
    for reason in reasons:
        if reason is not None:
            yield Enrichment(skipped=reason)
            continue
        analysis = next(analyses)
        entities, mentions = canonical_entities(analysis.doc)
        relations = QuoteFinder(analysis, attitudes).relations()
        speakers = SpeakerResolver(analysis.text, entities, mentions).resolve(relations)
        text = analysis.text
        quotes = []
        for rel, speaker in zip(relations, speakers, strict=True):
            cs, ce = rel.content
            quotes.append(
                Quote(
                    kind="direct" if rel.direct else "indirect",
                    content=_said(text, rel, analysis.quotes) if rel.direct else text[cs:ce],
                    content_start=cs,
                    content_end=ce,
                    cue=text[rel.cue[0] : rel.cue[1]] if rel.cue else None,
                    cue_start=rel.cue[0] if rel.cue else None,
                    cue_end=rel.cue[1] if rel.cue else None,
                    source=text[rel.source[0] : rel.source[1]] if rel.source else None,
                    source_start=rel.source[0] if rel.source else None,
                    source_end=rel.source[1] if rel.source else None,
                    speaker=speaker,
                    sentence=" ".join(text[rel.sentence[0] : rel.sentence[1]].split()),
                )
            )
        yield Enrichment(entities=entities, mentions=mentions, quotes=quotes)


def _said(text: str, rel: Relation, quotes: list[tuple[int, int]]) -> str:
    """A direct quote's words: '"A," Okafor said. "B."' reads '"A," "B."' (the attribution
    between the two quotations is shown as the speaker, not as part of what was said)."""
    cs, ce = rel.content
    if rel.cue is None or not cs <= rel.cue[0] < ce:
        return text[cs:ce]
    pieces = [(max(a, cs), min(b, ce)) for a, b in quotes if a < ce and b > cs]
    if not pieces:
        return text[cs:ce]
    out = text[pieces[0][0] : pieces[0][1]]
    for (_, end), (start, stop) in pairwise(pieces):
        out += ("\n\n" if "\n" in text[end:start] else " ") + text[start:stop]
    return out


def enrich_text(text: str, language: str | None = None) -> Enrichment:
    """Entities and quotes of one text."""
    return next(enrich_texts([(text, language)]))
