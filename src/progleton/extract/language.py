"""A cheap language guess: writing system first, then stop-word counts for Latin scripts.

Good enough to label a news article with an ISO 639-1 code; it does not try to be a classifier
for short or mixed texts and answers None when unsure.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(words.split())
    for code, words in {
        "en": "the and of to in is that for it with was on as are he be by at this have from "
        "not but they his an which has were said will been their would who had its",
        "de": "der die und das ist nicht sich mit des den dem ein eine auch auf für von zu im "
        "wird sie es wurde bei nach aus einer noch wie über",
        "fr": "le la les et des est une un du dans que pour qui pas sur au plus par ce il elle "
        "sont avec aux ont été cette mais comme ses",
        "es": "el la los las y de que en un una es por con para del se no al lo como más pero "
        "sus fue ha este está son también",
        "it": "il di che la e è un una per non in sono del della le gli con si da ha dei nel "
        "alla anche più questo come",
        "pt": "o a os as e de que em um uma é do da dos das para com não no na por se mais foi "
        "ao como são também",
        "nl": "de het een en van is dat op te in niet zijn met voor die er aan ook om door maar "
        "werd naar bij wordt",
    }.items()
}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Any character of the scripts above or Cyrillic: most texts have none, one search says so.
_NOT_LATIN = re.compile(
    r"[\u0370-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_UKRAINIAN = re.compile(r"[іїєґІЇЄҐ]")
_BULGARIAN_WORDS = frozenset({"на", "за", "се", "от", "да", "е", "че", "са", "като", "във"})
_TOKEN = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the evidence is thin."""
    sample = text[:5000]
    letters = sum(map(str.isalpha, sample))
    if letters < 20:
        return None
    foreign = _NOT_LATIN.search(sample) is not None
    if foreign:
        for code, pattern in _SCRIPTS:
            # Kana before Han: Japanese mixes both; Chinese has no kana.
            if len(pattern.findall(sample)) > letters * 0.2:
                return code
    if foreign and len(_CYRILLIC.findall(sample)) > letters * 0.5:
        if len(_UKRAINIAN.findall(sample)) > letters * 0.005:
            return "uk"
        tokens = [t.lower() for t in _TOKEN.findall(sample)]
        bg = sum(t in _BULGARIAN_WORDS for t in tokens)
        return "bg" if bg > len(tokens) * 0.08 and "ъ" in sample else "ru"
    tokens = [t.lower() for t in _TOKEN.findall(sample)]
    if len(tokens) < 8:
        return None
    seen = Counter(tokens)
    counts = {code: sum(seen[w] for w in words if w in seen) for code, words in _STOPWORDS.items()}
    best = max(counts, key=lambda c: counts[c])
    ranked = sorted(counts.values(), reverse=True)
    # Ask for a clear winner: stop words share across Romance languages.
    if ranked[0] < max(3, len(tokens) * 0.08) or ranked[0] < ranked[1] * 1.3:
        return None
    return best


def normalize_code(raw: str | None) -> str | None:
    """'en-US', 'en_GB', 'EN' -> 'en'; anything that is not a language tag -> None."""
    if not raw:
        return None
    code = re.split(r"[-_;,\s]", raw.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
