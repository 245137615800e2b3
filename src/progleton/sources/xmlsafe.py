"""XML from strangers: no DTDs, no entity expansion, no external entities, no network.

Every XML document Progleton parses (feeds via feedparser, OPML via lxml) first goes through
`rebuild_prolog`, which throws away everything before the root element and writes a prolog
of our own. A news feed never needs a DTD, and a DTD is where all the XML attacks live:

* billion laughs / quadratic blowup: internal entities that expand to megabytes. expat
  (>= 2.4) and libxml2 cap amplification, but only past several megabytes, and feedparser's
  lenient fallback parser re-expands any entity whose value has no "&" or quote, however long
  it is (measured: a 100 KB entity referenced 2,000 times gave a 200-million-character title,
  1 GB of memory and 21 s of CPU before this module existed);
* XXE: `<!ENTITY x SYSTEM "file:///etc/passwd">` or an http:// URL, and parameter entities
  that pull in an external DTD. Python's expat and our lxml settings already refuse to load
  them; removing the declarations makes that independent of parser defaults;
* external DTD subsets (`<!DOCTYPE rss SYSTEM "http://...">`): never fetched, now not even seen.

The one thing a DTD is legitimately used for in feeds is naming characters
(`<!ENTITY nbsp "&#160;">`). Such declarations - a single character reference, which expands
to one character and cannot amplify anything - are kept, so those feeds still parse strictly.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field

from lxml import etree

__all__ = ["Prolog", "hardened_parser", "rebuild_prolog", "well_formed"]

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
#: More character-naming entities than any real DTD declares (XHTML's three sets: 253).
MAX_KEPT_ENTITIES = 300

_SPACE = " \t\r\n\ufeff"
_SPACES = re.compile(f"[{_SPACE}]*")
_ROOT_START = re.compile(r"<([A-Za-z_][\w.:-]*)")
_FEED_ROOT = re.compile(r"<(?:[\w.-]+:)?(?:rss|feed|RDF)\b")
_DOCTYPE_TOKEN = re.compile(r"""["'\[\]>]|<!--|<\?""")
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_CHAR_ENTITY = re.compile(
    r"""<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(["'])&\#(?:([0-9]{1,7})|x([0-9A-Fa-f]{1,6}));\2\s*>"""
)


@dataclass(slots=True)
class Prolog:
    """A document with its prolog replaced; `text` is None when there is no root element."""

    text: str | None
    warnings: list[str] = field(default_factory=list)


def _skip_misc(text: str, i: int) -> int | None:
    """Index after the whitespace, comments and PIs at `i`; None if one is unterminated."""
    while True:
        spaces = _SPACES.match(text, i)  # "*": always matches, in C rather than a Python loop
        i = spaces.end() if spaces else i
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            end = end + 1 if end >= 0 else end
        else:
            return i
        if end < 0:
            return None
        i = end + 2


def _doctype_end(text: str, i: int) -> int | None:
    """Index just after the DOCTYPE declaration starting at `i`; None if it never ends.

    Jumps from token to token (quotes, brackets, comments, PIs) so that a "]" or ">" inside
    an entity value or comment does not end the declaration early.
    """
    pos, in_subset = i + len("<!DOCTYPE"), False
    while (m := _DOCTYPE_TOKEN.search(text, pos)) is not None:
        mark, pos = m.group(), m.end()
        closer = {'"': '"', "'": "'", "<!--": "-->", "<?": "?>"}.get(mark)
        if closer is not None:
            end = text.find(closer, pos)
            if end < 0:
                return None
            pos = end + len(closer)
        elif mark == "[":
            in_subset = True
        elif mark == "]":
            in_subset = False
        elif not in_subset:  # ">"
            return pos
    return None


def _char_entities(doctype: str) -> list[tuple[str, str]]:
    """(name, "&#N;") for each declaration whose value is one harmless character reference."""
    kept: dict[str, str] = {}
    for m in _CHAR_ENTITY.finditer(doctype):
        code = int(m.group(3)) if m.group(3) else int(m.group(4), 16)
        # "<" and "&" would be re-parsed as markup when the entity is used.
        valid = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0x10FFFF
        if valid and code not in (0x26, 0x3C) and code not in (0xFFFE, 0xFFFF):
            kept.setdefault(m.group(1), f"&#{code};")
    return list(kept.items())[:MAX_KEPT_ENTITIES]


def _is_doctype(text: str, i: int) -> bool:
    return text[i : i + 9].upper() == "<!DOCTYPE"


def _late_declaration(text: str, i: int) -> int | None:
    """Where the real document starts when junk precedes its XML declaration, else None."""
    if _is_doctype(text, i):
        return None
    decl = text.find("<?xml", i, i + 65536)
    if decl < 0 or _FEED_ROOT.search(text, i, decl):
        return None
    return decl


def rebuild_prolog(text: str, *, keep_char_entities: bool = True) -> Prolog:
    """`text` from its root element on, behind our own XML declaration (and safe DOCTYPE).

    Junk before the XML declaration (PHP warnings are the classic) is skipped. Returns
    Prolog(None) when there is no element at all.
    """
    warnings: list[str] = []
    i = _skip_misc(text, 0)
    if i is not None and (late := _late_declaration(text, i)) is not None:
        warnings.append(f"ignored {late} characters before the XML declaration")
        i = _skip_misc(text, late)
    doctype = ""
    if i is not None and _is_doctype(text, i):
        end = _doctype_end(text, i)
        if end is None:
            warnings.append("ignored a malformed DOCTYPE declaration")
            i = None
        else:
            doctype = text[i:end]
            i = _skip_misc(text, end)
    root = _ROOT_START.match(text, i) if i is not None else None
    if root is None:
        # Unterminated comment, broken DOCTYPE or text before the root: start at the first
        # element. Whatever was skipped never reaches a parser, so it cannot declare anything.
        root = _ROOT_START.search(text, i or 0)
        if root is None:
            return Prolog(None, warnings)
        if i is not None:
            warnings.append(f"ignored {root.start() - i} characters before the root element")
    kept = _char_entities(doctype) if keep_char_entities else []
    dropped = len(_ENTITY_DECL.findall(doctype)) - len(kept)
    if dropped > 0:
        plural = "declaration" if dropped == 1 else "declarations"
        warnings.append(
            f"ignored {dropped} entity {plural} in the DOCTYPE (entities are never expanded)"
        )
    prolog = XML_DECLARATION
    if kept:
        # One declaration per line: feedparser re-reads them with a line-anchored regex.
        lines = "".join(f'<!ENTITY {name} "{value}">\n' for name, value in kept)
        prolog += f"<!DOCTYPE {root.group(1)} [\n{lines}]>\n"
    return Prolog(prolog + text[root.start() :], warnings)


def well_formed(data: bytes) -> bool:
    """True if expat (with namespaces, as feedparser's strict parser uses it) accepts `data`.

    Meant for documents that went through `rebuild_prolog`: there is no DTD left to expand.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def hardened_parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )
