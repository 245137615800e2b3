"""Choose the character encoding to decode an XML feed with, when the server and document disagree.

RFC 7303 says the HTTP charset wins, but the classic misconfiguration is a server that labels
everything ISO-8859-1 while the feed is UTF-8. Valid multi-byte UTF-8 almost never happens by
accident, so UTF-8 that decodes cleanly beats any label.
"""

from __future__ import annotations

import codecs
import re

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _norm(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def _decodes(content: bytes, name: str) -> bool:
    try:
        content.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def declared_encoding(content: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased."""
    m = _DECLARED.match(content[:512].lstrip(codecs.BOM_UTF8))
    return m.group(1).decode("ascii").lower() if m else None


def pick_charset(content: bytes, http_charset: str | None) -> tuple[str | None, str | None]:
    """(charset to force or None to let the parser decide, warning or None)."""
    if content.startswith(_BOMS) or b"\x00" in content[:256]:
        return None, None  # BOMs and UTF-16/32 are the parser's business
    declared = declared_encoding(content)
    stated = http_charset or declared
    if not content.isascii() and _decodes(content, "utf-8"):
        if stated and _norm(stated) != "utf-8":
            return "utf-8", f"declared charset {stated} is wrong; the content is UTF-8"
        return "utf-8", None
    if http_charset and declared and _norm(http_charset) != _norm(declared):
        for name in (http_charset, declared):
            if _decodes(content, name):
                return name, f"server says charset {http_charset}, document says {declared}"
    if http_charset and _decodes(content, http_charset):
        return http_charset, None
    return None, None
