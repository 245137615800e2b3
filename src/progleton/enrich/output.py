"""Enrichment in command output: `progleton extract --format json` gains entities and quotes."""

from __future__ import annotations

import json

from progleton.models import Article
from progleton.store.entitydb import enrichment_text


def with_enrichment(rendered_json: str, article: Article) -> str:
    """The article's JSON with `entities` and `quotes` (and `enrichment_skipped` if so)."""
    from progleton.enrich.enricher import enrich_text

    data = json.loads(rendered_json)
    result = enrich_text(enrichment_text(article), article.language).to_json()
    data["entities"] = result["entities"]
    # Enrichment reads the title, a blank line and the body; each quote's span is given
    # into the field it is in ("title" or "text"), as the JSON shows them.
    offset = len(article.title) + 2 if article.title else 0
    for quote in result["quotes"]:
        start, end = quote["span"]
        if start < offset:
            quote["field"] = "title"
        else:
            quote["field"] = "text"
            quote["span"] = [start - offset, end - offset]
    data["quotes"] = result["quotes"]
    if "skipped" in result:
        data["enrichment_skipped"] = result["skipped"]
    return json.dumps(data, ensure_ascii=False, indent=2)
