"""Word lists behind the metadata rules: people's names, organisations, section labels.

Like lexicon.py, this is data about *kinds* of things (agencies, desks, section labels), never a
rule for one publisher.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _words(text: str) -> list[str]:
    return text.split()


# Words that start a phrase, not a person's name ("The Russian", "A Correspondent").
NAME_ARTICLES = frozenset({"the", "a", "an"})
# Lower-case particles inside names: "Ludwig van Beethoven", "Charles de Gaulle".
NAME_PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "da", "das", "do", "dos", "del", "della", "di", "du",
        "la", "le", "bin", "ibn", "al", "el", "ter", "ten", "zu", "af", "y", "e", "st",
    }
)  # fmt: skip
# Words no person's name contains but organisations, desks and wire credits do. Lower case;
# compared with the words of a byline.
ORG_WORDS = frozenset(
    _words(
        """
        news newswire newswires wire wires times post press staff staffer agency agencies inc
        media network networks international department ministry ministries reporters reports
        report services service bureau desk team editors editorial newsroom group magazine
        journal daily weekly monthly tribune herald gazette chronicle observer examiner courier
        dispatch bulletin inquirer enquirer sentinel register telegraph independent company corp
        corporation llc ltd limited gmbh university institute association council government
        office committee foundation tv radio channel online digital com www org net http https
        sport sports business politics blog admin administrator webmaster contributors
        publishing publications newspaper broadcasting television podcast syndicate community
        insider world nation national public research partners federation party police forces
        defense defence administration authority commission union bank centre center hospital
        studios productions entertainment official municipal municipality prefeitura
        ayuntamiento
        """
    )
)
# Organisations that sign articles (agencies, networks, media groups), as comparison keys
# (names.key: lower case, no spaces or punctuation). Never authors.
NEWS_ORGS = frozenset(
    _words(
        """
        ap apnews associatedpress reuters thomsonreuters afp agencefrancepresse upi
        unitedpressinternational pti presstrustofindia ians ani xinhua tass ria dpa efe ansa
        kyodo kyodonews yonhap anadolu epa pa pamedia dowjones dowjonesnewswires bloombergnews
        cnn bbc bbcnews cnbc msnbc nbc nbcnews abc abcnews cbs cbsnews foxnews sky skynews npr
        pbs cbc ctv condénast condenast hearst gannett meredith mcclatchy tribunecontentagency
        tribunenewsservice newscorp businessinsider insider huffpost yahoo yahoonews msn aol
        gettyimages getty shutterstock
        """
    )
)
# Agencies glued after a name: "JILL LAWLESS Associated Press", "Jane Doe, Reuters".
AGENCY_SUFFIX = re.compile(
    r"[\s,]+(?:the\s+)?(?:associated press|ap|reuters|afp|agence france-presse|upi|pti|ians|"
    r"xinhua|dpa|efe|ansa|kyodo news|yonhap|tass)$",
    _I,
)

# Separators between a site's name and its tagline.
PUBLISHER_SEPARATORS = re.compile(r"\s+[|–—·•-]\s+|\s*\|\s*|\s+::\s+|:\s+")
# A page's own name standing before the site's: "Home | The Daily Example" (keys).
GENERIC_PAGE_NAMES = frozenset(
    {"home", "homepage", "start", "welcome", "index", "startseite", "accueil", "inicio"}
)

# Separators between a headline and site or section names in a <title>. Not the colon: it is
# part of many headlines ("Hong Kong: a city on the brink").
TITLE_SEPARATORS = re.compile(r"\s+[|–—\-·•»/]\s+|\s*\|\s*|\s+::\s+")
# Section and rubric labels: what a title ends with after the headline ("| Editorial",
# "- Auto News") and what a kicker above the article says ("Review"). Lower case.
SECTION_LABELS = frozenset(
    """
    news|latest news|breaking news|top news|top stories|local news|world news|uk news|us news|
    national news|auto news|business news|tech news|sports news|entertainment news|opinion|
    opinions|editorial|editorials|comment|commentary|analysis|review|reviews|sport|sports|
    football|politics|business|money|markets|economy|world|uk|us|national|local|metro|
    entertainment|culture|arts|music|film|movies|tv|television|books|lifestyle|life|style|
    fashion|travel|food|health|science|technology|tech|education|environment|weather|
    obituaries|video|videos|photos|gallery|live|blog|blogs|features|feature|interview|
    exclusive|explainer|fact check|letters|columns|column|columnists|magazine|podcast|
    podcasts|newsletter|press release|press releases|general|uncategorized|home|breaking|
    investigations|investigation|world news|us politics|uk politics|long read|the long read|
    first look|perspective|insight|guide|how to|deals|reviews and news
    """.replace("\n", "")
    .replace("    ", "")
    .split("|")
)
