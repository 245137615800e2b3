"""Author and publisher name clean-up, and the language guess."""

from __future__ import annotations

import pytest

from progleton.extract.language import guess_language, normalize_code
from progleton.extract.metadata import strip_site_suffix
from progleton.extract.names import clean_authors, clean_publisher


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
        (["Jane Doe; jane doe", "John Roe"], ["Jane Doe", "John Roe"]),
        (["Jeff Foust Monday, November 18, 2019"], ["Jeff Foust"]),
        (["Analysis by Chris Cillizza, CNN Editor-at-large"], ["Chris Cillizza"]),
        (["STEVE PEOPLES, AP National Political Writer"], ["Steve Peoples"]),
        (["Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
        (["https://www.facebook.com/jdoe", "@jdoe", "Staff writer"], []),
        (["Daily Example"], []),  # the site itself is not an author
    ],
)
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, site="Daily Example") == expected


def test_clean_publisher() -> None:
    assert clean_publisher(" The  Northern Ledger ") == "The Northern Ledger"
    assert clean_publisher("https://www.hawaiinewsnow.com") == "hawaiinewsnow.com"
    assert clean_publisher("@politifact") == "politifact"
    assert clean_publisher("Copyright 2014") is None
    assert clean_publisher("") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The council said on Tuesday that it would not raise taxes this year, and that the "
         "budget gap would be closed with savings.", "en"),
        ("Der Stadtrat hat am Dienstag beschlossen, die Steuern in diesem Jahr nicht zu erhöhen, "
         "und die Lücke im Haushalt soll durch Einsparungen geschlossen werden.", "de"),
        ("Le conseil municipal a décidé mardi de ne pas augmenter les impôts cette année, et le "
         "déficit sera comblé par des économies.", "fr"),
        ("El ayuntamiento decidió el martes que no subirá los impuestos este año y que el déficit "
         "se cubrirá con ahorros.", "es"),
        ("Городской совет во вторник решил не повышать налоги в этом году, а дефицит бюджета "
         "покроют за счёт экономии.", "ru"),
        ("Міська рада у вівторок вирішила не підвищувати податки цього року, а дефіцит "
         "покриють за рахунок економії.", "uk"),
        ("市議会は火曜日、今年は増税しないことを決めた。財政赤字は歳出削減で補うという。", "ja"),
    ],
)  # fmt: skip
def test_guess_language(text: str, code: str) -> None:
    assert guess_language(text) == code


def test_guess_language_declines_when_unsure() -> None:
    assert guess_language("OK 123") is None
    assert guess_language("Lorem ipsum dolor sit amet, consectetur adipiscing elit.") is None


def test_normalize_code() -> None:
    assert normalize_code("en-US") == "en"
    assert normalize_code("pt_BR") == "pt"
    assert normalize_code(" DE ") == "de"
    assert normalize_code("english!") is None
    assert normalize_code(None) is None


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Council approves budget | The Northern Ledger", "The Northern Ledger",
         "Council approves budget"),
        ("BBC News - Council approves budget", "BBC News", "Council approves budget"),
        ("Council approves budget | Politics | The Guardian", "the Guardian",
         "Council approves budget"),
        ("Stock falls – nytimes.com", "www.nytimes.com", "Stock falls"),
        ("Biden - Harris ticket gains ground", "CNN", "Biden - Harris ticket gains ground"),
        ("Iran: the deal explained", "Vox", "Iran: the deal explained"),
        ("法改正の影響 - 特許事務所", "特許事務所", "法改正の影響"),
    ],
)  # fmt: skip
def test_strip_site_suffix(title: str, site: str, expected: str) -> None:
    assert strip_site_suffix(title, [site]) == expected
