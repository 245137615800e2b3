"""trafilatura's body tree -> Blocks (paragraphs, headings, list items, quotes, table rows)."""

from __future__ import annotations

import logging
from typing import Any

import trafilatura

from progleton.extract.boilerplate import Block
from progleton.extract.lines import split_lines

log = logging.getLogger(__name__)

# Soft hyphens and zero-width characters split words for search and dedupe; drop them.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def run_trafilatura(
    html: str, url: str | None, *, favor_precision: bool, fast: bool = False
) -> Any:
    """trafilatura's extraction (a Document with .body), or None if it failed.

    `fast` skips trafilatura's own second opinions (its readability and jusText runs). Its
    metadata is not read here: `trafmeta.trafilatura_meta` reads only the fields needed.
    """
    # Given the string rather than our tree: its own parser setup scores better on the
    # benchmark, and it prunes whatever tree it is handed.
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            fast=fast,
        )
    except Exception:  # a third-party parser on hostile input: any failure means "no body"
        log.debug("trafilatura failed on %s", url or "<page>", exc_info=True)
        return None


def body_blocks(doc: Any) -> list[Block]:
    """trafilatura's body tree as blocks: paragraphs, headings, list items, quotes, table rows."""
    body = getattr(doc, "body", None)
    if body is None:
        return []
    blocks: list[Block] = []
    _collect(body, blocks)
    return [b for b in blocks if b.text]


def _collect(el: Any, out: list[Block]) -> None:
    # trafilatura leaves some text loose in containers (as .text or as a child's .tail).
    if el.text and el.text.strip():
        out.extend(Block(part) for part in split_lines(el.text))
    for child in el:
        _collect_one(child, out)
        if child.tail and child.tail.strip():
            out.extend(Block(part) for part in split_lines(child.tail))


def _collect_one(child: Any, out: list[Block]) -> None:
    tag = child.tag
    if tag == "head":
        out.append(Block(_flat(child), "heading"))
    elif tag == "list":
        out.extend(Block(_flat(it, nested_lists=False), "item") for it in child.iter("item"))
    elif tag == "table":
        for row in child.iter("row"):
            cells = [_flat(cell) for cell in row.iter("cell")]
            out.append(Block(" | ".join(c for c in cells if c), "table"))
    elif tag == "quote" and len(child) and all(c.tag in ("p", "list", "quote") for c in child):
        before = len(out)
        _collect(child, out)
        out[before:] = [Block(b.text, "quote") for b in out[before:]]
    elif tag in ("div", "body", "main", "section"):
        _collect(child, out)
    elif tag in ("p", "quote", "code", "hi", "ref"):
        kind = "quote" if tag == "quote" else "p"
        out.extend(Block(part, kind) for part in split_lines(_flat(child, keep_breaks=True)))


def _flat(el: Any, *, keep_breaks: bool = False, nested_lists: bool = True) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.tag == "lb":
            parts.append("\n" if keep_breaks else " ")
        elif node.tag in ("list",) and not nested_lists:
            return
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    text = "".join(parts).translate(_INVISIBLE)
    if keep_breaks:
        return "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return " ".join(text.split())
