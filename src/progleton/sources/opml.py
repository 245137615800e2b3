"""OPML import/export of subscriptions (OPML 2.0 out; 1.0/2.0 and real-world variants in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import format_datetime

from lxml import etree

from progleton.errors import FeedError
from progleton.models import Source, utcnow
from progleton.sources.charset import decode_xml
from progleton.sources.limits import MAX_INPUT_BYTES
from progleton.sources.links import http_url
from progleton.sources.xmlsafe import hardened_parser, rebuild_prolog


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed listed in an OPML file. `category` is the folder path, e.g. "Tech / Python"."""

    xml_url: str
    title: str = ""
    html_url: str | None = None
    category: str | None = None

    def to_source(self) -> Source:
        """A new Source for this subscription."""
        return Source(feed_url=self.xml_url, title=self.title, site_url=self.html_url)


CATEGORY_SEPARATOR = " / "
# XML 1.0 cannot carry most C0 control characters, even escaped; lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# "&" that does not start an entity or character reference: the most common OPML breakage.
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _parse_xml(content: bytes) -> etree._Element | None:
    if len(content) > MAX_INPUT_BYTES:
        raise FeedError(
            f"OPML file too large: {len(content)} bytes (the limit is {MAX_INPUT_BYTES})"
        )
    # Same treatment as feeds: decode, then replace the prolog so no DTD or entity
    # declaration reaches lxml (which expands internal entities in attribute values even
    # with resolve_entities=False, and OPML is all attributes).
    text, _warnings = decode_xml(content, None)
    prolog = rebuild_prolog(text, keep_char_entities=False)
    if prolog.text is None:
        raise FeedError("not an OPML file: no XML element found")
    data = prolog.text.encode("utf-8", "replace")
    try:
        return etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError as exc:
        # Real exports contain bare "&" in titles and URLs; escape those, then let lxml
        # recover from whatever else is wrong rather than lose the whole subscription list.
        repaired = _BARE_AMP.sub(b"&amp;", data)
        try:
            return etree.fromstring(repaired, hardened_parser(recover=True))
        except etree.XMLSyntaxError:
            raise FeedError(f"not an OPML file: {exc}") from exc


def _attr(el: etree._Element, name: str) -> str:
    """Attribute value, matching the name case-insensitively (xmlUrl, xmlurl, XMLURL...)."""
    wanted = name.lower()
    for key, value in el.attrib.items():
        key_text = key if isinstance(key, str) else key.decode()
        if key_text.lower() == wanted:
            return (value if isinstance(value, str) else value.decode()).strip()
    return ""


def _feed_url(value: str) -> str | None:
    if value.lower().startswith("feed:"):
        rest = value[5:]
        value = rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest
    if not value.lower().startswith(("http://", "https://")):
        return None
    # The URL will be fetched: it must be one (a host, nothing urlsplit chokes on).
    return value if http_url(value, value) is not None else None


def parse_opml(content: bytes) -> list[OpmlFeed]:
    """The feeds in an OPML document, nested outlines flattened into category paths.

    Outlines with an xmlUrl are feeds whatever their `type`; other outlines with children
    are categories. Duplicate feed URLs keep their first occurrence. Raises FeedError if the
    document is not OPML.
    """
    root = _parse_xml(content)
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise FeedError("not an OPML file: the root element is not <opml>")
    body = next((el for el in root if isinstance(el.tag, str) and el.tag.lower() == "body"), None)
    feeds: dict[str, OpmlFeed] = {}

    def walk(parent: etree._Element, path: tuple[str, ...]) -> None:
        for el in parent:
            if not isinstance(el.tag, str) or el.tag.lower() != "outline":
                continue
            label = _attr(el, "text") or _attr(el, "title")
            url = _feed_url(_attr(el, "xmlUrl"))
            if url is not None:
                feeds.setdefault(
                    url,
                    OpmlFeed(
                        xml_url=url,
                        title=_attr(el, "title") or _attr(el, "text"),
                        html_url=http_url(_attr(el, "htmlUrl"), url),
                        category=CATEGORY_SEPARATOR.join(path) or None,
                    ),
                )
            elif len(el):
                walk(el, (*path, label) if label else path)

    walk(body if body is not None else root, ())
    return list(feeds.values())


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def write_opml(sources: list[Source], title: str = "Progleton subscriptions") -> str:
    """An OPML 2.0 document listing `sources` (flat: sources have no categories)."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = _clean(title)
    etree.SubElement(head, "dateCreated").text = format_datetime(utcnow(), usegmt=True)
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(opml, "body")
    for source in sources:
        name = _clean(source.title or source.feed_url)
        outline = etree.SubElement(body, "outline")
        outline.set("text", name)
        outline.set("title", name)
        outline.set("type", "rss")  # OPML's word for any feed, Atom and JSON included
        outline.set("xmlUrl", _clean(source.feed_url))
        if source.site_url:
            outline.set("htmlUrl", _clean(source.site_url))
    xml = etree.tostring(opml, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
