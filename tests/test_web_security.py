"""Hostile publisher content never becomes markup, script or a dangerous link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from progleton.web.present import safe_href, safe_image
from test_web_support import ATTR_BREAK, HOSTILE, World, build_world, parse, without_own_script


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build_world(tmp_path_factory.mktemp("web_security"))
    yield w
    w.store.close()


def _pages(world: World) -> list[str]:
    return [
        "/",
        f"/?source={world.failing_id}",
        f"/articles/{world.hostile_id}",
        "/sources",
        f"/sources/{world.failing_id}",
        f"/sources/{world.paused_id}",
        "/search?q=harvest",
        "/search?q=" + HOSTILE,
    ]


def test_hostile_text_is_escaped_everywhere(world: World) -> None:
    for path in _pages(world):
        r = world.client.get(path)
        assert r.status_code == 200, path
        assert "<script" not in without_own_script(r.text).lower(), path
        assert "<img src=x" not in r.text, path
        assert "<b>Eve</b>" not in r.text and "<i>Evil</i>" not in r.text, path
        assert ATTR_BREAK not in r.text, path


def test_hostile_text_is_shown_as_text(world: World) -> None:
    r = world.client.get(f"/articles/{world.hostile_id}")
    doc = parse(r.text)
    assert doc.xpath("//h1")[0].text_content() == f"Hostile {HOSTILE}{ATTR_BREAK} headline"
    paragraphs = [p.text_content() for p in doc.xpath("//div[@class='story-body']/p")]
    assert paragraphs[0] == f"Harvest body {HOSTILE} and <img src=x onerror=alert(3)>."
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_no_event_handler_attributes_or_script_urls(world: World) -> None:
    for path in _pages(world):
        doc = parse(world.client.get(path).text)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue  # comments
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (path, el.tag, name)
                assert "javascript:" not in value.lower(), (path, el.tag, name, value)
        for href in doc.xpath("//a/@href | //link/@href"):
            assert href.startswith(("/", "http://", "https://", "#")), (path, href)
        for src in doc.xpath("//img/@src"):
            assert src.startswith("https://"), (path, src)


def test_javascript_article_links_are_not_rendered(world: World) -> None:
    r = world.client.get(f"/articles/{world.hostile_id}")
    doc = parse(r.text)
    assert not doc.xpath("//a[contains(., 'Read the full article')]")
    assert not doc.xpath("//img")
    assert not doc.xpath("//link[@rel='canonical']")
    assert "unavailable" in r.text
    # The hostile language value is not a language tag, so it is not used as an attribute.
    assert not doc.xpath("//*[@lang and not(self::html)]")
    front = parse(world.client.get(f"/?source={world.failing_id}").text)
    assert not front.xpath("//a[contains(@class, 'read-original')]")


def test_api_returns_data_not_links_for_hostile_urls(world: World) -> None:
    body = world.client.get(f"/api/v1/articles/{world.hostile_id}").json()
    assert body["original_url"] is None
    assert body["title"] == f"Hostile {HOSTILE}{ATTR_BREAK} headline"  # JSON is data, not HTML


def test_feed_never_links_to_script_urls(world: World) -> None:
    text = world.client.get("/feed.atom").text
    assert "javascript:" not in text
    assert "<script>" not in text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("http://example.com/", "http://example.com/"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("//example.com/protocol-relative", None),
        ("/relative/path", None),
        ("https://", None),
        ("https://exa mple.com/", None),
        ("https://example.com/\nnext", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_safe_image_requires_https() -> None:
    assert safe_image("https://img.example/a.jpg") == "https://img.example/a.jpg"
    assert safe_image("http://img.example/a.jpg") is None  # blocked by the CSP anyway
    assert safe_image("data:image/png;base64,AAAA") is None
