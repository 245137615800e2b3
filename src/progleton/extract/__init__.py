"""Extraction stage: HTML pages or plain-text dumps -> `Article`, with boilerplate removed.

extract_article(html, url)       HTML (str or bytes) -> Article      (article.py)
extract_text_dump(text, now)     aggregator text dump -> Article     (text.py)
sanitize_html(html, base_url)    allow-list HTML sanitiser           (sanitize.py)
render(article, fmt)             json | md | txt                      (render.py)
"""

from progleton.extract.article import extract_article
from progleton.extract.render import render
from progleton.extract.sanitize import sanitize_html
from progleton.extract.text import extract_text_dump

__all__ = ["extract_article", "extract_text_dump", "render", "sanitize_html"]
