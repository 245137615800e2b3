"""Stories: coverage of one event across publishers, clustered online, summarised and ranked.

`cluster` places each new article in the best open story or starts one; `summary` gives a
story its headline and facts; `rank` orders the front page.
"""

from progleton.stories.rank import RankParams, rank, score
from progleton.stories.summary import Member, Summary, summarize

__all__ = ["Member", "RankParams", "Summary", "rank", "score", "summarize"]
