"""Offline demo: a recorded corpus of real articles and a loopback server that publishes it.

`progleton demo` starts `progleton.demo.server.PublisherServer`, subscribes to its feeds and
crawls it over real HTTP, so fetching, extraction and storage run as they do on the internet.
The server module is not imported here, so ``python -m progleton.demo.server`` runs cleanly.
"""

from progleton.demo.corpus import Corpus, CorpusArticle, load_corpus
from progleton.demo.site import DemoPublisher

__all__ = ["Corpus", "CorpusArticle", "DemoPublisher", "load_corpus"]
