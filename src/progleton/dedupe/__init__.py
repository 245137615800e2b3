"""Recognising the same article: URL identity now, near-duplicate content later."""

from progleton.dedupe.urls import url_key

__all__ = ["url_key"]
