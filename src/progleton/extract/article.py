"""HTML page -> Article: decode, read metadata, let trafilatura find the body, drop boilerplate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.html

from progleton.errors import ExtractionError
from progleton.extract import boilerplate as bp
from progleton.extract import recover
from progleton.extract.access import gate_in, page_access
from progleton.extract.body import body_blocks, run_trafilatura
from progleton.extract.dates import as_utc, is_year_only, parse_datetime, plausible_date
from progleton.extract.decode import decode_html
from progleton.extract.dom import drop_inline_widgets, link_texts
from progleton.extract.finder import find_body
from progleton.extract.language import guess_language
from progleton.extract.lines import Block
from progleton.extract.metadata import PageMeta, parse_html, read_metadata, site_names
from progleton.extract.names import clean_authors, clean_publisher, host_name
from progleton.extract.templates import (
    SiteTemplate,
    TemplateParams,
    block_signatures,
    matches,
    remove,
)
from progleton.extract.titles import pick_title
from progleton.extract.trafmeta import trafilatura_meta
from progleton.models import Article, utcnow

# Bigger pages are cut before parsing: no article needs more, and lxml time grows with size.
MAX_HTML_CHARS = 5_000_000
# A precision-first body this short may have missed most of the article: compare with trafilatura's
# balanced mode (measured on the ScrapingHub and Fundus pages: 400-2000 all help, 1000 best).
_SHORT_BODY = 1000
# Under this, a body from our own finder is checked against trafilatura's.
_SHORT_NATIVE_BODY = 300


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    now: datetime | None = None,
    template: SiteTemplate | None = None,
    finder: bool = True,
) -> Article:
    """Extract the article in an HTML page.

    `encoding` is the HTTP charset when known; `now` bounds dates (defaults to the clock);
    `template` is the site's learned boilerplate (`extract.templates`), removed first;
    `finder=False` always lets trafilatura find the body (for comparison in the benchmarks).
    Raises ExtractionError when the page has no article body.
    """
    return extract_page(
        html, url, encoding=encoding, now=now, template=template, finder=finder
    ).article


@dataclass(frozen=True, slots=True)
class PageResult:
    """An extracted article, the page's block signatures and how many template blocks went."""

    article: Article
    blocks: frozenset[int]
    template_hits: int


def extract_page(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    now: datetime | None = None,
    template: SiteTemplate | None = None,
    signatures: bool = False,
    params: TemplateParams | None = None,
    finder: bool = True,
) -> PageResult:
    """`extract_article`, also giving the page's block signatures when `signatures` is set
    (what the site's template is learned from: `extract.templates.learn`)."""
    return _extract_page(html, url, encoding, now, template, signatures, params, finder)


def _extract_page(
    html: str | bytes,
    url: str | None,
    encoding: str | None,
    now: datetime | None,
    template: SiteTemplate | None,
    signatures: bool,
    params: TemplateParams | None,
    finder: bool,
) -> PageResult:
    now = as_utc(now) if now else utcnow()
    text = decode_html(html, encoding) if isinstance(html, bytes) else html
    text = text[:MAX_HTML_CHARS].replace("\x00", "")
    tree = parse_html(text)
    if tree is None:
        raise ExtractionError("empty document: nothing to extract")
    meta = read_metadata(tree, url, now)
    links = link_texts(tree)
    use_template = template is not None and bool(template.blocks)
    found = block_signatures(tree, params) if signatures or use_template else []
    removed_gate = False
    hits = 0
    hit_blocks = matches(found, template, [meta.title or "", *meta.titles]) if template else []
    if hit_blocks:
        # A recurring paywall prompt is template too; the access label needs to know.
        removed_gate = gate_in(hit_blocks)
        hits = remove(hit_blocks)
    widgets = drop_inline_widgets(tree)
    _merge_trafilatura_meta(meta, tree, url, now)
    # Our own finder first: on a page where one container holds the prose it is as good as
    # trafilatura and several times faster (bench/extraction.py); otherwise trafilatura reads it.
    native = find_body(tree) if finder else None
    blocks: list[Block] = native.blocks if native is not None and native.confident else []
    kept = _clean(blocks, meta, links) if blocks else []
    # A short story in a clear container is still that story; trafilatura would run three
    # times over such a page (short results make it retry) to find the same text.
    if sum(len(b.text) for b in kept) < _SHORT_NATIVE_BODY:
        if widgets + hits:
            # trafilatura reads the string; hand it the page without the hover cards and the
            # site's template blocks.
            text = lxml.html.tostring(tree, encoding="unicode")
        blocks = _trafilatura_blocks(text, url)
        kept = _clean(blocks, meta, links)
    title = meta.title or (blocks[0].text if blocks and blocks[0].kind == "heading" else "")
    paragraphs = [b.text for b in kept]
    if not paragraphs and hits:
        # Whatever the template removed, a page it leaves without a body is read without it.
        return _extract_page(html, url, encoding, now, None, signatures, params, finder)
    if not paragraphs:
        raise ExtractionError(
            "no article body found"
            + (f" at {url}" if url else "")
            + (" (only boilerplate)" if blocks else "")
        )
    body_text = " ".join(paragraphs)
    article = Article(
        url=url or meta.canonical_url or "",
        title=title or paragraphs[0][:120],
        paragraphs=paragraphs,
        canonical_url=meta.canonical_url,
        authors=meta.authors,
        published=meta.published,
        language=_language(meta.language, body_text),
        image=meta.image,
        publisher=meta.publisher,
        description=meta.description,
        access=page_access(tree, len(body_text), removed_gate=removed_gate),
        topics=meta.topics,
    )
    seen = frozenset(b.signature for b in found) if signatures else frozenset()
    return PageResult(article, seen, hits)


def _trafilatura_blocks(text: str, url: str | None) -> list[Block]:
    """trafilatura's body: fast mode, full mode when that found next to nothing, balanced
    when short."""
    # Fast mode skips trafilatura's own second opinions (readability and jusText runs, 15-80 ms
    # on the pages that come here): on the 261 benchmark pages they changed one page by two
    # characters when asked for any short or menu-like result, so they are kept for the
    # near-empty result only.
    doc = run_trafilatura(text, url, favor_precision=True, fast=True)
    blocks = body_blocks(doc)
    if sum(len(b.text) for b in blocks) < _SHORT_NATIVE_BODY:
        full = run_trafilatura(text, url, favor_precision=True)
        if full is not None:
            blocks = body_blocks(full)
    size = sum(len(b.text) for b in blocks)
    if size < _SHORT_BODY:
        # Precision mode sometimes keeps only the intro of live blogs and list pages; its
        # balanced mode keeps more (its second opinions add nothing to that).
        retry = body_blocks(run_trafilatura(text, url, favor_precision=False, fast=True))
        if sum(len(b.text) for b in retry) > 2 * size:
            blocks = retry
    return blocks


def _clean(blocks: list[Block], meta: PageMeta, links: frozenset[str]) -> list[Block]:
    """The body: second opinions from the page's JSON-LD copy, then the boilerplate rules."""
    blocks = recover.add_live_updates(blocks, meta.live_updates)
    blocks, _ = recover.check_with_ld_body(blocks, meta.ld_body)
    title = meta.title or (blocks[0].text if blocks and blocks[0].kind == "heading" else "")
    kept = bp.filter_blocks(blocks, title=title, authors=meta.authors, links=links)
    # A heading that ends the body heads something that was removed ("About us", "Related").
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return kept


def _merge_trafilatura_meta(meta: PageMeta, tree: Any, url: str | None, now: datetime) -> None:
    """Fill fields the page's own metadata left empty from trafilatura's guesses."""
    # trafilatura's title is only ever a last candidate: it is needed when the page's own
    # titles give none (its JSON-LD reading recovers headlines from broken JSON).
    ours = pick_title(meta.titles, site_names(meta, url)) if meta.publisher else None
    if ours and meta.authors and meta.published and meta.description and meta.image:
        meta.title = ours  # every field known: nothing for trafilatura to add
        return
    doc = trafilatura_meta(
        tree,
        url,
        author=not meta.authors,
        date=not meta.published,
        sitename=not meta.publisher,
        title=not ours,
    )
    if not meta.publisher:
        # trafilatura falls back to the fetched URL's host, which may be a mirror's IP address;
        # the canonical URL names the real site.
        meta.publisher = (
            (clean_publisher(doc.sitename) if doc.sitename else None)
            or host_name(meta.canonical_url)
            or host_name(url)
        )
    names = site_names(meta, url)
    if doc.title:
        meta.titles.append(doc.title)
    meta.title = pick_title(meta.titles, names)
    if not meta.authors and doc.author:
        meta.authors = clean_authors(re.split(r";", doc.author), meta.publisher, meta.orgs)
    if not meta.published and doc.date:
        found = plausible_date(parse_datetime(doc.date), now)
        # Our own htmldate pass already refused a copyright year; so does this fallback.
        meta.published = None if found is None or is_year_only(found) else found
    if not meta.description and doc.description:
        meta.description = doc.description
    if not meta.image and doc.image and doc.image.startswith("http"):
        meta.image = doc.image


def _language(declared: str | None, body: str) -> str | None:
    guessed = guess_language(body)
    # Templates often hard-code lang="en"; a long body that clearly reads otherwise wins.
    if declared and guessed and guessed != declared and len(body) >= 400:
        return guessed
    return declared or guessed
