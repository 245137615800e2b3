"""Who said what: named entities and attributed quotes in stored articles (spaCy, lazily)."""
