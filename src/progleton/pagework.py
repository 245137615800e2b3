"""What an extraction worker does with one fetched page: extract it, fingerprint its body.

Kept out of `pipeline.py` so that worker processes (preloaded by the forkserver) import only
the extractor and the fingerprinting, not the crawler, the store or the story stage.
"""

from __future__ import annotations

from progleton.dedupe.near import Fingerprint, fingerprint
from progleton.extract import extract_article
from progleton.extract.article import extract_page
from progleton.extract.templates import SiteTemplate, pack
from progleton.models import Article


def extract_and_fingerprint(content: bytes, url: str) -> tuple[Article, Fingerprint]:
    """Extract a page and fingerprint its body (run in an extraction worker)."""
    article = extract_article(content, url)
    return article, fingerprint(article.text)


def extract_for_site(
    content: bytes, url: str, template: SiteTemplate | None
) -> tuple[Article, Fingerprint, bytes]:
    """Extract a page with its site's template; also its fingerprint and packed block
    signatures (what the site's template is learned from)."""
    res = extract_page(content, url, template=template, signatures=True)
    return res.article, fingerprint(res.article.text), pack(res.blocks)
