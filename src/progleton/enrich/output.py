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
    data["quotes"] = result["quotes"]
    if "skipped" in result:
        data["enrichment_skipped"] = result["skipped"]
    return json.dumps(data, ensure_ascii=False, indent=2)
