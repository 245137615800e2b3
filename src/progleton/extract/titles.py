"""Headlines: choosing among a page's title candidates and stripping site and section names.

A <title> is "Headline | Section | Site"; an og:title may be the site's name alone; an <h1> may be
the site's logo. The headline is the first candidate that, once the site's names and section
labels are stripped from its end, is neither empty nor the site's name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import lxml.html

from progleton.extract import lexicon_meta as lm
from progleton.extract.names import key as name_key

# An <h1> that is the site's logo, not the headline.
_LOGO = re.compile(
    r"(?:^|[\s_-])(?:logo|site-?(?:title|name)|brand(?:ing)?|masthead)(?:$|[\s_-])", re.IGNORECASE
)


def pick_title(candidates: list[str], names: list[str]) -> str | None:
    """The first candidate that, without site and section suffixes, is not the site's name."""
    keys = _site_keys(names)
    for raw in candidates:
        title = strip_site_suffix(raw, names)
        if title and _bare_key(title) not in keys:
            return title
    return None


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Remove site names and section labels around a headline: "Headline | Politics | Site".

    A trailing part goes when it names the site (fuzzily), when it is a section label, or when
    it is a short label after a pipe, and only while a substantial headline remains. A leading
    part goes only when it is exactly the site's name: "The Guardian view on ..." stays.
    """
    title = " ".join(title.split())
    keys = _site_keys(names)
    parts = lm.TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = lm.TITLE_SEPARATORS.findall(title)

    def names_site(part: str, *, loose: bool) -> bool:
        k = _bare_key(part)
        if not k:
            return False
        if k in keys:
            return True
        # Near misses in a short tail: "Express" for "Express.co.uk", "NYTimes.com" for
        # "NYTimes", "Sky News" for "Sky"; not a phrase that merely mentions the site.
        return loose and any(
            len(s) > 3 and len(k) > 3 and (k in s or (s in k and len(k) - len(s) <= 8))
            for s in keys
        )

    def substantial(rest: list[str]) -> bool:
        return len(" ".join(rest).split()) >= 3

    while len(parts) > 1:
        last, rest = parts[-1], parts[:-1]
        label = _section_key(last)
        if names_site(last, loose=True) or (
            substantial(rest)
            and (
                label in lm.SECTION_LABELS
                # An unnamed short tail after a pipe is still a site or section label.
                or (seps[-1].strip() == "|" and len(last.split()) <= 4)
            )
        ):
            parts.pop()
            seps.pop()
        else:
            break
    while len(parts) > 1 and names_site(parts[0], loose=False):
        parts.pop(0)
        seps.pop(0)
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=True):
        out += sep + part
    out = out.strip()
    if _section_key(out) in lm.SECTION_LABELS:
        # Never a bare section label when the title had a headline in it.
        longest = max(lm.TITLE_SEPARATORS.split(title), key=len)
        if _section_key(longest) not in lm.SECTION_LABELS:
            return longest.strip()
    return out


def _bare_key(text: str) -> str:
    return name_key(text).removeprefix("the")


def _section_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _site_keys(names: list[str]) -> set[str]:
    """Comparison keys for the site's names; a host also stands for its main label."""
    keys: set[str] = set()
    for name in names:
        k = _bare_key(name)
        if not k:
            continue
        keys.add(k)
        labels = k.split(".")
        if len(labels) >= 2:
            # "nytimes.com" -> "nytimes"; "express.co.uk" -> "express"; "news.sky.com" -> "sky".
            labels = labels[:-1]
            if len(labels) >= 2 and len(labels[-1]) <= 3:
                labels = labels[:-1]
            if len(labels[-1]) > 2:
                keys.add(labels[-1])
    return keys


def headline_h1(tree: lxml.html.HtmlElement) -> str | None:
    """The first <h1> that is not the site's logo (a link home, or marked as logo/brand)."""
    for h1 in tree.iter("h1"):
        marks = [h1, *h1.iterancestors()][:3]
        if any(_LOGO.search(f"{el.get('id', '')} {el.get('class', '')}") for el in marks):
            continue
        hrefs = [(a.get("href") or "").strip() for a in [*h1.iter("a"), *h1.iterancestors("a")]]
        if any(h and not h.startswith("#") and urlsplit(h).path in ("", "/") for h in hrefs):
            continue
        text = " ".join(h1.text_content().split())
        if text:
            return text
    return None
