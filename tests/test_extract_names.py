"""Author and publisher name clean-up, and the language guess."""

from __future__ import annotations

import pytest

from progleton.extract.language import guess_language, normalize_code
from progleton.extract.metadata import strip_site_suffix
from progleton.extract.names import clean_authors, clean_publisher, host_name


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
        # Agencies and desks glued to a name, or standing alone.
        (["Dana Kirk", "MARK LOWELL Associated Press"], ["Dana Kirk", "Mark Lowell"]),
        (["Owen Fairley. Example International"], ["Owen Fairley"]),
        (["Lena Park, Daily Example Business"], ["Lena Park"]),
        (["The Associated Press"], []),
        (["Reuters"], []),
        (["Condé Nast", "Naomi Brook"], ["Naomi Brook"]),
        (["DAILY EXAMPLE STAFF NOVEMBER"], []),
        (["The Daily Example https", "Www Dailyexample Com"], []),
        # A prose byline caught by a parser: not people.
        (["The Russian", "Syrian defense ministries"], []),
        (["Metro News Weekly", "Riverside wire services", "Staff Reports", "Editorial"], []),
        # One-word handles and user names are not bylines.
        (["admin", "Jdadmin", "Regan"], []),
        # Real names in their variety survive.
        (["Al Root", "Sarah E. Needleman", "Trevor J Mitchell", "Abigail Van Buren"],
         ["Al Root", "Sarah E. Needleman", "Trevor J Mitchell", "Abigail Van Buren"]),
        (["Roisin O'Connor", "Claire Gilbody-Dickerson", "Венера Ерофеева", "김철수"],
         ["Roisin O'Connor", "Claire Gilbody-Dickerson", "Венера Ерофеева", "김철수"]),
    ],
)  # fmt: skip
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw, site="Daily Example") == expected


def test_authors_that_name_the_site_or_an_organisation_are_dropped() -> None:
    assert clean_authors(["Sky"], site="Sky News") == []
    assert clean_authors(["Jill Dean", "Example Insider"], site="Example Insider Deutschland") == [
        "Jill Dean"
    ]
    assert clean_authors(["Ledger Sport"], site="The Ledger") == []
    assert clean_authors(["Harbor Holdings Group"], orgs=["Harbor Holdings Group"]) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" The  Northern Ledger ", "The Northern Ledger"),
        ("https://www.hawaiinewsnow.com", "hawaiinewsnow.com"),
        ("@politifact", "politifact"),
        ("Copyright 2014", None),
        ("", None),
        # A mirror's address is not a name.
        ("127.0.0.12:8800", None),
        ("localhost:8000", None),
        ("www.example.co.kr", "example.co.kr"),
        ("SpaceNews.example", "SpaceNews.example"),
        # Taglines, domains and lists after the name go.
        ("The Harbor Post | HarborPost.com", "The Harbor Post"),
        ("NaijaWire | Nigeria's popular news platform", "NaijaWire"),
        ("Motorsport | F1 | Indy | MotoGP | NASCAR", "Motorsport"),
        ("Retro 80/90 - Memorabilia anni 80/90", "Retro 80/90"),
        ("Home | The Daily Example", "The Daily Example"),
        # Hyphenated names and short suffixes are names.
        ("San Antonio Express-News", "San Antonio Express-News"),
        ("Motherboard - Vice", "Motherboard - Vice"),
    ],
)
def test_clean_publisher(raw: str, expected: str | None) -> None:
    assert clean_publisher(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.co.kr/news/1", "example.co.kr"),
        ("http://127.0.0.12:8800/news/1", None),
        ("http://[::1]:8800/x", None),
        ("http://localhost:8000/x", None),
        ("http://intranet/x", None),
        (None, None),
    ],
)
def test_host_name_is_never_an_address(url: str | None, expected: str | None) -> None:
    assert host_name(url) == expected


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
        # Only a segment naming the site goes from the front; section labels go from the end.
        ("The Ledger view on the port: a city on the brink | Editorial", "The Ledger",
         "The Ledger view on the port: a city on the brink"),
        ("Sentra is what we want from Nissan - Auto News", "AutoDaily.example",
         "Sentra is what we want from Nissan"),
        ("Markets rally on rate hopes | The Gateway Ledger", "The Gateway Ledger",
         "Markets rally on rate hopes"),
        ("Take C.A.R.E. - Examplecorp at the fair 2018", "Examplecorp",
         "Take C.A.R.E. - Examplecorp at the fair 2018"),
        ("Editorial | Council approves budget", "", "Editorial | Council approves budget"),
        ("Budget | Editorial", "", "Budget | Editorial"),
    ],
)  # fmt: skip
def test_strip_site_suffix(title: str, site: str, expected: str) -> None:
    assert strip_site_suffix(title, [site]) == expected
