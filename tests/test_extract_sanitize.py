"""The allow-list sanitiser."""

from __future__ import annotations

from progleton.extract import sanitize_html


def test_scripts_styles_and_frames_are_removed_with_their_content() -> None:
    out = sanitize_html(
        "<p>ok</p><script>alert(1)</script><style>p{}</style><iframe src='https://x'>f</iframe>"
    )
    assert out == "<p>ok</p>"


def test_event_handlers_are_removed() -> None:
    out = sanitize_html('<img src="https://cdn.example/a.jpg" onerror="alert(1)" alt="A">')
    assert "onerror" not in out
    assert 'src="https://cdn.example/a.jpg"' in out and 'alt="A"' in out


def test_javascript_urls_are_removed() -> None:
    for href in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\nscript:alert(1)",
                 " javascript:alert(1)", "vbscript:msgbox(1)", "javascript&colon;alert(1)",
                 "&#106;avascript:alert(1)", "jav&#x09;ascript:alert(1)"):  # fmt: skip
        out = sanitize_html(f'<a href="{href}">x</a>')
        assert "script" not in out.lower(), href
        assert ">x</a>" in out


def test_links_get_rel_and_are_resolved_against_base() -> None:
    out = sanitize_html('<a href="/story/1" target="_blank">read</a>', "https://news.example/a/")
    assert 'href="https://news.example/story/1"' in out
    assert 'rel="nofollow noopener noreferrer"' in out
    assert "target" not in out


def test_images_allow_http_and_data_image_only() -> None:
    assert "data:image/png;base64,AAAA" in sanitize_html('<img src="data:image/png;base64,AAAA">')
    assert "src" not in sanitize_html('<img src="data:text/html;base64,PHNjcmlwdD4=">')
    assert "src" not in sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4=">')
    assert "src" not in sanitize_html('<img src="ftp://example.com/a.png">')


def test_disallowed_tags_are_unwrapped_and_attributes_dropped() -> None:
    out = sanitize_html(
        '<div class="x" style="color:red"><h1>Title</h1><h2 id="s">Sub</h2>'
        '<p style="x">Text <span>inline</span> <em>em</em></p>'
        "<table><tr><td>c</td></tr></table></div>"
    )
    assert out == "Title<h2>Sub</h2><p>Text inline <em>em</em></p>c"


def test_allowed_structure_survives() -> None:
    html = (
        '<figure><img src="https://x.example/a.jpg" alt="a"><figcaption>cap</figcaption></figure>'
        "<blockquote><p>q</p></blockquote><ul><li>1</li></ul><ol><li>2</li></ol>"
        "<pre><code>x = 1</code></pre><p>a<br>b <strong>s</strong> <b>b</b> <i>i</i></p>"
    )
    assert sanitize_html(html) == html
