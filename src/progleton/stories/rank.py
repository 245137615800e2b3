"""Front-page ranking: many independent publishers, recent, and growing.

    score = (P ** publisher_exponent + growth_weight * R) / (age_hours + offset_hours) ** gravity

- P: independent publishers (a syndicated copy adds none, so five sites running one wire
  story count as one publisher);
- R: originals published in the day before the story's latest article (the story growing);
- age: hours from the story's latest article to now, plus `span_weight` times the hours the
  story has been running, so a week-old story with one fresh follow-up does not pin the top.

The gravity form (Hacker News's) decays smoothly at any age, so an archive of years ranks as
sensibly as this morning's news. Parameters live in `Settings` (``PROGLETON_RANK_*``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from progleton.models import Story


@dataclass(frozen=True, slots=True)
class RankParams:
    """Weights of the ranking formula (see the module docstring)."""

    publisher_exponent: float = 0.8
    growth_weight: float = 0.5
    gravity: float = 1.5
    offset_hours: float = 2.0
    span_weight: float = 0.25


def score(story: Story, now: datetime, params: RankParams | None = None) -> float:
    """The story's front-page score at `now` (higher first)."""
    p = params or RankParams()
    latest = max(0.0, (now - story.last_seen).total_seconds() / 3600)
    span = max(0.0, (story.last_seen - story.first_seen).total_seconds() / 3600)
    age = latest + p.span_weight * span
    weight = max(1, story.publisher_count) ** p.publisher_exponent
    weight += p.growth_weight * max(0, story.recent_count - 1)
    return float(weight / (age + p.offset_hours) ** p.gravity)


def rank(stories: Iterable[Story], now: datetime, params: RankParams | None = None) -> list[Story]:
    """Stories best first, each with its `score` set; ties go to the newer story."""
    out = []
    for s in stories:
        s.score = score(s, now, params)
        out.append(s)
    out.sort(key=lambda s: (-s.score, -s.last_seen.timestamp(), -s.id))
    return out
