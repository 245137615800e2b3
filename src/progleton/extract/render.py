"""Render an Article as JSON, Markdown or plain text (used by `progleton extract`)."""

from __future__ import annotations

import json
import re
from typing import Any

from progleton.models import Article

FORMATS = ("json", "md", "txt")


def to_dict(article: Article) -> dict[str, Any]:
    """The JSON shape of an extracted article."""
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "authors": list(article.authors),
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "image": article.image,
        "publisher": article.publisher,
        "description": article.description,
        "topics": list(article.topics),
        "access": article.access,
        "paragraphs": list(article.paragraphs),
        "text": article.text,
    }


def render(article: Article, fmt: str) -> str:
    """Render as "json", "md" or "txt"; raises ValueError for other formats."""
    if fmt == "json":
        return json.dumps(to_dict(article), ensure_ascii=False, indent=2)
    if fmt == "md":
        return _markdown(article)
    if fmt == "txt":
        return _plain(article)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _byline(article: Article) -> str:
    bits = [
        article.publisher or "",
        ", ".join(article.authors),
        article.published.strftime("%Y-%m-%d %H:%M UTC") if article.published else "",
    ]
    return " · ".join(b for b in bits if b)


def _md_escape(text: str) -> str:
    # Only what would change the structure of a line: leading markers and inline syntax.
    out = text.replace("\\", "\\\\")
    for ch in "*_`[]<>":
        out = out.replace(ch, "\\" + ch)
    if out[:1] in "#+-=|" or re.match(r"\d+[.)]\s", out):
        out = "\\" + out
    return out


def _markdown(article: Article) -> str:
    lines = [f"# {_md_escape(article.title)}", ""]
    byline = _byline(article)
    if byline:
        lines += [f"*{_md_escape(byline)}*", ""]
    for paragraph in article.paragraphs:
        lines += [_md_escape(paragraph), ""]
    source = article.canonical_url or article.url
    if source:
        lines += [f"[Read at {_md_escape(article.publisher or 'the source')}](<{source}>)", ""]
    return "\n".join(lines).rstrip() + "\n"


def _plain(article: Article) -> str:
    head = [article.title]
    byline = _byline(article)
    if byline:
        head.append(byline)
    parts = ["\n".join(head), *article.paragraphs]
    source = article.canonical_url or article.url
    if source:
        parts.append(f"Source: {source}")
    return "\n\n".join(parts) + "\n"
