"""Entity quality: the recogniser's junk, wrong kinds, splits and wrong merges, fixed after it.

Article-level rules run on spaCy docs whose entity spans are given here ("[Joe Biden|PERSON]"
marks a span), so each test pins the rule, not the model's mood; store rules run on a store.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, cast

from progleton.enrich.entities import canonical_entities, clean_name
from progleton.enrich.model import Enrichment, Entity, Mention
from progleton.models import Article
from progleton.store import Store
from progleton.store.aliasing import surname_alias
from progleton.store.entitydb import EntityStore

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

T0 = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)
_MARK = re.compile(r"\[([^|\]]+)\|([A-Z_]+)\]")


@cache
def _blank() -> Language:
    import spacy

    return spacy.blank("en")


def doc(marked: str) -> Doc:
    """A doc of the text with the marked spans as its entities."""
    text, spans, pos = "", [], 0
    for m in _MARK.finditer(marked):
        text += marked[pos : m.start()]
        spans.append((len(text), len(text) + len(m.group(1)), m.group(2)))
        text += m.group(1)
        pos = m.end()
    text += marked[pos:]
    d = _blank()(text)
    ents = []
    for start, end, label in spans:
        span = d.char_span(start, end, label=label, alignment_mode="expand")
        assert span is not None
        ents.append(span)
    d.ents = ents
    return d


def entities(marked: str) -> dict[str, Entity]:
    found, _mentions = canonical_entities(doc(marked))
    return {e.name: e for e in found}


# -- 1. junk ------------------------------------------------------------------------------


def test_contractions_times_links_handles_and_boxes_are_no_entities() -> None:
    found = entities(
        "Talks stall\n\nShe [n’t|GPE] know, he said at [8.30am|ORG]. "
        "[pic.twitter.com/4p7SXk7JPW|PERSON] was posted by [@JoeConchaTV|PERSON], "
        "see [https://t.co/AbCdEf|ORG] or write to [P.O. Box 69440|ORG] in [Boston|GPE]."
    )
    assert set(found) == {"Boston"}


def test_scores_are_cut_from_names_and_result_lines_are_nobody() -> None:
    found = entities(
        "Results\n\nGoals: [Megan Cook 4|PERSON], [K. Hupfer 1 goal|PERSON]. "
        "Tennis: [Uchiyama 6-2|PERSON]. The bot [Christa 2077|PERSON] replied. "
        "Football: [Luton 2 Villa|PERSON] 1 at the ground."
    )
    assert set(found) == {"Megan Cook", "K. Hupfer", "Uchiyama"}
    assert all(e.label == "PERSON" for e in found.values())


def test_a_name_before_a_model_number_is_not_that_person() -> None:
    found = entities(
        "Therapy\n\n[Christa|PERSON] named her bot [Christa|PERSON] 2077. Later "
        "[Christa|PERSON] 2077 replied, and [Christa|PERSON] laughed in [Paris|GPE] 2024."
    )
    assert found["Christa"].mentions == 2 and "Paris" in found


def test_possessives_with_any_apostrophe_end_a_persons_name() -> None:
    found = entities(
        "Late night\n\n[Biden‘s|PERSON] plan and [Trump‘s|PERSON] reply. "
        "[Biden’s ‘Late Night|PERSON] appearance drew fans. [Joe Biden|PERSON] laughed."
    )
    assert set(found) == {"Joe Biden", "Trump"}
    assert found["Joe Biden"].mentions == 3
    assert clean_name("Biden‘s", "PERSON") == "Biden"


def test_dateline_capitals_are_title_cased_and_acronyms_kept() -> None:
    found = entities(
        "Budget\n\n[WASHINGTON|GPE] (AP) — Lawmakers in [Washington|GPE] and "
        "[NEW YORK|GPE] met [NATO|ORG] envoys from the [USSR|GPE] era in [CALIFORNIA|GPE]."
    )
    assert found["Washington"].mentions == 2
    assert {"New York", "California", "NATO", "USSR"} <= set(found)
    assert not {"WASHINGTON", "CALIFORNIA", "NEW YORK", "Nato", "Ussr"} & set(found)


def test_a_span_never_runs_over_a_paragraph_break() -> None:
    found = entities(
        "Laptops\n\nIt has [Thunderbolt 3\n\nApple|PERSON] said on Monday that [Apple|ORG] "
        "would ship it. [Apple|ORG] declined to comment. [Apple|ORG] stock rose."
    )
    assert set(found) == {"Apple"}
    assert found["Apple"].label == "ORG" and found["Apple"].mentions == 4


# -- 2. kinds ------------------------------------------------------------------------------


def test_a_surname_spacy_calls_a_person_twice_and_a_fifth_of_the_time_is_a_person() -> None:
    found = entities(
        "Rally\n\n[Trump|ORG] spoke. [Trump|PERSON] said. [Trump|ORG] left. [Trump|ORG] "
        "waved. [Trump|ORG] flew home. [Trump|PERSON] slept. [Trump|ORG] [Trump|ORG] woke. "
        "[Apple|ORG] and [Apple|ORG] and [Apple|PERSON] sold phones; [Burisma|PERSON] and "
        "[Burisma|ORG] [Burisma|ORG] did not."
    )
    assert found["Trump"].label == "PERSON"
    # One stray vote does not make a person.
    assert found["Apple"].label == "ORG" and found["Burisma"].label == "ORG"


def test_a_full_name_spacy_calls_a_product_joins_its_surname() -> None:
    found = entities(
        "Nomination\n\n[Crystal Clanton|PRODUCT] clerked for a judge. [Clanton|ORG] worked "
        "there. [Clanton|PERSON] said so. [Clanton|ORG] left. [Clanton|PERSON] smiled. "
        "[Make Trump|PRODUCT] hats. [Trump|PERSON] and [Trump|ORG] agreed."
    )
    assert found["Crystal Clanton"].label == "PERSON"
    assert found["Crystal Clanton"].mentions == 5
    assert "Make Trump" not in found


def test_an_even_vote_on_a_full_name_makes_a_person_that_takes_the_surname() -> None:
    found = entities(
        "Envoy\n\n[Kurt Volker's|ORG] lawyer said [Kurt Volker|PERSON] resigned and "
        "[Volker|ORG] would testify. [Volker|ORG] declined."
    )
    assert set(found) == {"Kurt Volker"}
    assert found["Kurt Volker"].label == "PERSON" and found["Kurt Volker"].mentions == 4
    group = entities(
        "Campus\n\n[Turning Point|ORG] said [Turning Point|PERSON] would grow as "
        "[Turning Point|ORG] and [Turning Point|PERSON] did, like [Turning Point|ORG]."
    )
    assert group["Turning Point"].label == "ORG"


def test_teams_of_result_lines_and_platforms_are_organisations() -> None:
    found = entities(
        "Live\n\nLuton 0 Villa 2\n\n[Luton|PERSON] pressed. [Luton|PERSON] shot wide. "
        "[Luton|GPE] is quiet. [Luton Town|PERSON] fans left. On [Twitter|PERSON], "
        "[Twitter|PERSON] users joked; [Netflix|GPE] streamed it."
    )
    assert found["Luton"].label == "ORG" and found["Luton"].mentions == 3
    assert found["Luton Town"].label == "ORG"
    assert found["Twitter"].label == "ORG" and found["Netflix"].label == "ORG"


# -- 3. and 4. merges ----------------------------------------------------------------------


def test_a_first_name_joins_the_one_full_name_it_begins() -> None:
    found = entities(
        "Tour\n\n[Taylor Swift|PERSON] sang. [Taylor|PERSON] thanked fans, and [Swift|PERSON] "
        "left. [Travis Kelce|PERSON] watched."
    )
    assert set(found) == {"Taylor Swift", "Travis Kelce"}
    assert found["Taylor Swift"].mentions == 3
    mononym = entities(
        "Drag\n\n[RuPaul Andre Charles|PERSON] was born in 1960. [RuPaul|PERSON] sang, "
        "[RuPaul|PERSON] danced, [RuPaul|PERSON] hosted and [RuPaul|PERSON] left. "
        "[Raye winning Songwriter|PERSON] of the year: [Raye|PERSON] thanked fans."
    )
    assert mononym["RuPaul"].mentions == 4 and "Raye" in mononym


def test_different_middle_initials_are_different_people() -> None:
    found = entities(
        "Presidents\n\n[George H. W. Bush|PERSON] was the father of [George W. Bush|PERSON]. "
        "[George Bush|PERSON] spoke. [Donald J. Trump|PERSON] and [Donald Trump|PERSON]."
    )
    assert {"George H. W. Bush", "George W. Bush", "Donald J. Trump"} <= set(found)
    assert "George W. Bush" not in found["George H. W. Bush"].aliases
    assert "Donald Trump" in found["Donald J. Trump"].aliases


def test_lady_before_one_word_is_part_of_the_name() -> None:
    found = entities(
        "Drag\n\n[Bugs Bunny|PERSON] was on screen. [Lady Bunny|PERSON] hosted. "
        "[Lady Gaga|PERSON] sang. [First Lady Jill Biden|PERSON] watched."
    )
    assert {"Bugs Bunny", "Lady Bunny", "Lady Gaga", "Jill Biden"} <= set(found)
    assert found["Bugs Bunny"].aliases == []


def test_surname_aliases_are_name_words() -> None:
    assert surname_alias("Vladimir Putin") == "Putin"
    assert surname_alias("Michael McDonald") == "McDonald"
    assert surname_alias("Jennifer Ngo-Anh") == "Ngo-Anh"
    for junk in ("Apple Pay", "Apple Watches", "Ole Miss", "Destiny 2", "Fantasy XV", "Jay Z"):
        assert surname_alias(junk) is None, junk


# -- store ---------------------------------------------------------------------------------


def _article(store: Store, n: int) -> int:
    article = Article(
        url=f"https://news.example/{n}",
        title=f"Story {n}",
        paragraphs=[f"Body {n} of an article long enough to keep."],
        published=T0 + timedelta(hours=n),
        publisher="News",
        language="en",
    )
    return store.save_article(article).article_id


def _save(store: Store, article_id: int, *found: tuple[str, str, int]) -> list[int]:
    """Store entities (name, kind, mentions) for the article; their stored ids."""
    ents = [Entity(name=name, label=label) for name, label, _n in found]
    mentions = [
        Mention(i * 10, i * 10 + 5, name, i)
        for i, (name, _label, n) in enumerate(found)
        for _ in range(n)
    ]
    s = cast(EntityStore, store)
    s.save_enrichment(article_id, Enrichment(entities=ents, mentions=mentions))
    return [e.id for e, _ in s.entities_of_article(article_id)]


def _placed(store: Store, story: int, *article_ids: int) -> None:
    store.save_clustering([(a, story) for a in article_ids], [], b"state")


def test_a_bare_surname_goes_to_the_storys_full_name_then_the_most_mentioned(
    store: Store,
) -> None:
    a, b, c, d = (_article(store, n) for n in range(4))
    _placed(store, 1, a, c)
    _placed(store, 2, b, d)
    (joe,) = _save(store, a, ("Joe Biden", "PERSON", 5))
    (jill,) = _save(store, b, ("Jill Biden", "PERSON", 2))
    assert _save(store, c, ("Biden", "PERSON", 1)) == [joe]
    # Story 2 mentions Jill: her story's "Biden" is hers.
    assert _save(store, d, ("Biden", "PERSON", 1)) == [jill]
    e = _article(store, 5)
    assert _save(store, e, ("Biden", "PERSON", 1)) == [joe]  # no hint: the most mentioned


def test_a_bare_surname_stored_first_gives_way_to_the_full_name(store: Store) -> None:
    a, b, c = (_article(store, n) for n in range(3))
    (bare,) = _save(store, a, ("Volker", "PERSON", 2))
    (full,) = _save(store, b, ("Kurt Volker", "PERSON", 3))
    assert bare != full
    assert _save(store, c, ("Volker", "PERSON", 1)) == [full]


def test_an_organisation_that_is_a_storys_persons_surname_is_that_person(store: Store) -> None:
    a, b, c, d = (_article(store, n) for n in range(4))
    _placed(store, 1, a, b)
    (trump,) = _save(store, a, ("Donald Trump", "PERSON", 4))
    assert _save(store, b, ("Trump", "ORG", 3)) == [trump]
    # Elsewhere "Ford" the company is no person, though a Ford is stored.
    _placed(store, 2, c)
    (harrison,) = _save(store, c, ("Harrison Ford", "PERSON", 2))
    (ford,) = _save(store, d, ("Ford", "ORG", 2))
    assert ford != harrison
    s = cast(EntityStore, store)
    assert [x.label for x in s.find_entities("ford") if x.id == ford] == ["ORG"]
    # ... and what joined Donald Trump left no "ORG:trump" behind.
    assert s.get_entity(trump) is not None
    assert "Trump" in s.aliases_of(trump)


def test_a_persons_full_name_tagged_org_and_a_platform_tagged_person(store: Store) -> None:
    a, b, c, d = (_article(store, n) for n in range(4))
    (haley,) = _save(store, a, ("Nikki Haley", "PERSON", 2))
    assert _save(store, b, ("Nikki Haley", "ORG", 1)) == [haley]
    (twitter,) = _save(store, c, ("Twitter", "ORG", 2))
    assert _save(store, d, ("Twitter", "PERSON", 1)) == [twitter]


def test_junk_surnames_find_no_one(store: Store) -> None:
    a, b = _article(store, 0), _article(store, 1)
    (pay,) = _save(store, a, ("Apple Pay", "PERSON", 1))
    assert _save(store, b, ("Pay", "PERSON", 1)) != [pay]
