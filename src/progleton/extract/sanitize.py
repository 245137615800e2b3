"""Allow-list HTML sanitiser (nh3) for showing publisher HTML safely."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "a", "em", "strong", "b", "i", "blockquote", "ul", "ol", "li", "h2", "h3", "h4",
        "figure", "figcaption", "img", "br", "code", "pre",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "img": {"src", "alt"}}
# Elements whose content is dropped with them (not just unwrapped).
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                      "svg", "math", "form", "textarea", "select", "button"}  # fmt: skip
_LINK_REL = "nofollow noopener noreferrer"


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Keep only harmless markup; resolve links against `base_url`; add rel=nofollow etc."""

    def check(tag: str, attr: str, value: str) -> str | None:
        if attr == "href":
            return _safe_url(value, base_url, allow_data=False)
        if attr == "src":
            return _safe_url(value, base_url, allow_data=True)
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=check,
        url_schemes={"http", "https", "data"},
        link_rel=_LINK_REL,
        strip_comments=True,
    )


def _safe_url(value: str, base: str | None, *, allow_data: bool) -> str | None:
    raw = "".join(value.split())  # "java\nscript:" tricks rely on browsers ignoring whitespace
    if raw.lower().startswith("data:"):
        return (
            raw
            if allow_data
            and raw.lower().startswith("data:image/")
            and "svg" not in raw[:20].lower()
            else None
        )
    absolute = urljoin(base, raw) if base else raw
    scheme = urlsplit(absolute).scheme.lower()
    if scheme in ("http", "https") or (not scheme and not base):
        return absolute
    return None
