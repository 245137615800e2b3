"""HTML path: recorded article pages with appeals, metadata, encodings and hostile input."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trafilatura

from progleton.errors import ExtractionError
from progleton.extract import extract_article
from progleton.extract.decode import decode_html

DATA = Path(__file__).parent / "data" / "extract"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _page(name: str) -> bytes:
    return (DATA / name).read_bytes()


# (fixture, phrases of the appeal that must go, first and last news paragraph openings)
APPEAL_PAGES = [
    (
        "guardian_style.html",
        ["small favour to ask", "from just £1", "Remind me in May", "payment methods"],
        "Councillors in Aldbridge have approved",
        "The council said it had commissioned",
    ),
    (
        "propublica_style.html",
        ["Value Our Journalism", "Donate now", "tax-deductible"],
        "Nonprofit hospitals in three states",
        "The state attorney general's office said",
    ),
    (
        "member_drive.html",
        ["Join the Lone Star Report", "doesn't come free", "sustaining member", "Already a member"],
        "State lawmakers on Wednesday",
        "Facilities that fail to comply",
    ),
    (
        "newsletter_box.html",
        ["Morning Brief", "delivered to your inbox", "Enter your email", "you agree to our"],
        "The city will replace every known lead",
        "The utility said it would notify residents",
    ),
    (
        "paywall.html",
        ["free articles left", "$1/week", "Already a subscriber"],
        "The Harbor City Port Authority voted",
        "Construction is expected to begin next spring",
    ),
]


@pytest.mark.parametrize(("name", "junk", "first", "last"), APPEAL_PAGES)
def test_appeals_are_removed_from_html_articles(
    name: str, junk: list[str], first: str, last: str
) -> None:
    html = _page(name)
    # The fixture must be a real test of the filter: trafilatura alone keeps some of the appeal.
    raw = trafilatura.extract(html.decode("utf-8"), favor_precision=True) or ""
    assert any(j.lower() in raw.lower() for j in junk), f"{name}: trafilatura already drops it"

    article = extract_article(html, "https://example.test/story", now=NOW)
    text = article.text.lower()
    for phrase in junk:
        assert phrase.lower() not in text, f"{name}: {phrase!r} survived"
    assert article.paragraphs[0].startswith(first)
    assert article.paragraphs[-1].startswith(last)


def test_mid_article_appeal_keeps_the_story_after_it() -> None:
    article = extract_article(_page("propublica_style.html"), now=NOW)
    assert len(article.paragraphs) == 7
    assert any(
        p.startswith('"Nobody ever told me there was a program,"') for p in article.paragraphs
    )


def test_news_about_donations_and_subscriptions_is_kept_whole() -> None:
    article = extract_article(_page("negatives.html"), now=NOW)
    assert len(article.paragraphs) == 7
    assert article.paragraphs[0].startswith("The region's largest food bank said on Tuesday")
    assert "Please give what you can" in article.text
    assert "print subscribers cancelled" in article.text
    assert "consider a small monthly gift" in article.text
    assert article.paragraphs[-1].startswith("The county board is expected to vote")


def test_metadata_from_meta_tags() -> None:
    article = extract_article(_page("guardian_style.html"), now=NOW)
    assert (
        article.title == "Council approves £40m flood barrier for river town after decade of delays"
    )
    assert article.publisher == "The Northern Ledger"
    assert article.authors == ["Helen Marsh"]
    assert article.published == datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert article.language == "en"
    assert article.description is not None and article.description.startswith("The scheme will")
    # og:image is relative in the page: resolved against the canonical URL.
    assert article.image == "https://www.northernledger.example/images/2024/aldbridge-flood.jpg"


def test_canonical_url_drops_tracking_parameters_and_fragment() -> None:
    article = extract_article(_page("guardian_style.html"), now=NOW)
    expected = (
        "https://www.northernledger.example/uk-news/2024/mar/12/aldbridge-flood-barrier-approved"
    )
    assert article.canonical_url == expected
    assert article.url == expected  # no URL given: the canonical one stands in


def test_given_url_is_kept_and_relative_canonical_is_resolved() -> None:
    url = "https://lonestarreport.example/2025/05/21/nursing-homes-backup-power-bill/?utm_source=x"
    article = extract_article(_page("member_drive.html"), url, now=NOW)
    assert article.url == url
    assert (
        article.canonical_url
        == "https://lonestarreport.example/2025/05/21/nursing-homes-backup-power-bill/"
    )


def test_og_url_is_the_fallback_canonical() -> None:
    article = extract_article(_page("paywall.html"), now=NOW)
    assert (
        article.canonical_url == "https://harborcitytimes.example/business/port-terminal-expansion"
    )


def test_json_ld_metadata() -> None:
    article = extract_article(_page("propublica_style.html"), now=NOW)
    assert article.authors == ["Daniel Reyes", "Priya Natarajan"]
    assert article.published == datetime(2023, 10, 4, 9, 0, tzinfo=UTC)
    assert article.image == "https://img.civicdesk.example/hospital-lawsuits.jpg"
    assert article.publisher == "The Civic Desk"
    assert article.title.startswith("Hospitals Sued Thousands of Patients")


def _story_html(head: str = "", body_extra: str = "", lang: str = "en") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {i}: the committee heard evidence from residents, engineers and officials "
        f"about the proposed bridge, and said it would publish its findings in the spring.</p>"
        for i in range(1, 6)
    )
    return (
        f'<html lang="{lang}"><head><title>Bridge inquiry hears evidence | Daily Example</title>'
        f"{head}</head><body><article><h1>Bridge inquiry hears evidence</h1>{paragraphs}"
        f"{body_extra}</article></body></html>"
    )


def test_future_publication_date_is_dropped() -> None:
    head = (
        '<meta property="article:published_time" content="2031-01-01T00:00:00Z">'
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2030-05-05T10:00:00Z"}</script>'
    )
    article = extract_article(_story_html(head), "https://daily.example/bridge", now=NOW)
    assert article.published is None or article.published <= NOW


def test_future_date_falls_back_to_a_past_one() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"NewsArticle",'
        '"datePublished":"2030-05-05T10:00:00Z"}</script>'
        '<meta property="article:published_time" content="2025-02-03T08:00:00+01:00">'
    )
    article = extract_article(_story_html(head), now=NOW)
    assert article.published == datetime(2025, 2, 3, 7, 0, tzinfo=UTC)


def test_title_site_suffix_is_stripped_from_title_tag() -> None:
    article = extract_article(_story_html(), now=NOW)
    assert article.title == "Bridge inquiry hears evidence"
    assert article.paragraphs[0].startswith("Paragraph 1:")  # the h1 is not a body paragraph


CP1251_TEXT = [
    "Городской совет в понедельник утвердил план строительства нового моста через реку, "
    "сообщили в администрации города.",
    "Работы начнутся весной и продлятся около трёх лет, а стоимость проекта составит "
    "четыре миллиарда рублей.",
    "Жители окрестных домов заявили, что опасаются шума и пробок во время строительства, "
    "однако власти пообещали ограничить ночные работы.",
]
LATIN1_TEXT = [
    "Le conseil municipal a approuvé lundi la construction d'un nouveau pont sur la rivière, a "
    "indiqué la mairie dans un communiqué.",
    "Les travaux commenceront au printemps et dureront environ trois ans, pour un coût estimé à "
    "quarante millions d'euros.",
    "Les riverains craignent le bruit et les embouteillages pendant le chantier, mais la ville a "
    "promis de limiter les travaux de nuit.",
]


@pytest.mark.parametrize(
    ("charset", "paragraphs", "title", "lang"),
    [
        ("windows-1251", CP1251_TEXT, "Совет утвердил строительство моста", "ru"),
        ("iso-8859-1", LATIN1_TEXT, "Le conseil approuve le nouveau pont", "fr"),
    ],
)
def test_legacy_charsets_declared_in_meta(
    charset: str, paragraphs: list[str], title: str, lang: str
) -> None:
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    article = extract_article(html.encode(charset), now=NOW)
    assert article.title == title
    assert article.paragraphs == paragraphs
    assert article.language == lang


def test_undeclared_legacy_bytes_are_sniffed() -> None:
    html = "<html><body><article><h1>Мост</h1>" + "".join(f"<p>{p}</p>" for p in CP1251_TEXT)
    article = extract_article((html + "</article></body></html>").encode("cp1251"), now=NOW)
    assert article.paragraphs == CP1251_TEXT


def test_wrong_declared_charset_and_stray_bytes_do_not_crash() -> None:
    body = "".join(f"<p>{p}</p>" for p in LATIN1_TEXT).encode("utf-8")
    html = b'<html><head><meta charset="windows-1252"></head><body><article>' + body
    article = extract_article(html + b"\xff\xfe\x81 broken</article>", now=NOW)
    assert article.paragraphs[0] == LATIN1_TEXT[0]


def test_http_charset_argument_wins_over_sniffing() -> None:
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in LATIN1_TEXT) + "</article>"
    article = extract_article(html.encode("cp1252"), encoding="ISO-8859-1", now=NOW)
    assert article.paragraphs == LATIN1_TEXT


HOSTILE = [
    b"",
    b"   ",
    b"\x00\x01\x02\xff\xfe",
    b"<html><body><script>alert(1)</script></body></html>",
    b"<<<<>>>><p><p><div></span></table>" * 200,
    b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 10,
    b'<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
    b"<html><head><meta charset='no-such-charset'></head><body><p>caf\xe9</p></body></html>",
    "<p>Ω≈ç√∫ 😀 \u202e RTL override \ufeff</p>".encode(),
    b"<svg><script>alert(1)</script></svg>" + b"\x00" * 100,
]


@pytest.mark.parametrize("html", HOSTILE)
def test_broken_and_hostile_html_raises_only_extraction_error(html: bytes) -> None:
    try:
        article = extract_article(html, "https://example.test/x", now=NOW)
    except ExtractionError as exc:
        assert str(exc)
    else:
        assert article.paragraphs
        assert all("<script" not in p for p in article.paragraphs)


def test_broken_markup_with_a_story_still_extracts() -> None:
    paragraphs = "".join(
        f"<p>Officials said the storm damaged {i} homes along the coast, and crews worked "
        "overnight to restore power to the area<b><i>"
        for i in range(10, 16)
    )
    html = "<html><head><title>Storm damage</title><body><div><article>" + paragraphs
    article = extract_article(html, now=NOW)
    assert len(article.paragraphs) >= 3
    assert "restore power" in article.text


def test_no_body_raises_a_clear_error() -> None:
    with pytest.raises(ExtractionError, match="no article body"):
        extract_article(
            "<html><head><title>Empty</title></head><body><nav>Home</nav></body></html>"
        )


def test_paragraphs_have_no_markup_or_stray_whitespace() -> None:
    article = extract_article(_page("newsletter_box.html"), now=NOW)
    for paragraph in article.paragraphs:
        assert paragraph == paragraph.strip()
        assert not re.search(r"\s{2,}|<[a-z]", paragraph)


def test_byte_order_marks_decide_the_encoding() -> None:
    page = "<p>Überschrift – café</p>"
    assert decode_html(codecs.BOM_UTF8 + page.encode("utf-8")) == page
    assert decode_html(codecs.BOM_UTF16_LE + page.encode("utf-16-le")) == page
    # A meta tag claiming UTF-16 in ASCII-compatible bytes is impossible; it is ignored.
    fake = b'<meta charset="utf-16"><p>caf\xc3\xa9</p>'
    assert decode_html(fake).endswith("<p>café</p>")
