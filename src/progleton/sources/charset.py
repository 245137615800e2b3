"""Decode an XML feed to text, when the server, the document and the bytes disagree.

RFC 7303 says the HTTP charset wins, but the classic misconfiguration is a server that labels
everything ISO-8859-1 while the feed is UTF-8. Valid multi-byte UTF-8 almost never happens by
accident, so UTF-8 that decodes cleanly beats any label. Bytes that match no label are guessed
(charset-normalizer) only for scripts the guess is reliable for; Western text falls back to
windows-1252, which is what undeclared legacy feeds nearly always are.

We decode ourselves (rather than letting feedparser do it) so that the DOCTYPE scrubbing in
`xmlsafe` sees exactly the text the XML parser will see, whatever the encoding.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["declared_encoding", "decode_xml", "pick_charset"]

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, which is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<?" (or "<" then a name) without a BOM, per XML 1.0 appendix F.
_WIDE = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
# Labels browsers decode as a superset (WHATWG Encoding): latin-1 feeds use cp1252 quotes.
_SUPERSETS = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030"}
# Codecs that decode to something other than the text the bytes spell: UTF-7 hides markup
# ("+ADw-" is "<"), the escape codecs turn "\u003c" into "<". No feed uses them honestly.
_REFUSED = frozenset({"utf_7", "unicode_escape", "raw_unicode_escape", "punycode", "idna"})
# Guesses worth trusting: scripts whose byte patterns are distinctive. Latin-script guesses
# (cp1250 vs cp1252 vs mac_roman...) are coin flips on short feeds.
_GUESSABLE = frozenset(
    {
        "cp932", "shift_jis", "euc_jp", "iso2022_jp", "cp949", "euc_kr", "gb18030", "gbk",
        "big5", "big5hkscs", "cp950", "cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic",
        "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620",
    }
)  # fmt: skip
_FALLBACK = "cp1252"
# XML 1.0 forbids these even as character references; one stray control byte would otherwise
# send the whole feed to feedparser's slow, lossy fallback parser.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# ...and references to them are worse: feedparser's fallback parser crashes on "&#xD800;"
# (UnicodeEncodeError) and lxml's recovering parser stores it as bytes that fail to decode.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or (0x10000 <= code <= 0x10FFFF)
    )


def _check_ref(m: re.Match[str]) -> str:
    digits = m.group(1) or m.group(2)
    if len(digits) > 8:  # also keeps int() away from 4,300-digit strings
        return "\ufffd"
    return m.group() if _xml_char(int(digits, 16 if m.group(1) else 10)) else "\ufffd"


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, or None if unknown or refused."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None
    return None if name in _REFUSED else name


def _decodes(content: bytes, name: str | None) -> bool:
    if name is None:
        return False
    try:
        content.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def declared_encoding(content: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased."""
    m = _DECLARED.match(content[:512].lstrip(codecs.BOM_UTF8))
    return m.group(1).decode("ascii").lower() if m else None


def _mostly_utf8(content: bytes) -> bool:
    """UTF-8 with a few stray bytes (a spliced or truncated file) is still UTF-8."""
    text = content[:65536].decode("utf-8", "replace")  # a sample: this loop is Python
    bad = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127) - bad >= 2 * bad > 0


def _guess(content: bytes) -> str:
    best = from_bytes(content[:65536]).best()
    name = _codec(best.encoding) if best is not None else None
    return name if name in _GUESSABLE else _FALLBACK


def pick_charset(content: bytes, http_charset: str | None) -> tuple[str | None, str | None]:
    """(charset to decode with, warning or None). None: a BOM or UTF-16/32 decides."""
    if content.startswith(tuple(bom for bom, _ in _BOMS)) or b"\x00" in content[:256]:
        return None, None
    declared = declared_encoding(content)
    stated = http_charset or declared
    if content.isascii():
        return "utf-8", None  # every ASCII-compatible label reads ASCII the same way
    if _decodes(content, "utf-8"):
        if stated and _codec(stated) != "utf_8":
            return "utf-8", f"declared charset {stated} is wrong; the content is UTF-8"
        return "utf-8", None
    # The declaration was readable as ASCII, so a UTF-16/32 label is a lie (BOMs and
    # UTF-16/32 without a BOM are handled before this is called).
    http_codec, declared_codec = (
        None if name is None or name.startswith(("utf_16", "utf_32")) else name
        for name in (_codec(http_charset), _codec(declared))
    )
    labels = [
        (label, name)
        for label, name in ((http_charset, http_codec), (declared, declared_codec))
        if label and name
    ]
    mismatch = http_codec and declared_codec and http_codec != declared_codec
    for label, name in labels:
        if _decodes(content, name):
            if mismatch:
                return label, f"server says charset {http_charset}, document says {declared}"
            return label, None
    if _mostly_utf8(content):
        return "utf-8", "the content is UTF-8 with some invalid bytes"
    guess = _guess(content)
    if stated:
        return guess, f"wrong character encoding declared ({stated}); decoded as {guess}"
    return guess, f"no character encoding declared and the content is not UTF-8; read as {guess}"


def _wide_codec(content: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) for BOM-marked or UTF-16/32 documents."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name, len(bom)
    for marker, name in _WIDE:
        if content.startswith(marker):
            return name, 0
    return None


def decode_xml(content: bytes, http_charset: str | None) -> tuple[str, list[str]]:
    """The document as text and any charset warnings.

    Characters XML forbids are removed, and references to them become U+FFFD.
    """
    warnings: list[str] = []
    wide = _wide_codec(content)
    if wide is not None:
        name, skip = wide
        text = content[skip:].decode(name, "replace")
    else:
        label, warning = pick_charset(content, http_charset)
        if warning:
            warnings.append(warning)
        name = _codec(label) or _FALLBACK
        name = _SUPERSETS.get(name, name)
        try:
            text = content.decode(name)
        except UnicodeDecodeError:
            # cp1252 leaves five bytes undefined; latin-1 maps every byte.
            text = content.decode("latin-1" if name == _FALLBACK else name, "replace")
    return _CHAR_REF.sub(_check_ref, _NOT_XML.sub("", text)), warnings
