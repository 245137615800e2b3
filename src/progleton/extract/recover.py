"""Checks of an extracted body against what the page states about itself, and recovery.

Publishers often repeat the article in JSON-LD (`articleBody`, and a live blog's
`liveBlogUpdate` entries). That copy is not used as the body outright (it is sometimes a
500-character summary, sometimes lacks the subheadings or ends early), but as a second opinion:

* a live blog whose updates the body extraction missed (they may exist only in JSON-LD, the
  page drawing them with script) gets them appended, headline then text, newest first as stated;
* a body much shorter than a JSON-LD body that contains it was cut short: the JSON-LD body,
  split at its line breaks, replaces it;
* when the JSON-LD body agrees with nearly all of the extracted text, short blocks it does not
  contain at all (teasers, bios, captions, "read more" lines between paragraphs) are dropped.

Nothing here knows a publisher: the rules compare two versions of the same page.
"""

from __future__ import annotations

import re

from progleton.extract.lines import Block

_TOKEN = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]{0,500}>")

# A live blog: at least this many updates before its JSON-LD entries are trusted as a list.
_MIN_UPDATES = 3
# Share of the updates' text the body must already hold to be left alone.
_UPDATES_PRESENT = 0.5
# articleBody replaces a body that is under half its size and mostly inside it.
_CUT_SHORT = 0.5
_INSIDE = 0.8
# The JSON-LD body must hold this share of the extracted text to act as a filter.
_AGREES = 0.85
# A block sharing less than this with the JSON-LD body is not the publisher's article text.
_FOREIGN = 0.2
# Blocks longer than this are prose the JSON-LD copy left out, not furniture.
_LONG_BLOCK = 300


def grams(text: str) -> set[tuple[str, ...]]:
    """Lower-cased word 3-grams (single words for texts under three words)."""
    toks = [t.lower() for t in _TOKEN.findall(text)]
    if len(toks) < 3:
        return {(t,) for t in toks}
    return {tuple(toks[i : i + 3]) for i in range(len(toks) - 2)}


def contained(part: set[tuple[str, ...]], whole: set[tuple[str, ...]]) -> float:
    """Share of `part`'s grams found in `whole` (1.0 for an empty part)."""
    if not part:
        return 1.0
    if len(next(iter(part))) == 1:
        whole_words = {w for g in whole for w in g}
        return sum(1 for g in part if g[0] in whole_words) / len(part)
    return len(part & whole) / len(part)


def _plain(text: str) -> list[str]:
    """A JSON-LD text field as paragraphs (some publishers put HTML in it)."""
    if "<" in text and ">" in text:
        text = _TAG.sub("\n", text)
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def add_live_updates(blocks: list[Block], updates: list[tuple[str, str]]) -> list[Block]:
    """Append the JSON-LD live-blog updates the body lacks (when it lacks most of them)."""
    if len(updates) < _MIN_UPDATES:
        return blocks
    have = grams(" ".join(b.text for b in blocks))
    missing: list[tuple[str, str]] = []
    total = lost = 0
    for head, body in updates:
        size = len(body)
        total += size
        if contained(grams(body), have) < _UPDATES_PRESENT:
            missing.append((head, body))
            lost += size
    if not total or lost < _UPDATES_PRESENT * total:
        return blocks
    out = list(blocks)
    for head, body in missing:
        if head and contained(grams(head), have) < 1.0:
            out.append(Block(head, "heading"))
        out.extend(Block(p) for p in _plain(body))
    return out


def check_with_ld_body(blocks: list[Block], ld_body: str | None) -> tuple[list[Block], str]:
    """Recover a cut-short body or drop foreign blocks using the page's JSON-LD articleBody.

    Returns the blocks and what was done ("", "recovered" or "filtered").
    """
    if not ld_body or len(ld_body) < 300:
        return blocks, ""
    ld = grams(ld_body)
    ours = " ".join(b.text for b in blocks)
    if len(ours) < _CUT_SHORT * len(ld_body) and contained(grams(ours), ld) >= _INSIDE:
        paras = _plain(ld_body)
        if paras:
            return [Block(p) for p in paras], "recovered"
    parts = [(b, contained(grams(b.text), ld)) for b in blocks]
    size = sum(len(b.text) for b in blocks) or 1
    agreed = sum(len(b.text) for b, c in parts if c >= _INSIDE)
    if agreed < _AGREES * size:
        return blocks, ""
    # Headings and long paragraphs inside the body stay: JSON-LD bodies often lack
    # subheadings, and some drop whole paragraphs (drop-cap section starts); what they
    # reliably lack is furniture.
    # After the last agreed block, anything foreign goes (author bios, end-of-article promos).
    last = max(i for i, (_, c) in enumerate(parts) if c >= _INSIDE)
    kept = [
        b
        for i, (b, c) in enumerate(parts)
        if c >= _FOREIGN or (i < last and (b.kind == "heading" or len(b.text) > _LONG_BLOCK))
    ]
    return (kept, "filtered") if len(kept) < len(blocks) else (blocks, "")
