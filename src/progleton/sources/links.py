"""Entry links: only http(s) URLs survive, resolved and without tracking parameters.

A feed is publisher-controlled text, so its links are hostile until proven otherwise:
`javascript:`, `data:`, `mailto:`, `file:` and friends never become an entry URL.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

# Tracking parameters, by exact (lower-cased) name and by prefix. Deliberately narrower than
# courlan's list used for identity keys (`progleton.dedupe.url_key`): this URL is the one we
# fetch, and generic names such as "source", "ref" or "uid" sometimes select the article.
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "igshid", "igsh", "li_fat_id", "mkt_tok", "_ga", "_gl", "ncid", "cmpid",
        "s_cid", "wt.mc_id", "wt_mc", "at_medium", "at_campaign", "rb_clickid", "srsltid",
        "_openstat", "__twitter_impression", "ref_src", "ref_url", "sr_share", "hsctatracking",
        "fb_action_ids", "fb_action_types", "fb_source", "fb_ref", "xtor", "mbid", "mc_cid",
        "mc_eid",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "mtm_", "oly_", "itm_", "vero_", "_hs", "hsa_")
_QUERYISH = re.compile(r"^[^=&]+=[^&]*(?:&[^=&]+=[^&]*)*$")


def http_url(value: object, base: str) -> str | None:
    """`value` resolved against `base` if it is an http(s) URL with a host, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        # urlsplit drops tabs/newlines and leading control characters the way browsers do,
        # so "java\tscript:" and " javascript:" are seen with their real scheme here.
        url = urljoin(base, value.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).strip().lower()
    return name in _TRACKING_NAMES or name.startswith(_TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """`url` without tracking parameters in its query (or a fragment made only of them).

    Other parameters keep their order and spelling: only whole `name=value` pairs are removed.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pairs = [p for p in parts.query.split("&") if p]
    kept = [p for p in pairs if not _is_tracking(p)]
    fragment = parts.fragment
    if _QUERYISH.match(fragment) and all(_is_tracking(p) for p in fragment.split("&")):
        fragment = ""  # "#utm_source=x&utm_medium=y" (some newsletters track in the fragment)
    if len(kept) == len(pairs) and fragment == parts.fragment:
        return url
    return urlunsplit(parts._replace(query="&".join(kept), fragment=fragment))


def entry_url(value: object, base: str) -> str | None:
    """An entry's link as Progleton stores it: http(s) only, absolute, tracking stripped."""
    url = http_url(value, base)
    return strip_tracking(url) if url is not None else None
