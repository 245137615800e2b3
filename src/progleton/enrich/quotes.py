"""Who said what: attribution relations (source, cue, content) found by rules over parses.

Direct quotes are found in the text by pairing quotation marks (a paragraph left open by a
quote that the next paragraph re-opens continues it, the convention for multi-paragraph
quotes). Cues come from the dependency parse of the sentences worth parsing:
- a reporting verb with a subject and a clausal complement ("X said that ..."), or next to a
  quotation ("'...,' X said", "X said: '...'"), or closing a sentence ("..., X said.");
- a participle or second verb sharing its subject ("..., adding that ...");
- "according to X".
The source is the subject as written ("he", "the Kremlin spokesman"); `speakers` resolves it
to a named entity of the article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from progleton.enrich.lexicon import (
    FIRST_PERSON_PRONOUNS,
    NOUN_PREPS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    SAY_FORMS,
    cue_nouns,
    cue_verbs,
    phrasal_cues,
    speech_verbs,
    words,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from progleton.enrich.nlp import Analysis, Sentence

_OPENERS = frozenset("“")
_CLOSERS = frozenset("”")
_STRAIGHT = '"'
_PUNCT_ONLY = re.compile(r"^[\s,.;:!?—–-]*$")
# Between a quotation and "X said" after it: punctuation on the same line ("?" and "!"
# inside the quotation end the sentencizer's sentence, so the quotation may sit in the one
# before).
_SAME_LINE_PUNCT = re.compile(r"^[ \t,.;:!?—–-]*$")

_LEAD_JUNK = re.compile(r"^[\s,;:—–-]+")
_TAIL_JUNK = re.compile(r"[\s,;:—–-]+$")
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "oprd", "dobj", "parataxis"})
# Participles that follow "he's" as "he has" rather than "he is" ("he's said", not "he's
# seen as").
_HAS_DONE = words(
    """
    said told wanted written argued claimed insisted promised suggested stated noted vowed
    warned predicted acknowledged admitted conceded repeated hinted complained pledged boasted
    bragged tweeted
    """
)
# "as X put it" / "as X puts it": an attribution without a reporting verb.
_PUT = frozenset({"put", "puts"})
# What the parser makes of the speaker in '"...?" asked the boy'.
_INVERTED_SPEAKER = frozenset({"dobj", "nsubj", "attr", "npadvmod", "dative", "oprd"})
_INHERITING = frozenset({"advcl", "conj", "xcomp", "relcl", "pcomp", "prep", "acomp"})
# Verbs whose plain object is not what was said ("told reporters", "asked him", "knows it").
_NO_OBJECT_CUES = words(
    """
    tell tells told telling ask asks asked asking inform informs informed know knows knew
    known find finds found feel feels felt expect expects expected
    continue continued continues write wrote writes written call calls called calling
    think thinks thought remind reminded read reads hail hails hailed hailing email emails
    emailed emailing quote quotes quoted quoting congratulate congratulates congratulated
    congratulating lecture lectures lectured lecturing maintain maintains maintained
    maintaining add adds added
    """
)
_MIN_QUOTE_WORDS = 4
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
# A name with its title after an inverted cue ("said retired neurosurgeon Ben Carson").
_NAME_TAGS = frozenset({"NNP", "NNPS", "NN", "NNS", "JJ", "DT", "HYPH", "CD"})
_NOUNS_OF = words("criticism criticisms praise accusation accusations allegation allegations")
# Verbs a speech noun turns into a cue ("made the claim that", "voiced support for").
_LIGHT_VERBS = words(
    """
    make makes made making express expresses expressed expressing voice voices voiced voicing
    issue issues issued issuing offer offers offered offering give gives gave given giving
    deliver delivers delivered delivering raise raises raised raising repeat repeats repeated
    repeating reiterate reiterates reiterated reiterating renew renews renewed renewing lodge
    lodged level leveled levelled share shares shared sharing have has had having
    """
)
# Objects of "commented on", "responded to" that are a time or a request, not a topic.
_NOT_CONTENT = words(
    """
    monday tuesday wednesday thursday friday saturday sunday today tonight yesterday morning
    afternoon evening night weekend week month year time occasion behalf condition request
    requests inquiry inquiries queries call calls email emails message messages comment
    comments media twitter facebook instagram tiktok youtube x social platform website
    """
)
# "hard to say", "challenging to answer": the subject is what is said, not who says it.
_TOUGH = words(
    "hard harder difficult easy easier tough tougher challenging impossible tricky simple "
    "awkward painful"
)
_MAKE = words("make makes made making")
_GOING = words("went goes go")
_HITTING = words("shot shoots shooting fired fires firing hit hits hitting")
_ADDING = words("add adds added maintain maintains maintained")
_DEMONSTRATIVES = words("that this these those")
_TITLES_BEFORE_NAME = re.compile(r"[\s,]*(?:[a-zA-Z.-]+(?:,|\s+and)?\s+){0,6}")
_OWN_ATTRIBUTION = re.compile(
    r"[ \t]*(?:he|she|they|I|we|[A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){0,2})[ \t]+[a-z]+ed\b"
)
_CLOSING_AFTER = re.compile(r"[.,!?]?[\"”]")
_AND_VERB = re.compile(r"[,”\"\s]+and\s+([a-z]+)")
# Words opening a clause of time or reason ('... says as a photo is shown'): not what was said.
_SUBORDINATORS = words("as when while because after before if since until once")
# Nouns for a person's role ("editor", "spokeswoman", "strategist", "aide").
_ROLE = re.compile(
    r"(?:er|or|ist|man|woman|person|ent|ant|ian|ee)$|^(?:official|aide|chief|head|candidate"
    r"|rival|critic|host|anchor|chair|counsel|envoy|secretary|deputy|attorney|judge|staff)$"
)
# "blasted X for ...", "accused X of ...", "likened X to ...", "described X as ...": the
# object and what it is blamed for or likened to are what was said.
_OBJECT_PREPS = {
    "for": words(
        """
        blast blasts blasted blasting criticize criticizes criticized criticizing criticise
        criticises criticised criticising praise praises praised praising thank thanks thanked
        thanking attack attacks attacked attacking fault faults faulted faulting blame blames
        blamed blaming slam slams slammed slamming laud lauds lauded lauding commend commends
        commended commending chide chides chided chiding scold scolds scolded scolding rebuke
        rebukes rebuked rebuking credit credits credited crediting applaud applauds applauded
        applauding berate berates berated berating knock knocks knocked knocking hit hits
        hitting ding dings dinged dinging lambast lambasts lambasted lambasting mock mocks
        mocked mocking ridicule ridicules ridiculed ridiculing chastise chastises chastised
        chastising condemn condemns condemned condemning
        """
    ),
    "of": words("accuse accuses accused accusing"),
    "to": words("liken likens likened likening compare compares compared comparing"),
    "as": words(
        """
        describe describes described describing brand brands branded branding admire admires
        admired admiring portray portrays portrayed portraying
        """
    ),
}
# Verbs whose addressee is followed by what they were told to do ("told them to leave"),
# not "called the hospital to let them know", "found no witnesses to corroborate".
_TELLING = words(
    """
    tell tells told telling ask asks asked asking remind reminds reminded reminding urge urges
    urged urging warn warns warned warning order orders ordered ordering instruct instructs
    instructed instructing implore implores implored imploring
    """
)
_PROMISING = words(
    "promise promises promised vow vows vowed pledge pledges pledged threaten threatens threatened"
)
_TIME_NOUNS = words(
    """
    day days time times moment night week weeks year years month months morning evening hour
    hours date decade decades
    """
)
_REFUSING = words("decline declines declined declining refuse refuses refused refusing")
# "TAPPER:", "Marco Rubio:", "Q:": a speaker's label opening a paragraph.
_LABEL = re.compile(r"([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}):[ \t]+(?=\S)")
_NOT_LABELS = words(
    """
    update note photo photos related watch video source sources correction advertisement share
    tags posted listen also warning breaking exclusive opinion analysis editorial review
    read editor's caption credit image images graphic chart map subscribe sign follow click
    email contact updated published claim fact check note notes verdict summary disclaimer
    """
)
_NOT_SPEAKER_ENTITIES = frozenset({"GPE", "LOC", "DATE", "TIME", "FAC", "CARDINAL"})
# What follows "X tweeted:" on a page that is not the tweet.
_PAGE_CHROME = re.compile(
    r"pic\.twitter\.com|^(?:follow us|sign up|subscribe|click|read more|share this)", re.I
)
# "Indianapolis – Several thousand teachers": a place and a spaced dash opening the copy.
_DASH_DATELINE = re.compile(r"[A-Z][a-z]+(?:,?\s[A-Z][a-z.]+){0,2}\s[–—]\s")
_EMPTY_CONTENT = words("what which that this it so something anything nothing everything")
_BEFORE_PREP = frozenset({"advmod", "prt", "npadvmod", "dobj", "dative"})
_NEGATION = frozenset({"n’t", "n't", "not"})
_NOT_WORDS = frozenset({"not", "n't", "n’t", "never", "no"})
_ONLY = words("just merely only simply")
_LIST_LINES = 3  # labelled paragraphs in a row from which a run is a list or a transcript
_SPOKEN = re.compile(r"\b(?:I|I['’]m|we|We|you|You|my|My|our|Our)\b|\?")
_THIN_WORDS = 3  # an indirect quote this short without a verb says nothing by itself
# ... unless the verb takes a stand on it: "denied the allegations", "called it a sham".
_STANCE_ON_OBJECT = words(
    """
    deny denies denied denying acknowledge acknowledges acknowledged acknowledging admit
    admits admitted admitting claim claims claimed claiming confirm confirms confirmed
    confirming reject rejects rejected rejecting dismiss dismisses dismissed dismissing call
    calls called calling warn warns warned warning announce announces announced announcing
    promise promises promised promising pledge pledges pledged pledging propose proposes
    proposed proposing predict predicts predicted predicting
    """
)
# Between an expletive "it" and its verb: "It's worth noting", "it is perhaps cruel ... to note".
_EXPLETIVE = re.compile(
    r"(?:['’]s|\s+(?:is|was|would\s+be|will\s+be|seems))\s+(?:[\w,-]+\s+){0,4}?"
    r"(?:worth|fair|important|interesting|safe|hard|true|clear|notable|cruel|accurate|right"
    r"|wrong|possible|impossible|difficult|easy|tempting|striking|telling|reasonable|unfair"
    r"|instructive|noteworthy|worthwhile|necessary|crucial|essential|useful|helpful|obvious"
    r"|ironic|sad|funny|odd|strange|surprising|remarkable|unusual|premature|early"
    r"|exaggeration|understatement|stretch)"
    r"(?:\s+[\w,-]+){0,4}?\s+(?:to\s+)?$",
    re.IGNORECASE,
)
# Capitalised words between a closing quotation mark and the subject the parser found.
_NAME_GAP = re.compile(r"[ \t,]*((?:[A-Z][\w.'’-]*[ \t]+){1,4})")
# '"...," Tulsa police Chief Chuck Jordan said': a name between the quotation and the verb.
_NAME_BEFORE_VERB = re.compile(r"[ \t,]*([A-Z][\w.'’-]*(?:[ \t]+[\w.'’-]+){0,5})[ \t]+")
# '"...," Gene Sperling, a top outside adviser, said': a name and its description.
_NAME_APPOS_BEFORE_VERB = re.compile(
    r"[ \t,]*([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3},[^,\n\"“”]{3,80}),[ \t]+"
)
# '"..." ― Sonya Herridge': a quotation signed with a dash and a name.
# Spaces here include no-break spaces (some CMSs end every line with one).
_DASH_SIGNED = re.compile(
    r"[^\S\n]*([―—–-])[^\S\n]*((?:[A-Z][\w.'’-]*[^\S\n]*){1,5})\.?[^\S\n]*(?:\n|$)"
)
_SOURCELESS = words(
    """
    seem seems seemed seeming appear appears appeared appearing
    """
)
# "WASHINGTON —", "WASHINGTON (Reuters) —", "FLINT, Mich., Oct. 4 (UPI) —".
_DATELINE = re.compile(
    r"[A-Z][A-Z .,'-]+(?:,\s*[A-Z][A-Za-z.]*)*(?:\s+\d{1,2})?,?\s*(?:\([^)]{1,40}\))?\s*[-–—]+\s*"
)
# "Washington (AFP) –", "PHILADELPHIA, July 25 (UPI) —": a dateline naming a news agency.
# Only news agencies (known ones, or named "... Wire", "... News", "... Press"...): "Gov. Ron
# DeSantis (R) —" and "Nvidia (NVDA) –" are not datelines.
_AGENCIES = (
    "Reuters|AFP|AP|UPI|dpa|DPA|CNN|Bloomberg|Xinhua|TASS|Tass|Interfax|EFE|ANSA|Kyodo|Yonhap"
    "|PTI|IANS|ANI|AAP|CP|Sputnik|RIA Novosti|Anadolu|KCNA|NHK|BNO|Agence France-Presse"
    "|Associated Press|The Associated Press"
)
_AGENCY_DATELINE = re.compile(
    rf"[A-Z][\w .,'-]{{0,40}}\((?:{_AGENCIES}|[A-Z][\w.&' -]{{0,30}}\s(?:Wire|News|Press|Agency"
    rf"|Service|Presse|Newswire))\)[^\S\n]*[-–—]+[^\S\n]*"
)
# Sentence-initial words that are not part of a source: conjunctions, and the cue itself in
# an inverted "Said Ellis: ..." or "Added the mayor, ...".
_LEAD_CONJUNCTION = re.compile(
    r"(?:And|But|So|Yet|Still|Then|Also|Said|Says|Added|Adds)\s+|(?:[Ee]ven|[Jj]ust)\s+"
)  # and focus words: "Even his allies said" is said by his allies
_CLAUSE_IN_SOURCE = re.compile(
    r"\b(?:who|whose|which|that)\s|\b[a-z]{3,}ed(?:\s+by\s[^,]*)?$"
)  # a relative clause, or a participle ("a report released by X last year")
_SUBJECT_TAIL = re.compile(r"\s+both$|,?\s+when\s+(?:asked|pressed|questioned)\b")
_PLACE_ASIDE = re.compile(r",\s+(?:in|at)\s")
# "Trump, speaking at a rally in Ohio,": a participle clause about the speaker's doings is
# not part of the name ("including", "managing director", "ranking member" are).
_PARTICIPLE_ASIDE = re.compile(r",\s+(?:also\s+|still\s+|now\s+)?([a-z]+ing)\b")
_NOT_PARTICIPLES = words(
    """
    including excluding according during managing acting ranking founding outgoing incoming
    sitting presiding governing retiring visiting ruling reigning
    """
)
# "X issued a statement saying ...": X speaks through the statement (forms, not lemmas: the
# pipeline runs without a lemmatiser).
_STATEMENT_NOUNS = words(
    "statement statements release releases communique communiqué communiques note notes post posts"
)
_ISSUING_VERBS = words(
    "issue issues issued issuing release releases released releasing put puts putting post "
    "posts posted posting send sends sent sending publish publishes published publishing"
)
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DAY_WORDS = words(_DAYS.replace("|", " ").lower() + " today yesterday tonight")
_TIME_TAIL = re.compile(
    rf"\s+(?:(?:on|early|late|last|this)\s+)?(?:{_DAYS}|(?:last|this)\s+(?:week|month|year))"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*$"
)  # shorter quoted bits are usually scare quotes or titles, not statements


@dataclass(slots=True)
class Relation:
    """An attribution before speaker resolution (character offsets in the text)."""

    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    content: tuple[int, int]
    direct: bool
    sentence: tuple[int, int]
    # Token of the source head in its sentence doc, for pronoun and relative-clause handling.
    source_head: Token | None = None
    # Set when the relation continues the previous quote without a cue of its own.
    continues: bool = False


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text in double quotation marks, marks included; multi-paragraph quotes joined."""
    # Two apostrophes stand for a double quotation mark in some newsrooms' text (''...''):
    # read the pair as one straight mark (same length, so offsets hold).
    scan = text.replace("''", '"\x01')
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    carried = False  # the open quote comes from an earlier paragraph
    pos = 0
    for line in scan.split("\n"):
        line_start = pos
        pos += len(line) + 1
        stripped = line.lstrip()
        if not stripped:
            continue
        first = line_start + len(line) - len(stripped)
        if open_at is not None and not (carried and stripped[0] in _OPENERS | {_STRAIGHT}):
            open_at = None  # an unclosed quote not re-opened: unbalanced, dropped
        for i, ch in enumerate(line):
            at = line_start + i
            if carried and at == first:
                continue  # the re-opening mark of a continued quote
            # A closing mark opening a paragraph (typed the wrong way round) opens a quote.
            wrong_way = ch in _CLOSERS and open_at is None and at == first
            # '"Apparently not,“ he said': an opening mark after punctuation, before a space,
            # while a quote is open, closes it.
            closing_opener = (
                ch in _OPENERS
                and open_at is not None
                and i > 0
                and line[i - 1] in ",.?!"
                and (i + 1 == len(line) or line[i + 1] in " \t")
            )
            if (
                (ch in _OPENERS and not closing_opener)
                or (ch == _STRAIGHT and open_at is None)
                or wrong_way
            ):
                open_at = at
            elif (
                (ch in _CLOSERS or ch == _STRAIGHT or closing_opener)
                and open_at is not None
                and at != open_at
            ):
                end = at + 2 if text.startswith("''", at) else at + 1
                spans.append((open_at, end))
                open_at = None
        carried = open_at is not None
    return spans


def _chars(doc_offset: int, a: Token, b: Token) -> tuple[int, int]:
    return doc_offset + a.idx, doc_offset + b.idx + len(b.text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    lead = _LEAD_JUNK.match(piece)
    if lead:
        start += lead.end()
    tail = _TAIL_JUNK.search(text[start:end])
    if tail:
        end = start + tail.start()
    return start, max(start, end)


class QuoteFinder:
    """Attribution relations of one analysed text."""

    def __init__(self, analysis: Analysis, attitudes: bool = False) -> None:
        self.text = analysis.text
        self.analysis = analysis
        self.quotes = analysis.quotes
        self.quote_starts = [q[0] for q in self.quotes]
        self.sentence_starts = [sent.start for sent in analysis.sentences]
        # Spans come sorted and disjoint, so their ends are sorted too.
        self.quote_ends = [q[1] for q in self.quotes]
        # Stance and intention cues ("wants", "rejected") only when asked for (the benchmark
        # counts them); quotes need speech.
        self.verbs = cue_verbs() if attitudes else speech_verbs()
        self.nouns = cue_nouns(attitudes)
        self.attitudes = attitudes
        self._people: set[str] | None = None  # people's names and their endings, lower-cased

    def relations(self) -> list[Relation]:
        """Every attribution found, in text order."""
        found: list[Relation] = []
        for sent in self.analysis.sentences:
            if sent.doc is not None:
                found.extend(self._in_sentence(sent))
        found = self._without_nested(found)
        for rel in found:
            rel.content = self._quote_closed(rel.content)
        found.extend(self._labelled_lines(found))
        found.extend(self._dash_signed(found))
        found.extend(self._unattributed_quotes(found))
        if not self.attitudes:
            # Outside a quotation "I" and "we" are the writer or the publication, whose own
            # words are the article, not a quote in it.
            found = [r for r in found if r.source is None or not self._first_person(r.source)]
        found.sort(key=lambda r: r.content[0] if r.cue is None else r.cue[0])
        return found

    def _first_person(self, source: tuple[int, int]) -> bool:
        return self.text[source[0] : source[1]].lower() in FIRST_PERSON_PRONOUNS

    def _quote_closed(self, span: tuple[int, int]) -> tuple[int, int]:
        """'accused him of "fanatic recklessness."': a quotation the content opens but the
        parse left unclosed gets its closing mark (and the stop inside it)."""
        piece = self.text[span[0] : span[1]]
        if piece.count('"') % 2 == 0 and piece.count("“") <= piece.count("”"):
            return span
        m = _CLOSING_AFTER.match(self.text, span[1])
        return (span[0], m.end()) if m else span

    # -- cues in one parsed sentence -------------------------------------------------------
    def _in_sentence(self, sent: Sentence) -> list[Relation]:
        doc = sent.doc
        assert doc is not None
        out: list[Relation] = []
        for tok in doc:
            if self._quoted(sent.start + tok.idx):
                continue  # speech reported inside a quotation belongs to the quoted speaker
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                rel = self._according(sent, doc, tok)
            elif tok.lower_ in self.verbs and (tok.tag_.startswith("VB") or tok.dep_ == "ROOT"):
                rel = self._verb_cue(sent, doc, tok)
            elif tok.lower_ in self.nouns and tok.tag_ in {"NN", "NNS"}:
                rel = self._noun_cue(sent, tok)
            elif tok.lower_ in _PUT and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "it":
                rel = self._as_put_it(sent, doc, tok)
            elif tok.lower_ in _MAKE and any(c.lower_ == "clear" for c in tok.children):
                rel = self._made_clear(sent, tok)
            elif tok.lower_ in _HITTING and any(
                c.dep_ in {"prt", "advmod"} and c.lower_ == "back" and c.i == tok.i + 1
                for c in tok.children
            ):
                # "shot back", "fired back", "hit back"
                rel = _with_particle(self._verb_cue(sent, doc, tok), sent, doc[tok.i + 1])
            elif (
                tok.lower_ in _GOING
                and tok.i + 2 < len(doc)
                and doc[tok.i + 1].lower_ == "on"
                and doc[tok.i + 2].is_punct
            ):
                rel = self._verb_cue(sent, doc, tok)  # '"...," he went on.'
                if (
                    rel is not None
                    and rel.cue is not None
                    and rel.direct
                    and rel.content[0] < sent.end
                    and rel.content[1] > sent.start
                ):  # the quotation in this sentence ("The show went on." is no cue)
                    rel = _with_particle(rel, sent, doc[tok.i + 1])
                else:
                    rel = None
            else:
                continue
            if rel is not None:
                out.append(rel)
        out.extend(self._colon_quotes(sent, doc, out))
        return out

    def _colon_quotes(self, sent: Sentence, doc: Doc, found: list[Relation]) -> list[Relation]:
        """'X was blunter: "..."' and transcripts ('X: "..."'): the colon is the cue."""
        out: list[Relation] = []
        for q in self.quotes:
            if not sent.start <= q[0] < sent.end:
                continue
            before = self.text[sent.start : q[0]].rstrip()
            if not before.endswith(":") or any(r.content[0] <= q[0] < r.content[1] for r in found):
                continue
            colon = sent.start + len(before) - 1
            # The clause the colon closes ("She became so upset that I had to change my
            # answer: ..." is what I said), else the sentence's main verb.
            root = next((t for t in doc if t.dep_ == "ROOT"), None)
            mark = next((t for t in doc if sent.start + t.idx == colon), None)
            last_verb = next(
                (t for t in reversed(doc[: mark.i]) if t.tag_.startswith("VB")), None
            ) if mark is not None else None  # fmt: skip
            subj = _subject(root) if root is not None else None
            # The main verb may be a verb of the quotation ("he gave the Texan a compliment:
            # "You never have to guess ...""): the last verb before the colon then speaks, if
            # its subject is a person ("he", "Perez", "one supporter"; not "Consensus forms
            # around ...:").
            root_after = root is not None and sent.start + root.idx > colon
            if (
                last_verb is not None
                and root is not None
                and (subj is not None or root_after)
                and root.lower_ not in self.verbs  # 'Trump said the plan was simple: "..."'
            ):
                own = _subject(last_verb)
                if (
                    own is not None
                    and own.dep_ == "nsubj"
                    and (
                        own.tag_ in {"PRP", "NNP", "NNPS"}
                        or (not root_after and own.tag_ in {"NN", "NNS"})
                        or _ROLE.search(own.lower_.removesuffix("s")) is not None
                    )
                    and last_verb.dep_ not in {"relcl", "acl"}
                    and not any(c.tag_ in {"WRB", "WP", "WDT"} for c in last_verb.children)
                    and not self._quoted(sent.start + last_verb.idx)
                ):
                    root, subj = last_verb, own
            if root is not None and root.idx + sent.start < colon and subj is not None:
                source = _source_span(
                    self.text, *_chars(sent.start, subj.left_edge, subj.right_edge)
                )
            else:
                # A transcript line: everything before the colon is the speaker.
                if len(before.split()) > 6 or not before[:1].isupper():
                    continue
                source = _source_span(self.text, sent.start, colon)
                subj = None
            if source[1] <= source[0] or source[1] > colon:
                continue
            out.append(Relation((colon, colon + 1), source, q, True, (sent.start, sent.end), subj))
        return out

    def _noun_cue(self, sent: Sentence, noun: Token) -> Relation | None:
        """'Trump's claim that ...', 'her criticism of the plan', 'made the claim that'."""
        base = sent.start
        content: tuple[int, int] | None = None
        cue_end = noun
        for c in noun.children:
            if (
                c.i > noun.i
                and c.dep_ in {"acl", "ccomp"}
                and any(
                    m.dep_ == "mark" and m.lower_ == "that" and m.i == c.left_edge.i
                    for m in c.children
                )
            ):
                content = _chars(base, c.left_edge, c.right_edge)
                break
            if (
                c.i == noun.i + 1
                and c.dep_ == "prep"
                and (c.lower_ in NOUN_PREPS or (c.lower_ == "of" and noun.lower_ in _NOUNS_OF))
            ):
                obj = next((o for o in c.children if o.dep_ in {"pobj", "pcomp"}), None)
                if obj is not None:
                    content = _chars(base, obj.left_edge, obj.right_edge)
                    cue_end = c  # "criticism of"
                    break
        if content is None:
            return None
        content = _trim(self.text, *content)
        if content[1] <= content[0]:
            return None
        holder = self._noun_holder(noun)
        if holder is None:
            return None  # "the idea that ...": whose idea is not said, or not this way
        span = _source_span(self.text, *_chars(base, *holder))
        source = span if span[1] > span[0] else None
        # "made the argument that": the cue as readers see it starts at the verb.
        light = noun.dep_ == "dobj" and noun.head.lower_ in _LIGHT_VERBS and noun.head.i < noun.i
        cue = _chars(base, noun.head if light and not _has_poss(noun) else noun, cue_end)
        return Relation(cue, source, content, self._is_direct(content), (sent.start, sent.end),
                        holder[0])  # fmt: skip

    def _noun_holder(self, noun: Token) -> tuple[Token, Token] | None:
        """Who made the claim: a possessive, the subject of "made the claim", or "by X"."""
        for c in noun.children:
            if c.dep_ == "poss":
                return c.left_edge, c.right_edge
        if noun.dep_ == "dobj" and noun.head.lower_ in _LIGHT_VERBS:
            subj = _subject(noun.head)
            # "It will raise questions about ...": a thing raising them is no speaker.
            if (
                subj is not None
                and subj.i < noun.head.i
                and subj.lower_ not in {"it", "this", "that"}
            ):
                return subj.left_edge, self._before_reporting_clause(subj)
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in {"by", "from"} and c.i > noun.i:
                obj = next((o for o in c.children if o.dep_ == "pobj"), None)
                if obj is not None:
                    return obj.left_edge, obj.right_edge
        return None

    def _as_put_it(self, sent: Sentence, doc: Doc, verb: Token) -> Relation | None:
        """'..., "a lawful source of income," as a Homeland Security memo put it.'"""
        as_tok = next((t for t in verb.children if t.lower_ == "as" and t.i < verb.i), None)
        subj = _subject(verb)
        if as_tok is None or subj is None or not as_tok.i < subj.i < verb.i:
            return None
        base = sent.start
        at = base + as_tok.idx
        source = _source_span(self.text, *_chars(base, subj.left_edge, subj.right_edge))
        cue = (base + verb.idx, base + doc[verb.i + 1].idx + 2)
        before = [q for q in self.quotes if sent.start <= q[0] and q[1] <= at]
        if before and _SAME_LINE_PUNCT.match(self.text[before[-1][1] : at]):
            return Relation(cue, source, before[-1], True, (sent.start, sent.end), subj)
        # 'As Vulture put it, "Hello, it's the Biebs."', 'because, as he puts it, ...': what
        # follows is what was put so, when "as" opens the sentence or a comma aside.
        opening = self.text[sent.start : at].strip(" \t\n~•*-—–")
        if (opening and not opening.endswith(",")) or as_tok.lower_ != "as":
            return None
        lead = re.match(r"\s*[,:]\s*", self.text[cue[1] : sent.end])
        if lead is None:
            return None
        start = cue[1] + lead.end()
        after = bisect.bisect_left(self.quote_starts, start)
        if after < len(self.quotes) and self.quotes[after][0] == start:
            # The quotation is what was put so ('as one banker put it, "a marriage of
            # convenience," will close in March').
            return Relation(cue, source, self.quotes[after], True, (sent.start, sent.end), subj)
        content = _trim(self.text, start, sent.end)
        if len(self.text[content[0] : content[1]].split()) < _MIN_QUOTE_WORDS:
            return None
        return Relation(cue, source, content, self._is_direct(content), (sent.start, sent.end),
                        subj)  # fmt: skip

    def _made_clear(self, sent: Sentence, verb: Token) -> Relation | None:
        """'Trump made it clear that he would not back down', 'She made clear the plan ...'."""
        clear = next(c for c in verb.children if c.lower_ == "clear")
        subj = _subject(verb)
        if subj is None or subj.i > verb.i or clear.i > verb.i + 2:
            return None
        clause = next(
            (c for t in (verb, clear) for c in t.children
             if c.dep_ in {"ccomp", "advcl"} and c.i > clear.i and _has_subject(c)),
            None,
        )  # fmt: skip
        if clause is None:
            # "made clear his aim to ...": the object after "clear" is what was said.
            clause = next(
                (
                    c
                    for t in (verb, clear)
                    for c in t.children
                    if c.dep_ == "dobj" and c.i > clear.i
                ),
                None,
            )
        if clause is None:
            return None
        base = sent.start
        content = _trim(self.text, *_chars(base, clause.left_edge, clause.right_edge))
        source = _source_span(self.text, *_chars(base, subj.left_edge, subj.right_edge))
        cue = (base + verb.idx, base + clear.idx + len(clear.text))
        return Relation(cue, source, content, self._is_direct(content), (sent.start, sent.end),
                        subj)  # fmt: skip

    def _according(self, sent: Sentence, doc: Doc, tok: Token) -> Relation | None:
        to = doc[tok.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"] or [
            c for c in tok.children if c.dep_ == "pobj"
        ]
        if not objs:
            return None
        obj = objs[0]
        base = sent.start
        source = _trim(self.text, *_chars(base, obj.left_edge, obj.right_edge))
        cue = _chars(base, tok, to)
        # The content is the rest of the sentence, on whichever side of the phrase it is.
        phrase_start, phrase_end = cue[0], source[1]
        before = _trim(self.text, sent.start, phrase_start)
        after = _trim(self.text, phrase_end, sent.end)
        content = before if before[1] - before[0] >= after[1] - after[0] else after
        if content[1] <= content[0]:
            return None
        return Relation(cue, source, content, self._is_direct(content), (sent.start, sent.end),
                        obj)  # fmt: skip

    def _verb_cue(self, sent: Sentence, doc: Doc, verb: Token) -> Relation | None:
        base = sent.start
        if (
            verb.lower_ in _ADDING
            and any(c.dep_ == "dobj" for c in verb.children)
            and not any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
            and not self._quoted_just_before(base + verb.idx)
        ):
            return None  # "added three assists", "maintained a lead": not speech
        if verb.dep_ == "xcomp" and (
            verb.head.lower_ in _TOUGH
            or any(c.dep_ == "acomp" and c.lower_ in _TOUGH for c in verb.head.children)
        ):
            return None  # "The questions were hard to answer", "It is hard to say whether"
        main_noun = _main_verb_read_as_modifier(verb)
        main_acl = main_noun is not None
        subj = main_noun if main_acl else _subject(verb, lambda t: self._quoted(base + t.idx))
        replaced = (
            subj is not None and not main_acl and subj.i < verb.i and self._quoted(base + subj.idx)
        )
        if replaced:
            assert subj is not None
            subj = self._unquoted_subject(base, subj, verb)
        if subj is None:
            if self.attitudes and _agentless_passive(verb):
                return self._agentless(sent, doc, verb)
            return self._named_before(sent, verb) or self._name_just_before(sent, doc, verb)
        if main_acl or (verb.dep_ == "acl" and verb.head.i == subj.i):
            assert subj is not None
            end = subj.right_edge if subj.right_edge.i < verb.i else doc[verb.i - 1]
        else:
            # Relative clauses stay ('said X, who ...'), unless they report something
            # themselves ('X, who said ...', an attribution of its own).
            end = self._before_reporting_clause(subj)
            # "said Army Capt. Christian Pardo": the tokenizer split "Capt." and the parser
            # made two subjects of one name; they run on, so they are one source.
            for other in verb.children:
                if other.dep_ == "nsubj" and other.left_edge.i == end.i + 1:
                    end = self._before_reporting_clause(other)
                    subj = other
        first = subj.left_edge
        for other in verb.children:
            # "Navy Capt. | Tomas Berg said": the title the parser split off runs on too.
            title = (
                other.dep_ == "npadvmod" and other.text.endswith(".") and other.i < subj.i
            )  # not "Last Wednesday | Red Bull's parent company said"
            if (other.dep_ == "nsubj" or title) and other.right_edge.i + 1 == first.i:
                first = other.left_edge
        source: tuple[int, int] | None = _source_span(self.text, *_chars(base, first, end))
        cue = _chars(base, verb, verb)
        assert source is not None
        # '"...," Johnson, 54, told': the parser may hang the closing mark on the subject.
        closing = bisect.bisect_left(self.quote_ends, source[0] + 1)
        if closing < len(self.quotes) and self.quote_ends[closing] == source[0] + 1:
            source = _trim(self.text, source[0] + 1, source[1])
        if subj.head.i == verb.i and subj.i < verb.i:
            source = self._after_quote(source)
            source = self._quotation_left_out(source, base + subj.idx)
        source = self._after_dateline(sent, doc, subj, source)
        prep = self._content_preposition(base, verb)
        content = self._content(sent, doc, verb, subj, source, cue, prep, own=replaced)
        if main_acl:  # the parse of the rest is as unreliable: all of it is what was said,
            # up to a second cue of the same speaker ('called Trump a "blowhard," and said ...')
            stop = sent.end
            for m in _AND_VERB.finditer(self.text, cue[1], sent.end):
                if m.group(1).lower() in self.verbs:
                    stop = m.start()
                    break
            content = _trim(self.text, cue[1], stop)
        if content is None or content[1] <= content[0]:
            return None
        if not self.attitudes and self.text[content[0] : content[1]].lower() in _EMPTY_CONTENT:
            return None  # "what he said", "he said it": nothing a reader can use
        if prep is not None and prep[0] == content:
            cue = (cue[0], prep[1])  # "called for", "spoke about": the cue as readers see it
        # '"...," And Tom Berg added': the conjunction the name was extended over goes.
        lead = _LEAD_CONJUNCTION.match(self.text, source[0], source[1])
        if lead:
            source = (lead.end(), source[1])
        if not self.attitudes and verb.dep_ == "xcomp" and verb.head.lower_ in _REFUSING:
            return None  # "declined to comment on the lawsuit" says nothing
        if not self.attitudes and _negated(verb, lambda t: self._quoted(base + t.idx)):
            return None  # "he doesn't say he's leaving", "has yet to say": nothing was said
        if self.text[source[0] : source[1]].lower() == "it" and _EXPLETIVE.match(
            self.text, source[1], cue[0]
        ):
            return None  # "It's worth noting", "It is fair to say": the writer's aside
        agentless = not main_acl and _agentless_passive(verb)
        if agentless and not self.attitudes:
            # What readers see is who said what: "Asked whether ..." is the question put to
            # the speaker of the next cue, not a quotation of its own.
            return None
        if (
            self.text[source[0] : source[1]].lower() in _DEMONSTRATIVES
            and verb.dep_ != "relcl"
            and verb.lower_ not in _SOURCELESS
        ):
            return None  # "That said", "This shows": a thing referred back to says nothing
        if verb.lower_ in _SOURCELESS or agentless:
            # "X seems to ...": an impression; "Asked whether ...", "X is expected to ...":
            # the one asking or expecting is not named.
            source = None
        direct = self._is_direct(content)
        if (
            not self.attitudes
            and not direct
            and verb.lower_ not in _STANCE_ON_OBJECT
            and self._thin(doc, base, content)
        ):
            return None  # "denounced his former aide", "signaled a pivot": no statement
        return Relation(cue, source, content, direct, (sent.start, sent.end), subj)

    def _thin(self, doc: Doc, base: int, content: tuple[int, int]) -> bool:
        """A few words without a verb: what was talked about, not what was said ("said yes"
        is an answer)."""
        inside = [t for t in doc if content[0] <= base + t.idx < content[1] and not t.is_punct]
        if content[1] > base + doc[-1].idx + len(doc[-1]) or (
            len(inside) == 1 and inside[0].lower_ in {"yes", "no"}
        ):
            return False  # what follows the sentence ("X tweeted:" and the next paragraph)
        return len(inside) <= _THIN_WORDS and not any(
            t.tag_.startswith("VB") or t.tag_ == "MD" for t in inside
        )

    def _unquoted_subject(self, base: int, subj: Token, verb: Token) -> Token | None:
        """'"Very good reporter, this guy," Trump, the front-runner, said': the parser took a
        word of the quotation as the subject and hung the name from it; the name speaks."""
        for tok in subj.subtree:
            if (
                tok.i < verb.i
                and tok.dep_ in {"appos", "conj"}
                and tok.tag_ in {"NNP", "NNPS", "NN", "NNS"}
                and not self._quoted(base + tok.idx)
            ):
                return tok
        return None

    def _agentless(self, sent: Sentence, doc: Doc, verb: Token) -> Relation | None:
        """'X is expected to win', 'a year expected to bring ...': a stance with no one named
        holding it (benchmark mode only: readers are shown who said what)."""
        comp = next(
            (
                c
                for c in verb.children
                if c.dep_ in {"xcomp", "ccomp", "oprd"}
                or (c.dep_ == "prep" and c.lower_ in {"as", "for"})
            ),
            None,
        )  # fmt: skip  ("is seen as", "is known for")
        if comp is None or comp.i < verb.i:
            return None
        held = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        first = held.left_edge if held is not None and held.i < verb.i else comp.left_edge
        content = _trim(self.text, *_chars(sent.start, first, comp.right_edge))
        if content[1] <= content[0]:
            return None
        cue = _chars(sent.start, verb, verb)
        return Relation(cue, None, content, self._is_direct(content), (sent.start, sent.end))

    def _content(
        self,
        sent: Sentence,
        doc: Doc,
        verb: Token,
        subj: Token,
        source: tuple[int, int],
        cue: tuple[int, int],
        prep: tuple[tuple[int, int], int] | None,
        own: bool = False,
    ) -> tuple[int, int] | None:
        """What the cue reports; `prep` is `_content_preposition`'s answer for the verb;
        `own` says the subject is the verb's though the parser hung it elsewhere."""
        base = sent.start
        own = own or subj.head.i == verb.i  # the verb's own subject, not one inherited
        # 1. A quotation right before "X said" (ending in this sentence).
        left = min(source[0], cue[0]) if own else cue[0]
        right = max(source[1], cue[1]) if own else cue[1]
        if own:
            # '... the race "is a dead heat right now," as Cruz said on the radio, ...': the
            # quotation before the aside is what was said.
            as_mark = next(
                (c for c in verb.children
                 if c.dep_ == "mark" and c.lower_ == "as" and c.i == subj.left_edge.i - 1),
                None,
            )  # fmt: skip
            if as_mark is not None:
                left = min(left, base + as_mark.idx)
            # Quotations ending before `left` with only punctuation up to it: the last ones
            # (a gap holding anything else holds it for every earlier quotation too).
            end = bisect.bisect_right(self.quote_ends, left)
            first = end
            while first > 0 and _SAME_LINE_PUNCT.match(self.text[self.quotes[first - 1][1] : left]):
                first -= 1
            clause_after = any(
                c.dep_ == "ccomp"
                and c.i > verb.i
                and any(s.dep_ in _SUBJECTS and not self._quoted(base + s.idx) for s in c.children)
                and not any(t.lower_ in _SUBORDINATORS for t in doc[verb.i + 1 : c.left_edge.i + 1])
                for c in verb.children
            )  # 'chants of "Marco!," the senator said his campaign was ...' (not '"...," X
            # said, "I could ..."', the quotation going on)
            for q in self.quotes[first:end]:
                if (
                    (
                        not self.text[q[0] : q[1]].rstrip("\"”'").endswith(".")
                        or _bare_cue(self.text[right : sent.end], verb)
                    )
                    and not self._quoted_name_before_clause(q, sent, verb)
                    and not clause_after
                ):
                    # '"... rising." She said' starts a new sentence; '"...," she said' does
                    # not, nor does a sentence that is only '"... rising." Trump said.'
                    return self._with_continuation(q, right, sent)
        # 1b. "including, he said, "politicians who ..."": an aside right before a quotation.
        if own and verb.i > 0 and doc[verb.i - 1].lower_ != "that":
            nxt = bisect.bisect_left(self.quote_starts, right)
            if (
                nxt < len(self.quotes)
                and self.quotes[nxt][0] < sent.end
                and re.fullmatch(r"[ \t]*,[ \t]*", self.text[right : self.quotes[nxt][0]])
                and self.text[:left].rstrip().endswith(",")
            ):
                return self.quotes[nxt]
        # 2. A clausal complement (extended to a quotation it overlaps).
        later_clause = any(
            c.dep_ in {"ccomp", "oprd", "xcomp"} and c.i > verb.i for c in verb.children
        )  # 'For that she drew his ire - he called her "weak"'

        for child in verb.children:
            that_clause = child.dep_ == "advcl" and (
                child.left_edge.lower_ == "that"
                or (
                    (
                        verb.lower_ in _PROMISING
                        or (
                            verb.lower_ in _TELLING
                            and any(c.dep_ == "dobj" and c.i < child.i for c in verb.children)
                        )
                    )
                    and child.i > verb.i
                    and any(a.dep_ == "aux" and a.lower_ == "to" for a in child.children)
                )  # "promised Sunday at a rally to end ...", "tells his supporters at a rally
                # to go ...": the parser's adverbial clause
            )
            if (child.dep_ in _COMPLEMENTS or that_clause) and child.i != subj.i:
                if later_clause and child.dep_ == "ccomp" and child.i < verb.i:
                    # "While not all of it is true, Jamieson said Trump is ...": a clause
                    # before the cue the parser also hung there is not what was said.
                    span = _chars(base, child.left_edge, child.right_edge)
                    if self._overlapping_quote(span) is None:
                        continue
                if child.dep_ == "dobj" and verb.lower_ in _NO_OBJECT_CUES:
                    span = _chars(base, child.left_edge, child.right_edge)
                    if not self._overlapping_quote(span) or any(
                        c.dep_ == "ccomp" and c.i > child.i for c in verb.children
                    ):  # 'tells "Morning Joe" that ...': the clause is what was said
                        continue
                if child.dep_ == "xcomp" and (child.i < verb.i or child.tag_ in _NOUN_TAGS):
                    continue  # a noun read as a complement ("told harbour | residents")
                if child.dep_ == "dobj" and child.lower_ in _DAY_WORDS:
                    continue  # "promised Sunday at a rally to end ...": when, not what
                if child.dep_ == "dobj" and child.i > verb.i:
                    infinitive = next(
                        (c for c in verb.children
                         if c.dep_ == "xcomp" and c.i > child.i
                         and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)),
                        None,
                    )  # fmt: skip
                    if infinitive is not None:  # "urged people not to choose ..."
                        return _trim(
                            self.text, *_chars(base, child.left_edge, infinitive.right_edge)
                        )
                    reason = next(
                        (c for c in verb.children
                         if c.dep_ == "prep"
                         and child.right_edge.i < c.i <= child.right_edge.i + 2
                         and c.lower_ in _OBJECT_PREPS
                         and verb.lower_ in _OBJECT_PREPS[c.lower_]
                         and not (c.lower_ == "for"
                                  and any(o.lower_ in _TIME_NOUNS for o in c.children))),
                        None,
                    )  # fmt: skip
                    if reason is not None:  # 'blasted Shuster for "cavorting" with ...'
                        return _trim(self.text, *_chars(base, child.left_edge, reason.right_edge))
                if child.dep_ == "ccomp" and child.i > verb.i and not _has_subject(child):
                    # "added the exact cause remained unclear": the clause's subject was
                    # read as the cue's object; both are what was said.
                    obj = next(
                        (c for c in verb.children if c.dep_ == "dobj" and c.i < child.i), None
                    )
                    if obj is not None:
                        return _trim(self.text, *_chars(base, obj.left_edge, child.right_edge))
                if child.dep_ == "parataxis" and child.lower_ in self.verbs:
                    continue  # "Bob, they said, ordered ...": the aside is an attribution
                clause = next(
                    (c for c in child.children
                     if c.dep_ == "relcl" and c.left_edge.dep_ == "mark"
                     and c.left_edge.lower_ == "that" and _has_subject(c)),
                    None,
                )  # fmt: skip
                if child.dep_ == "dobj" and clause is not None:
                    # "assured the residents that the bridge ...": read as a relative
                    # clause of the addressee, the "that" clause is what was said.
                    return _trim(self.text, *_chars(base, clause.left_edge, clause.right_edge))
                if child.dep_ == "dobj" and any(
                    c.dep_ == "ccomp" and c.i > child.i and _has_subject(c) for c in verb.children
                ):
                    continue  # "assured the American people that ...": the clause was said
                span = _trim(self.text, *_chars(base, _after_time(child), child.right_edge))
                inside = self._overlapping_quote(span)
                if inside is not None and inside[1] - inside[0] > span[1] - span[0]:
                    return inside
                if span[1] > span[0]:
                    return span
        # "Cruz thinks so, too": in benchmark mode, "so" stands for what is held.
        if self.attitudes and any(
            c.dep_ == "advmod" and c.lower_ == "so" and c.i == verb.i + 1 for c in verb.children
        ):
            return _chars(base, doc[verb.i + 1], doc[verb.i + 1])
        # "75 percent said yes", "He said no to the war".
        answer = next((c for c in verb.children if c.dep_ == "intj" and c.i > verb.i), None)
        if answer is not None and answer.lower_ in {"yes", "no"}:
            return _chars(base, answer, answer)
        # 2b. "called for X", "talked about X", "referring to X": the preposition's object.
        if prep is not None:
            return prep[0]
        # 2c. "said in a statement that ...": the clause the parser hung from the phrase.
        late = self._late_that_clause(base, doc, verb)
        if late is not None:
            return late
        # 3. "X said:" followed by a quotation.
        # Only the first quotation after the cue can be it: a paragraph break before it is
        # before every later one too.
        after_cue = bisect.bisect_left(self.quote_starts, right)
        if after_cue < len(self.quotes):
            q = self.quotes[after_cue]
            if "\n\n" not in self.text[right : q[0]].strip():
                gap = self.text[right : q[0]].rstrip()
                if (
                    (gap.endswith(",") and len(gap) <= 60)
                    or (gap.endswith(":") and len(gap) <= 160)
                    or (not gap and verb.tag_ == "VBG")  # '..., adding "to all the voters ..."'
                ):
                    return q
        # 3b. "One activist tweeted:" ending its sentence: the next sentence is what was said.
        tail = self.text[right : sent.end]
        if tail.endswith(":") and len(tail.split()) <= 6:
            nxt = bisect.bisect_right(self.sentence_starts, sent.start)
            if nxt < len(self.sentence_starts):
                following = self.analysis.sentences[nxt]
                said = self.text[following.start : following.end].rstrip(".")
                # Only the next paragraph, and a statement, not a heading ("Related coverage").
                if (
                    self.text.count("\n", sent.end, following.start) <= 2
                    and len(said.split()) >= 4
                    and not _PAGE_CHROME.search(said)
                ):
                    return following.start, following.start + len(said)
        # 4. "..., X said." closing the sentence: what precedes is the content.
        after = self.text[right : sent.end]
        # 5. "Cost estimates, he added, were ..." and "As X told Y, ...": the rest is content.
        parenthetical = (
            own
            and verb.dep_ != "relcl"
            and subj.lower_ not in RELATIVE_PRONOUNS
            and not any(
                c.dep_ == "dobj" and not (verb.lower_ in _TELLING and c.i == verb.i + 1)
                for c in verb.children
            )  # "Instead, Trump told CNN, his policy would ...": the addressee may follow
        )
        if parenthetical and left > sent.start and self.text[:left].rstrip().endswith(","):
            rest = self.text[right : sent.end]
            comma = rest.find(",")
            # Not "In an interview, Webb confessed to the kidnapping, admitting ...": the
            # aside is only subject and verb, perhaps with a time ("he added on Monday").
            governed = any(
                c.dep_ in {"prep", "dative"} and c.lower_ not in {"on", "in", "at"}
                and right <= base + c.idx < right + comma
                for c in verb.children
            )  # fmt: skip
            if comma >= 0 and _few_words(rest[:comma]) and len(rest) - comma > 15 and not governed:
                return _trim(self.text, sent.start, sent.end)
        opening_as = doc[0].lower_ == "as" or (
            len(doc) > 1 and doc[0].lower_ in {"but", "and", "yet", "so"} and doc[1].lower_ == "as"
        )  # "But as the Global Times noted in an op-ed, ..."
        if own and verb.i > 0 and opening_as and verb.dep_ == "advcl":
            comma = self.text.find(",", right, sent.end)
            if comma > 0 and _few_words(self.text[right:comma]):
                return _trim(self.text, comma + 1, sent.end)
        # "..., as some have speculated.": the clause the aside closes is what was said.
        as_mark = next(
            (c for c in verb.children if c.dep_ == "mark" and c.lower_ == "as" and c.i < verb.i),
            None,
        )
        if (
            own
            and verb.dep_ == "advcl"
            and as_mark is not None
            and as_mark.i > 0
            and doc[as_mark.i - 1].text == ","  # not "as high as organizers had claimed"
            and not any(c.dep_ in _COMPLEMENTS for c in verb.children)
            and all(
                t.is_punct or t.dep_ in {"advmod", "npadvmod"} or t.head.dep_ == "advcl"
                for t in doc[verb.i + 1 :]
            )  # "as X suggested after ...", not "as firms reported strong results"
        ):
            before_as = _trim(self.text, sent.start, base + as_mark.idx)
            if len(self.text[before_as[0] : before_as[1]].split()) >= _MIN_QUOTE_WORDS:
                return before_as
        # "Sam Lau said in a statement." followed, in the same paragraph, by the statement.
        if own and _bare_cue(self.text[right : sent.end], verb) and left <= sent.start + 1:
            nxt = bisect.bisect_left(self.quote_starts, sent.end)
            if (
                nxt < len(self.quotes)
                and not self.text[sent.end : self.quotes[nxt][0]].strip()
                and "\n" not in self.text[sent.end : self.quotes[nxt][0]]
            ):
                return self.quotes[nxt]
        tail_ok = (
            own
            and (verb.lower_ in SAY_FORMS or verb.dep_ in {"ROOT", "parataxis"})
            and not any(c.dep_ == "dobj" for c in verb.children)  # "..., X added a goal"
        )
        closing = left > sent.start and self.text[:left].rstrip().endswith(",")
        if tail_ok and closing and _few_words(after):
            before = _trim(self.text, sent.start, left)
            if before[1] - before[0] > 10:
                return before
        return None

    def _content_preposition(self, base: int, verb: Token) -> tuple[tuple[int, int], int] | None:
        """The object of a preposition right after the cue that introduces what is said,
        and where the preposition ends."""
        for child in verb.children:
            if (
                child.dep_ != "prep"
                or child.i <= verb.i
                or verb.lower_ not in phrasal_cues().get(child.lower_, ())
            ):
                continue
            # Only adverbs, a time ("responded Friday to") or a short object ("asked Carson
            # about") between the cue and the preposition.
            skipped = [
                c for c in verb.children if verb.i < c.i < child.i and c.dep_ in _BEFORE_PREP
            ]
            covered = sum(c.right_edge.i - c.left_edge.i + 1 for c in skipped)
            if covered != child.i - verb.i - 1 or any(
                c.right_edge.i - c.left_edge.i > 2 for c in skipped if c.dep_ in {"dobj", "dative"}
            ):
                continue
            obj = next((c for c in child.children if c.dep_ in {"pobj", "pcomp"}), None)
            if obj is None or obj.lower_ in _NOT_CONTENT or obj.tag_ == "CD":
                continue
            if not self.attitudes and any(
                c.dep_ == "neg" or c.lower_ in _NEGATION for c in verb.children
            ):
                return None  # "did not comment on the allegations" says nothing
            span = _trim(self.text, *_chars(base, obj.left_edge, obj.right_edge))
            if span[1] > span[0]:
                return span, base + child.idx + len(child.text)
        return None

    def _late_that_clause(self, base: int, doc: Doc, verb: Token) -> tuple[int, int] | None:
        """A "that" clause after a short phrase without a verb, which the parser attached to
        the phrase instead of the cue ("said in one of a series of messages that ...")."""
        for tok in doc[verb.i + 1 : verb.i + 14]:
            if tok.tag_.startswith("VB") or tok.text in {";", ":", "(", "—", "–"}:
                return None
            if tok.lower_ in {"so", "such"}:
                return None  # "said so loudly that everyone heard"
            if (
                tok.lower_ == "that"
                and tok.nbor(-1).lower_ in _TIME_NOUNS
                and not (tok.nbor(-1).lower_ == "time" and tok.nbor(-2).lower_ == "first")
            ):
                return None  # "said on the day that he was arrested ..." (not "said for the
                # first time that ...")
            # "predicted at the debate that Republicans will take every state": read as a
            # relative clause, but its verb has the role "that" would fill already.
            filled = tok.dep_ in {"dobj", "nsubj"} and any(
                c.dep_ == tok.dep_ and c.i != tok.i for c in tok.head.children
            )
            if tok.lower_ == "that" and (tok.dep_ == "mark" or filled) and tok.i > verb.i + 1:
                clause = tok.head
                if clause.i <= tok.i or not clause.is_ancestor(tok):
                    return None
                return _trim(self.text, *_chars(base, tok, clause.right_edge))
        return None

    def _before_reporting_clause(self, subj: Token) -> Token:
        """The subject's last token, before a relative clause after a comma with a cue in it."""
        end = subj.right_edge
        for child in subj.children:
            if child.dep_ == "relcl" and child.i > subj.i and child.left_edge.i > subj.i + 1:
                before = child.left_edge.nbor(-1)
                if before.text == "," and any(t.lower_ in self.verbs for t in child.subtree):
                    return before.nbor(-1)
        return end

    def _quoted_name_before_clause(self, q: tuple[int, int], sent: Sentence, verb: Token) -> bool:
        """'On "Face the Nation," the mayor said that ...': a quoted title inside a phrase
        (a word right before it) is not what was said when a clause follows the verb."""
        before = self.text[max(sent.start, q[0] - 2) : q[0]]
        return (
            bool(before.strip())
            and before[-1:].isspace()
            and before[-2:-1].isalnum()
            and any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
        )

    def _named_before(self, sent: Sentence, verb: Token) -> Relation | None:
        """'"...," Tulsa police Chief X said' parsed without a subject: the name is the source."""
        at = sent.start + verb.idx
        i = bisect.bisect_right(self.quote_starts, at) - 1
        if i < 0 or self.quotes[i][1] > at:
            return None
        q = self.quotes[i]
        m = _NAME_BEFORE_VERB.fullmatch(self.text, q[1], at) or _NAME_APPOS_BEFORE_VERB.fullmatch(
            self.text, q[1], at
        )
        if m is None and _SAME_LINE_PUNCT.match(self.text[q[1] : at]):
            return self._inverted(sent, verb, q)
        if m is None or (m.re is _NAME_BEFORE_VERB and not m.group(1).split()[-1][:1].isupper()):
            return None
        source = (m.start(1), m.end(1))
        content = self._with_continuation(q, at + len(verb.text), sent)
        return Relation((at, at + len(verb.text)), source, content, True, (sent.start, sent.end))

    def _entity_of(self, at: int, labels: set[str] | None = None) -> tuple[int, int] | None:
        """The token range of the named entity (of one of `labels`) holding character `at`."""
        doc = self.analysis.doc
        span = doc.char_span(at, at + 1, alignment_mode="expand")
        if span is None or not span[0].ent_type_:
            return None
        if labels is not None and span[0].ent_type_ not in labels:
            return None
        tok = span[0]
        return next(((e.start, e.end) for e in doc.ents if e.start <= tok.i < e.end), None)

    def _name_just_before(self, sent: Sentence, doc: Doc, verb: Token) -> Relation | None:
        """'... at the convention Sen. Elizabeth Warren (D-MA) said ...': a name right before
        the verb that the parser hung elsewhere (here as an apposition) is its subject."""
        j = verb.i - 1
        if j > 0 and doc[j].text == ",":
            j -= 1  # "In a statement to the Observer, her adviser, Jake Sullivan, said:"
        end = j
        if j > 0 and doc[j].text == ")":
            j = next((k for k in range(j - 1, max(j - 8, 0), -1) if doc[k].text == "("), 0) - 1
        if j < 1 or doc[j].tag_ not in {"NNP", "NNPS"} or doc[j].dep_ in {"pobj", "dobj"}:
            return None  # not "a spokesman for the U.S. Courts replied"
        entity = self._entity_of(sent.start + doc[j].idx, {"PERSON", "ORG", "NORP", "GPE"})
        if entity is None:
            return None  # not "Freedom of Information Act (FOIA) requests ..."
        first = j
        # Back over the name and titles outside any entity ("Sen."), not into another
        # entity ("the Washington Post Trump said", a comma missing).
        while (
            first > 0
            and doc[first - 1].tag_ in {"NNP", "NNPS"}
            and self._entity_of(sent.start + doc[first - 1].idx) in (None, entity)
        ):
            first -= 1
        if j - first < 1 or self._quoted(sent.start + doc[first].idx):
            return None  # a full name, not "Monday said" or a word of a quotation
        if sum(t.is_title or not t.is_alpha for t in doc) > 0.7 * len(doc):
            return None  # a headline in title case ("EgyptAir Crash Seems An ...")
        # "former president Bill Clinton": the description the parser hung from the name,
        # or the one the name is in apposition to ("her adviser, Jake Sullivan,").
        left = doc[j].left_edge.i
        head = doc[j].head
        if (
            doc[j].dep_ == "appos"
            and head.i < first
            and head.tag_ in {"NN", "NNS"}
            and (doc[first - 1].text == "," or (head.i == first - 1 and _ROLE.search(head.lower_)))
        ):  # "her adviser, Jake Sullivan,", "the Post's senior editor Steven Ginsberg"
            left = head.left_edge.i
            first = left
        if left < first and all(t.tag_ in _NAME_TAGS - {"NNP", "NNPS"} for t in doc[left:first]):
            first = left
        source = _source_span(self.text, *_chars(sent.start, doc[first], doc[end]))
        # '"...," chairman, CEO and president Craig Menear said': the titles after the
        # quotation go with the name.
        q = bisect.bisect_right(self.quote_ends, source[0]) - 1
        if q >= 0 and self.quote_ends[q] > sent.start:
            between = self.text[self.quote_ends[q] : source[0]]
            if _TITLES_BEFORE_NAME.fullmatch(between):
                source = _trim(self.text, self.quote_ends[q], source[1])
        cue = _chars(sent.start, verb, verb)
        prep = self._content_preposition(sent.start, verb)
        content = self._content(sent, doc, verb, doc[j], source, cue, prep, own=True)
        if content is None or content[1] <= content[0]:
            return None
        return Relation(cue, source, content, self._is_direct(content), (sent.start, sent.end),
                        doc[j])  # fmt: skip

    def _inverted(self, sent: Sentence, verb: Token, q: tuple[int, int]) -> Relation | None:
        """'"How big is that wall?" asked the boy': the phrase after the verb is the speaker.

        The parser reads such a speaker as the verb's object; only a phrase right after the
        verb counts, so '"...?" asked him' (a pronoun object) and longer clauses do not.
        """
        obj = next((c for c in verb.children if c.i > verb.i and c.dep_ in _INVERTED_SPEAKER), None)
        base = sent.start
        if obj is None:
            named = self._name_after(sent, verb)
            if named is None:
                return None
            source, obj = named
        elif obj.left_edge.i != verb.i + 1 or obj.lower_ in PERSON_PRONOUNS:
            return None
        else:
            source = _source_span(self.text, *_chars(base, obj.left_edge, obj.right_edge))
        at = base + verb.idx
        content = self._with_continuation(q, source[1], sent)
        return Relation((at, at + len(verb.text)), source, content, True, (sent.start, sent.end),
                        obj)  # fmt: skip

    def _name_after(self, sent: Sentence, verb: Token) -> tuple[tuple[int, int], Token] | None:
        """'"...," said Robert Reich, who ...' where the parser hung the name elsewhere: the
        name after the verb (with a description or relative clause after a comma)."""
        doc = verb.doc
        i = verb.i + 1
        head: Token | None = None
        while i < len(doc) and (
            doc[i].tag_ in _NAME_TAGS
            or (doc[i].lower_ in _NOT_PARTICIPLES and i > verb.i + 1)
            or (doc[i].tag_ == "VBN" and i + 1 < len(doc) and doc[i + 1].tag_ in _NAME_TAGS)
        ):  # "said Oversight ranking Democrat X", "said retired neurosurgeon X"
            if doc[i].tag_ in {"NNP", "NNPS"}:
                head = doc[i]
            i += 1
        if (
            i == verb.i + 1
            and i + 1 < len(doc)
            and doc[i].is_title
            and not doc[i].is_stop
            and doc[i + 1].is_punct
        ):
            head = doc[i]  # "said Skelly, explaining ...": a name the tagger took for an adverb
            i += 1
        if (
            head is None
            and i > verb.i + 2
            and doc[verb.i + 1].tag_ in {"DT", "CD"}
            and doc[i - 1].tag_ in {"NN", "NNS"}
        ):
            head = doc[i - 1]  # "said the woman, who ...", "said one official"
        if head is None or i == verb.i + 1:
            return None
        end = doc[i - 1]
        if i < len(doc) and doc[i].text == "(":
            close = next(
                (j for j in range(i + 1, min(i + 8, len(doc))) if doc[j].text == ")"), None
            )
            if close is not None:  # "said Sen. X (D-Md.)": the party and state go with the name
                end = doc[close]
                i = close + 1
        if i < len(doc) and doc[i].text == ",":
            if i + 1 < len(doc) and doc[i + 1].lower_ in {"who", "a", "an", "the"}:
                # "a spokesman for the firm," up to the next comma; "who ..." to the end of
                # the sentence, short of an aside such as ", adding that ...".
                stop = len(doc)
                for j in range(i + 2, len(doc)):
                    if doc[j].text == "," and (
                        doc[i + 1].lower_ != "who"
                        or (j + 1 < len(doc) and doc[j + 1].tag_ in {"VBG", "VBN"})
                    ):
                        stop = j
                        break
                last = stop - 1
                while last > i and (doc[last].is_punct or doc[last].is_space):
                    last -= 1
                end = doc[last]
        elif i < len(doc) and not doc[i].is_punct:
            return None  # the name runs into something else: not a plain inverted cue
        return _trim(self.text, *_chars(sent.start, doc[verb.i + 1], end)), head

    def _after_quote(self, source: tuple[int, int]) -> tuple[int, int]:
        """'"...," Tulsa police Chief X said': the parser may leave part of the name out."""
        i = bisect.bisect_right(self.quote_starts, source[0]) - 1
        if i < 0 or self.quotes[i][1] > source[0]:
            return source
        gap = self.text[self.quotes[i][1] : source[0]]
        m = _NAME_GAP.fullmatch(gap)
        if m is None or not m.group(1):
            return source
        return (self.quotes[i][1] + m.start(1), source[1])

    def _quotation_left_out(self, source: tuple[int, int], head: int) -> tuple[int, int]:
        """'"It's unanimous," councilmember Mark Levine said': the parser may hang the
        quotation from the title before the name; the quotation is not the speaker."""
        i = bisect.bisect_right(self.quote_starts, source[0]) - 1
        if i < 0 or self.quotes[i][1] <= source[0]:
            return source  # the source does not start inside a quotation
        end = self.quotes[i][1]
        if end >= head or self.text[end - 2 : end - 1] not in {",", "?", "!"}:
            return source
        return _trim(self.text, end, source[1])

    def _after_dateline(
        self, sent: Sentence, doc: Doc, subj: Token, source: tuple[int, int]
    ) -> tuple[int, int]:
        """'LONDON (Reuters) - Mayor X said': the parser may take the dateline for the subject."""
        m = _AGENCY_DATELINE.match(self.text, source[0])
        if m is None or m.end() < source[1]:
            return source
        head = subj.head
        stop = min([c.i for c in head.children if c.dep_ in {"aux", "auxpass", "neg"}] + [head.i])
        first = next((t for t in doc if sent.start + t.idx >= m.end()), None)
        if first is None or first.i >= stop:
            return source
        return _source_span(self.text, *_chars(sent.start, first, doc[stop - 1]))

    def _with_continuation(self, q: tuple[int, int], right: int, sent: Sentence) -> tuple[int, int]:
        # '"We'd like them," he said, "to stop."': the second half belongs to the same quote.
        for q2 in self.quotes:
            if q2[0] < right or not _PUNCT_ONLY.match(self.text[right : q2[0]]):
                continue
            if "\n" in self.text[right : q2[0]] or self._attributed_after(q2):
                break
            return (q[0], q2[1])
        return q

    def _attributed_after(self, q: tuple[int, int]) -> bool:
        """Whether "X said" follows the quotation (then it is not a continuation)."""
        after = self.text[q[1] : q[1] + 80].split("\n")[0]
        words = re.findall(r"[a-z]+", after.lower())[:6]
        return any(w in self.verbs for w in words)

    def _quoted_just_before(self, pos: int) -> bool:
        """A quotation ends right before `pos` ('"...," added a Democrat')."""
        i = bisect.bisect_right(self.quote_ends, pos) - 1
        return i >= 0 and bool(_SAME_LINE_PUNCT.match(self.text[self.quote_ends[i] : pos]))

    def _quoted(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quote_starts, pos) - 1
        return i >= 0 and self.quotes[i][0] < pos < self.quotes[i][1]

    def _overlapping_quote(self, span: tuple[int, int]) -> tuple[int, int] | None:
        for q in self.quotes:
            if q[0] < span[1] and span[0] < q[1]:
                return q
        return None

    def _is_direct(self, content: tuple[int, int]) -> bool:
        length = max(1, content[1] - content[0])
        # Only the quotations overlapping the content (found by bisection: an article of
        # thousands of quotations would otherwise cost quotations x relations).
        inside = 0
        i = bisect.bisect_right(self.quote_ends, content[0])
        while i < len(self.quotes) and self.quotes[i][0] < content[1]:
            q = self.quotes[i]
            inside += min(q[1], content[1]) - max(q[0], content[0])
            i += 1
        return inside * 2 >= length

    def _without_nested(self, found: list[Relation]) -> list[Relation]:
        """Drop cues inside what another speaker is reported to have said."""
        outer = [r for r in found if r.cue is not None]

        def nested(r: Relation, o: Relation) -> bool:
            assert r.cue is not None and o.cue is not None
            inside = o.content[0] <= r.cue[0] < o.content[1] and r.content != o.content
            # "Voters said that ..., according to exit polls": each cue is inside the
            # other's content; both attributions stand.
            return inside and not r.content[0] <= o.cue[0] < r.content[1]

        kept = [r for r in found if r.cue is None or not any(nested(r, o) for o in outer)]
        for o in kept:
            for r in kept:
                if (
                    o.cue is not None
                    and r.cue is not None
                    and o.cue[0] < r.cue[0]
                    and o.content[0] < r.cue[0] < o.content[1]
                    and r.content[0] <= o.cue[0] < r.content[1]
                    and not o.direct
                ):
                    # "said the economy was their top concern, according to exit polls":
                    # the other attribution is not part of what was said.
                    o.content = _trim(self.text, o.content[0], r.cue[0])
        return kept

    def _labelled_lines(self, found: list[Relation]) -> list[Relation]:
        """Transcripts and headline quotes: 'TAPPER: Do you think ...', 'Lewandowski: FBI
        director acted as judge and jury': a paragraph opening with a name and a colon."""
        out: list[Relation] = []
        inside = _Cover(r.content for r in found)
        for sent in self.analysis.sentences:
            if (
                sent.start
                and self.text[self.text.rfind("\n", 0, sent.start) + 1 : sent.start].strip()
            ):
                continue  # not at the start of a paragraph
            m = _LABEL.match(self.text, sent.start, sent.end)
            if m is None or m.group(1).lower() in _NOT_LABELS or self._place_or_time(m.span(1)):
                continue
            label = m.group(1)
            # Only a person the text names ("TAPPER:" for Jake Tapper, "Lewandowski:"):
            # headings ("Key Points:", "Verdict:"), datelines ("NEW DELHI:") and products
            # take the same shape. "Q:" and "A:" name no one (and PolNeAR's annotators
            # mostly left them out too: 16 of 63 on train).
            if not self._named_person(label):
                continue
            end = self.text.find("\n", m.end())
            content = _trim(self.text, m.end(), len(self.text) if end < 0 else end)
            said = self.text[content[0] : content[1]]
            if len(said.split()) < 3 or said[:1].isdigit() or inside(content[0]):
                continue  # ("Crimson Tide: 7-3, averaging 92.6 points" is a stat line)
            colon = m.end(1)
            # A transcript line is verbatim: direct speech.
            out.append(Relation((colon, colon + 1), (m.start(1), m.end(1)), content, True,
                                (sent.start, sent.end)))  # fmt: skip
        return self._without_lists(out)

    def _without_lists(self, lines: list[Relation]) -> list[Relation]:
        """A run of labelled paragraphs none of which talks like a person (no "I", "you",
        question) is a list, not a transcript: an arrest log's "Jane A. Doe: Possession of
        ...", a line-up."""
        runs: list[list[Relation]] = []
        for rel in lines:
            if runs and self.text.count("\n\n", runs[-1][-1].content[1], rel.content[0]) <= 1:
                runs[-1].append(rel)
            else:
                runs.append([rel])
        return [rel for run in runs if not self._is_list(run) for rel in run]

    def _is_list(self, run: list[Relation]) -> bool:
        if len(run) < _LIST_LINES:
            return False
        if any(_SPOKEN.search(self.text, r.content[0], r.content[1]) for r in run):
            return False
        # Items, not sentences: commas, semicolons and figures ("Possession of ..., held in
        # lieu of $5,000 bond.", "Kaminski, Mengi, Burke, ...").
        itemised = [
            r for r in run
            if self.text.count(",", *r.content) + self.text.count(";", *r.content) >= 2
            or any(ch.isdigit() for ch in self.text[r.content[0] : r.content[1]])
        ]  # fmt: skip
        return 2 * len(itemised) > len(run)

    def _named_person(self, label: str) -> bool:
        """Whether the label is a person the text names, or the end of one's name ("TAPPER"
        for Jake Tapper, "Lewandowski"; not "New Price Drop" for a misread "Drop")."""
        if self._people is None:
            self._people = set()
            for e in self.analysis.doc.ents:
                if e.label_ == "PERSON":
                    words = e.text.lower().removesuffix("'s").removesuffix("’s").split()
                    self._people.update(" ".join(words[k:]) for k in range(len(words)))
        name = " ".join(label.lower().split())
        return name in self._people and name not in _NOT_LABELS

    def _place_or_time(self, span: tuple[int, int]) -> bool:
        label = self.analysis.doc.char_span(*span, alignment_mode="expand")
        return label is not None and any(
            t.ent_type_ in _NOT_SPEAKER_ENTITIES for t in label if t.ent_type_
        )

    def _dash_signed(self, found: list[Relation]) -> list[Relation]:
        out = []
        for q in self.quotes:
            m = _DASH_SIGNED.match(self.text, q[1])
            if m is None or any(r.content[0] <= q[0] < r.content[1] for r in found):
                continue
            dash = m.start(1)
            source = _trim(self.text, m.start(2), m.end(2))
            out.append(Relation((dash, dash + 1), source, q, True, (q[0], m.end(2)), None))
        return out

    # -- quotations no cue claimed ---------------------------------------------------------
    def _unattributed_quotes(self, found: list[Relation]) -> list[Relation]:
        """Whole-paragraph quotations right after an attributed quote continue its speaker."""
        out: list[Relation] = []
        claimed = [r.content for r in found]
        direct = sorted((r for r in found if r.direct), key=lambda r: r.content[0])
        for q in self.quotes:
            if any(c[0] <= q[0] < c[1] or q[0] <= c[0] < q[1] for c in claimed):
                continue
            if len(self.text[q[0] : q[1]].split()) < _MIN_QUOTE_WORDS:
                continue
            line_start = self.text.rfind("\n", 0, q[0]) + 1
            if self.text[line_start : q[0]].strip():
                continue  # not at the start of its paragraph
            if _OWN_ATTRIBUTION.match(self.text, q[1]):
                continue  # '"That's not true," he protested': someone of its own, unknown cue
            prev = [r for r in direct if r.content[1] <= q[0]]
            if not prev:
                continue
            last = prev[-1]
            between = self.text[last.content[1] : line_start]
            if between.count("\n\n") > 1 or len(between) > 200:
                continue  # another paragraph stands between: no safe speaker
            # Same speaker, so the same source as written (in the paragraph before).
            rel = Relation(None, last.source, q, True, (q[0], q[1]), last.source_head, True)
            out.append(rel)
            direct.append(rel)
            direct.sort(key=lambda r: r.content[0])
            claimed.append(q)
        return out


class _Cover:
    """Whether a position falls inside any of a set of spans, by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []  # the furthest end among spans starting up to here
        for _, b in ordered:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def __call__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.reach[i] > pos


def _source_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The subject's span without a dateline before it or a time phrase after it."""
    start, end = _trim(text, start, end)
    dateline = (
        _DATELINE.match(text, start, end)
        or _AGENCY_DATELINE.match(text, start, end)
        or _DASH_DATELINE.match(text, start, end)
    )
    if dateline:
        start = dateline.end()
    when = _TIME_TAIL.search(text, start, end)
    # Not when it ends a clause inside the source ("X, who spoke in Reno last Friday").
    if when and when.start() > start and not _CLAUSE_IN_SOURCE.search(text, start, when.start()):
        end = when.start()
    lead = _LEAD_CONJUNCTION.match(text, start, end)
    if lead:
        start = lead.end()
    # "X and Y both said", "X, when asked about it, said": a floating quantifier or an
    # adverbial clause is not part of the subject.
    both = _SUBJECT_TAIL.search(text, start, end)
    if both and both.start() > start:
        end = both.start()
    # "Trump, in Kentucky": the name alone.
    aside = _PLACE_ASIDE.search(text, start, end)
    if aside and aside.start() > start:
        end = aside.start()
    for doing in _PARTICIPLE_ASIDE.finditer(text, start, end):
        if doing.group(1) not in _NOT_PARTICIPLES:
            end = doing.start()
            break
    return _trim(text, start, end)


def _after_time(clause: Token) -> Token:
    """Where a clause's words start, past a time the parser hung on it from the cue ("told
    reporters on Thursday | they risked ..."): the time is when it was said."""
    first = clause.left_edge
    subj = next((c for c in clause.children if c.dep_ in _SUBJECTS and c.i < clause.i), None)
    if subj is None or first.dep_ != "prep" or first.head.i != clause.i:
        return first
    objs = [c for c in first.children if c.dep_ == "pobj"]
    if objs and objs[0].lower_ in _NOT_CONTENT and first.right_edge.i + 1 == subj.left_edge.i:
        return subj.left_edge
    return first


def _has_subject(clause: Token) -> bool:
    """A clause with a subject of its own ("that the bridge would reopen"), not a verb
    phrase whose subject the parser took as the cue's object."""
    return any(c.dep_ in _SUBJECTS and c.lower_ != "that" for c in clause.children)


def _has_poss(noun: Token) -> bool:
    return any(c.dep_ == "poss" for c in noun.children)


def _main_verb_read_as_modifier(verb: Token) -> Token | None:
    """'Beruff, a local ally, called the plan "weak."' parsed as a noun phrase ("Beruff ...,
    called ...") with no verb: the participle is the sentence's verb, the noun its subject.

    Also 'one lawmaker called Trump "the orange prince"' (two complements: "called X Y" is
    active) and 'Stevens, who served as ... during the campaign, called ...' (the participle
    hung from the last noun of a relative clause of the sentence's head noun)."""
    if (
        verb.dep_ != "acl"
        or verb.tag_ not in {"VBD", "VBN"}
        or any(c.dep_ == "agent" for c in verb.children)
    ):
        return None
    if verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].is_quote:
        return None  # 'Johnson, called "the Beast," scored': the name he goes by
    comma = verb.i > 0 and verb.doc[verb.i - 1].text == ","
    if (
        comma
        and verb.head.tag_ in {"NNP", "NNPS"}
        and verb.head.i < verb.i
        and any(c.dep_ in {"dobj", "oprd"} for c in verb.children)
    ):
        # "De Blasio, speaking on the radio, called Trump a ...": a named person is not
        # "called" something in a reduced relative clause after a comma.
        return verb.head
    root = next((t for t in verb.sent if t.dep_ == "ROOT"), None)
    if root is None or root.i >= verb.i or root.tag_ not in {"NNP", "NNPS", "NN", "NNS"}:
        return None
    complements = [c for c in verb.children if c.dep_ in {"dobj", "oprd"} and c.i > verb.i]
    two_complements = len(complements) >= 2 or any(
        c.right_edge.i + 1 < len(verb.doc) and verb.doc[c.right_edge.i + 1].is_quote
        for c in complements[:1]
    )  # 'called Trump "the orange prince"' (not 'a film called "Familias"')
    if verb.head.i == root.i and (comma or two_complements):
        return root
    if (
        comma
        and root.is_ancestor(verb)
        and any(t.dep_ == "relcl" and t.head.i == root.i and t.is_ancestor(verb) for t in verb.doc)
    ):
        return root
    return None


def _with_particle(rel: Relation | None, sent: Sentence, particle: Token) -> Relation | None:
    """The relation with its cue running over the particle after the verb ("shot back")."""
    if rel is not None and rel.cue is not None:
        rel.cue = (rel.cue[0], sent.start + particle.idx + len(particle.text))
    return rel


def _has_done(verb: Token) -> bool:
    """'he's said', 'she's wanted to': "'s" as "has" (not "he's said to be", a passive)."""
    if verb.lower_ not in _HAS_DONE:
        return False
    infinitive = any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in verb.children
    )
    return not (infinitive and verb.lower_ in {"said", "told", "claimed", "written"})


def _agentless_passive(verb: Token) -> bool:
    """A cue in the passive without "by X" ("is expected to", "Asked about it, she said")."""
    if verb.tag_ != "VBN" or any(c.dep_ == "agent" for c in verb.children):
        return False
    if _has_done(verb) and any(
        c.dep_ == "nsubjpass" and c.lower_ in PERSON_PRONOUNS for c in verb.children
    ):
        return False  # "he's wanted to ...": "'s" is "has"
    deps = {c.dep_ for c in verb.children}
    if deps & {"auxpass", "nsubjpass"}:
        return True
    # A bare participle clause: "Asked whether ...", "when asked", "X, asked about it,".
    return verb.dep_ in {"advcl", "acl"} and not deps & {"aux", "nsubj"}


def _bare_cue(after: str, verb: Token) -> bool:
    """'Trump said.' or 'she said on Monday.': a cue with nothing reported after it."""
    if any(c.dep_ in _COMPLEMENTS and c.i > verb.i for c in verb.children):
        return False
    return len(after.split()) <= 3 and after.rstrip().endswith(".")


def _few_words(text: str) -> bool:
    # What may follow "X said" at the end of a sentence: "on Sunday", "in a statement".
    return len(text.split()) <= 6


def _subject(verb: Token, quoted: Callable[[Token], bool] | None = None) -> Token | None:
    """The subject of a reporting verb, or of the verb it hangs from ("..., adding that").

    With `quoted`, a verb the parser gave two subjects ('"... Thanks ...," said X') takes
    the one outside the quotation nearest to it.
    """
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if quoted is not None and subjects and not quoted(verb):
        # 'said Thursday on "Fox and Friends"': a quoted title after the verb is no speaker.
        subjects = [c for c in subjects if c.i < verb.i or not quoted(c)]
    if verb.dep_ == "ROOT" and verb.tag_ == "VBG" and verb.i > 1:
        # 'X trashed Comey on "Morning Joe," calling it ...': the parser ended its sentence
        # before the participle (perhaps with a quoted word as its subject); the subject is
        # the one of the sentence it cut off.
        before = verb.doc[verb.i - 1]
        if before.text == "," or (before.is_quote and verb.doc[verb.i - 2].text == ","):
            root = next(
                (t for t in reversed(verb.doc[: verb.i]) if t.dep_ == "ROOT" and t.tag_ != "VBG"),
                None,
            )
            if root is not None and (
                not subjects or (quoted is not None and all(quoted(c) for c in subjects))
            ):
                return _subject(root, quoted)
    if len(subjects) > 1 and quoted is not None and any(quoted(c) for c in subjects):
        outside = [c for c in subjects if not quoted(c)] or subjects
        subjects = sorted(outside, key=lambda c: abs(c.i - verb.i))[:1]
    if len(subjects) > 1:
        # "The mayor simply didn’t say": with a curly apostrophe "n’t" may be a second subject.
        subjects = [c for c in subjects if c.lower_ not in _NEGATION] or subjects
    if len(subjects) > 1:
        # "The rejection signals ..., said Geert Wilders", 'His final assessment: "...," he
        # said': of two subjects the parser gave the verb, the one nearest to it speaks,
        # unless the two run on as one ("His ex | wife", "The family, | protesters and
        # ..."), which the caller joins from the first.
        chosen = min(subjects, key=lambda c: abs(c.i - verb.i))
        while True:
            run_on = [
                c for c in subjects if c.i < chosen.i and chosen.left_edge.i - c.right_edge.i <= 2
            ]
            if not run_on:
                break
            chosen = run_on[0]
        subjects = [chosen]
    if subjects:
        child = subjects[0]
        if child.lower_ in _NEGATION:
            # "We don’t want": with a curly apostrophe the parser may read "n’t" as the
            # subject and hang the real one from "do".
            return next(
                (s for a in verb.children if a.dep_ == "aux" for s in a.children
                 if s.dep_ == "nsubj"),
                None,
            )  # fmt: skip
        return child
    if any(c.dep_ == "auxpass" and c.lower_ in {"'s", "’s"} for c in verb.children):
        # "He's said he gets ...": "'s" is "has", read as the passive's "is" (not "It's
        # said that ...", a passive without a speaker).
        held = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if held is not None and (
            any(c.dep_ == "ccomp" and c.i > verb.i for c in verb.children)
            or (held.lower_ in PERSON_PRONOUNS and _has_done(verb))
        ):
            return held
    for child in verb.children:
        if child.dep_ == "agent":  # "as reported by X", "was criticised by X"
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
    noun = verb.head
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBG"
        and noun.dep_ == "dobj"
        and noun.i < verb.i
        and noun.lower_ in _STATEMENT_NOUNS
        and noun.head.lower_ in _ISSUING_VERBS
    ):
        # "X issued a statement saying ...": what the statement says, X says (not "Reporters
        # obtained a memo saying", "The senator received a letter saying").
        return next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    if verb.dep_ == "acl" and verb.tag_ == "VBG" and noun.i < verb.i and noun.tag_ in _NOUN_TAGS:
        return noun  # "voters saying that ...", "a memo warning that ...": the noun says it
    tok = verb
    steps = 3  # "said ... and added", "wrote, adding", "said in a statement, adding"
    in_quotation = False  # climbing out of a quotation the cue was hung in
    while steps > 0:
        aside = (
            tok.dep_ == "parataxis" and tok.head.tag_ == "VBG" and tok.head.i < tok.i
        )  # "X, noting the size of ..., said, ...": the participle read as the main verb
        # 'she stated, "... into Syria," adding, "..."': out of the quotation the parser
        # hung "adding" in, to the verb it reports.
        out = in_quotation and tok.dep_ in {"ccomp", "parataxis"}
        if (tok.dep_ not in _INHERITING and not aside and not out) or tok.head.i == tok.i:
            return None
        head = tok.head
        if tok.dep_ == "relcl":
            # "Trump, who said" is handled by the relative pronoun being the subject.
            return None
        # "X was joined on stage by Y and joked, ...": a conjunct shares a passive's subject.
        shares = tok.dep_ == "conj" and not any(
            c.dep_ in {"oprd", "acomp", "nsubjpass"} for c in tok.children
        )
        # Not "were charged ... and found guilty"; "After saying ..., she was whisked off":
        # an adverbial participle's subject is the main clause's, passive or not.
        passive_ok = shares or (tok.dep_ in {"prep", "advcl"} and verb.tag_ == "VBG")
        deps = ("nsubj", "csubj", "nsubjpass") if passive_ok else ("nsubj", "csubj")
        found = [c for c in head.children if c.dep_ in deps and c.lower_ not in _NEGATION]
        agent = next((c for c in head.children if c.dep_ == "agent"), None)
        # ("Silverman was booed by supporters after telling them ..." is Silverman's.)
        participle = (
            tok.dep_ == "advcl"
            and verb.tag_ == "VBG"
            and verb.i > 0
            and verb.doc[verb.i - 1].text == ","
        )
        if participle and agent is not None and not any(c.dep_ == "nsubj" for c in found):
            # "A photo was denied by Andrew, hinting it was a fake": the agent hints.
            found = [o for o in agent.children if o.dep_ == "pobj"] or found
        if found and quoted is not None and not quoted(verb):
            outside = [c for c in found if not quoted(c)]
            if not outside:
                # "..., telling the crowd, "Some people get ..."": the parser hung the cue
                # from a verb of the quotation; whoever does it is not the one telling.
                tok = head
                in_quotation = True
                continue
            found = outside
        if found:
            return found[0]
        steps -= 1
        tok = head
    return None


def _negated(verb: Token, quoted: Callable[[Token], bool]) -> bool:
    """ "did not say", "never said", "has yet to say", "doesn't want to say": no statement
    (a "not" of the quotation the parser hung on the verb, '"Probably not," he said', aside)."""

    def negation(c: Token) -> bool:
        if c.dep_ != "neg" or c.lower_ not in _NOT_WORDS or quoted(c):
            return False  # "Nguyễn" the parser read as a negation
        # "didn't just say": it was said, and more.
        return not (c.i + 1 < len(c.doc) and c.doc[c.i + 1].lower_ in _ONLY)

    if any(negation(c) for c in verb.children):
        return True
    head = verb.head
    if verb.dep_ == "xcomp" and head.i != verb.i:
        return any(negation(c) or (c.lower_ == "yet" and not quoted(c)) for c in head.children)
    return False
