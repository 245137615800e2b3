"""Progleton: a self-hostable news aggregator.

Follow publishers, fetch politely, extract clean stories, store them, serve a front page.
"""

from progleton.models import Article, FeedEntry, ParsedFeed, Source

__all__ = ["Article", "FeedEntry", "ParsedFeed", "Source", "__version__"]
__version__ = "0.1.0"
