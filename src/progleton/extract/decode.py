"""Bytes -> text for HTML pages, in the browser's order: BOM, transport charset, <meta>, sniffing.

Never raises on bad bytes: the last resort decodes with replacement characters.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG: labels that browsers decode as a superset encoding.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}


def codec_name(label: str | None) -> str | None:
    """A Python codec for a charset label, or None when the label is unknown."""
    if not label:
        return None
    clean = label.strip().strip("\"'").lower()
    clean = _SUPERSETS.get(clean, clean)
    try:
        name = codecs.lookup(clean).name
    except LookupError:
        return None
    # A page cannot really be UTF-16 if it declared so in ASCII-compatible bytes we just read.
    return None if name.startswith("utf-16") or name.startswith("utf-32") else name


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares in its first bytes (<meta charset>, http-equiv, XML)."""
    head = data[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        if match:
            name = codec_name(match.group(1).decode("ascii", "ignore"))
            if name:
                return name
    return None


def decode_html(data: bytes, transport_charset: str | None = None) -> str:
    """Decode an HTML document; `transport_charset` is the HTTP Content-Type charset if any."""
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    # Valid UTF-8 with non-ASCII bytes is almost never a legacy encoding by chance, and pages that
    # declare latin-1 but serve UTF-8 are common; so UTF-8 that decodes wins over labels.
    labelled = [c for c in (codec_name(transport_charset), declared_charset(data)) if c]
    for name in ["utf-8", *labelled]:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    # UTF-8 with a few stray bytes (a truncated or spliced page) is still UTF-8.
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    multibyte = sum(1 for ch in as_utf8 if ord(ch) > 127) - bad
    if multibyte > 0 and multibyte >= 2 * bad:
        return as_utf8
    # A label that is right apart from a few stray bytes beats guessing.
    for name in labelled:
        text = data.decode(name, errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 1000):
            return text
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding, errors="replace")
        except LookupError:
            pass
    return data.decode(labelled[0] if labelled else "cp1252", errors="replace")
