"""Word lists and patterns behind the boilerplate detectors.

Kept apart from the detectors so the rules read as data. Everything here is about *kinds* of page
furniture (appeals, buttons, footers, link lists), never about one publisher's wording.
"""

from __future__ import annotations

import re

from progleton.extract.prefilter import PatternIndex, guarded

_I = re.IGNORECASE

# Appeal / call-to-action lexicon: (pattern, weight). Matched on lower-cased text with quotations
# removed, so a story quoting someone who asks for donations does not score. (Lower-cased input
# is why the patterns are compiled without IGNORECASE: it is measurably slower.)
APPEAL_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        # Direct asks for money or membership.
        (
            r"\bsupport (?:us|our (?:work|journalism|reporting|newsroom|mission|coverage)"
            r"|(?:independent|quality|local|public[- ]interest|nonprofit|fearless|trusted|free)"
            r" (?:journalism|news|reporting|media|press))\b",
            3.0,
        ),
        (
            r"\b(?:make|give) (?:a|your) (?:[\w-]+ ){0,3}(?:gift|donation|contribution|pledge)\b",
            3.0,
        ),
        (
            r"\b(?:become|join (?:us )?as|sign up as) an? (?:[\w-]+ )?"
            r"(?:member|subscriber|supporter|patron|sustainer|donor|insider)\b",
            3.0,
        ),
        (r"\bwe need (?:your|readers'?|you)\b", 3.0),
        (r"\b(?:with|without) (?:your|readers'?) (?:help|support)\b", 2.5),
        (r"\byour (?:support|contribution|donation|membership|generosity)\b", 2.5),
        (
            r"\bconsider (?:supporting|subscribing|donating|becoming|joining|a (?:gift|donation))",
            3.0,
        ),
        (
            r"\b(?:donate|contribute|give|chip in|pledge|support us)\b(?: [\w$£€]+){0,3}"
            r" (?:today|now|monthly|once|annually|every month)\b",
            2.5,
        ),
        (r"\b(?:support|donate|subscri|give|contribute|join)\w* (?:us )?today\b", 2.0),
        (r"\b(?:from|for|at) (?:just|only|as little as) [$£€¥₹]", 2.5),
        (r"\bas little as\b", 1.5),
        (r"\bno matter (?:how )?(?:big or )?small\b", 1.5),
        (r"\bevery (?:contribution|donation|gift|dollar|pound|euro)\b", 2.0),
        (
            r"\b(?:reader|member|listener|viewer|donor)[- ](?:funded|supported|powered|driven)\b",
            2.0,
        ),
        (r"\btax[- ]deductible\b", 1.5),
        (r"\b(?:favou?r|something) to ask\b", 2.0),
        (r"\bthank you for (?:reading|your support|supporting|standing|being a)\b", 2.0),
        (r"\b(?:quick|easy|only takes a (?:minute|moment)) to (?:set up|do|give|join)\b", 2.0),
        (r"\bcancel (?:at )?any ?time\b", 2.0),
        (
            r"\bkeep (?:\w+ ){0,3}(?:journalism|reporting|news|coverage) (?:free|open|independent|"
            r"accessible|going|alive)\b",
            2.5,
        ),
        # Paywalls, meters, ad-blocker walls.
        (r"\bfree (?:articles?|stories|reads?|views?) (?:left|remaining)\b", 3.5),
        (r"\byou(?:'ve| have) (?:reached|read|used|hit) (?:your|all|the)\b", 2.5),
        (r"\b(?:article|monthly|reading) limit\b", 2.0),
        (r"\balready (?:a |an )?(?:subscriber|member|registered)\b", 3.0),
        (
            r"\b(?:subscribe|sign up|register|log ?in|sign in) (?:now|today|here|for free|"
            r"to (?:continue|keep reading|read|unlock|access|bookmark|comment))\b",
            3.0,
        ),
        (r"\b(?:turn off|disable|pause|whitelist|allowlist) (?:your |the )?ad[- ]?block", 3.5),
        (r"\bad[- ]?blockers?\b", 2.0),
        (r"\bunlock\b", 1.5),
        (r"\bpaywalls?\b", 1.0),
        (r"\bfree trial\b", 2.0),
        (r"\b(?:premium|digital|unlimited) (?:subscription|access|membership)\b", 2.0),
        # Subscription-sized prices only: "$1/week", "£5 a month", not "$60,000 a year".
        (
            r"[$£€¥₹] ?\d{1,3}(?:\.\d\d)?(?![\d,]) ?(?:/|a|per|an?|each) ?"
            r"(?:week|month|year|wk|mo|yr)\b",
            3.0,
        ),
        # Newsletter boxes.
        (
            r"\b(?:sign up|subscribe|register)\b.{0,50}\b(?:newsletters?|briefings?|digest|"
            r"emails?|inbox|alerts?)\b",
            3.0,
        ),
        (
            r"\b(?:delivered|sent|straight|direct(?:ly)?|right) (?:\w+ ){0,2}(?:to|in|into) "
            r"your inbox\b",
            3.0,
        ),
        (r"\benter your (?:e-?mail|name)\b|\byour e-?mail address\b", 2.5),
        (
            r"\bby (?:signing up|subscribing|registering|clicking|continuing)\b.{0,60}"
            r"\byou (?:agree|accept|consent)",
            3.0,
        ),
        (r"\b(?:privacy policy|terms of (?:use|service))\b", 1.0),
        # Sharing / following prompts.
        (r"\bshare (?:it|this|this (?:story|article)) with (?:a friend|friends|others)\b", 2.5),
        (r"\bfollow us (?:on|at)\b", 2.5),
        (
            r"\bfollow (?:\S+ ){0,6}on (?:twitter|facebook|instagram|youtube|tiktok|linkedin|"
            r"threads|bluesky|x)\b",
            2.5,
        ),
        (
            r"\b(?:tell|let) us (?:what you think|know what you think|your (?:views|thoughts))\b",
            2.5,
        ),
        (
            r"\bif you (?:enjoyed|liked|value|appreciate)d? (?:\w+ ){0,3}(?:article|story|"
            r"journalism|work|reporting|newsletter|coverage)\b",
            2.5,
        ),
        (r"\bfor your personal,? non-?commercial use\b", 3.5),
        (
            r"\b(?:delivered|sent) (?:\w+ ){0,3}(?:to|through) your "
            r"(?:door|letterbox|mailbox|home)\b",
            2.5,
        ),
        (r"\b\d+ (?:issues|editions) for [$£€]", 2.5),
        (r"\bclick here\b", 1.5),
        (r"\bclick here (?:to|for)\b", 2.0),
        # Podcast and show promos.
        (r"\b(?:on|to) our (?:[\w-]+ ){0,3}(?:podcast|show|newsletter)s?\b", 3.0),
        (
            r"\b(?:listen|subscribe) (?:to|on) (?:[\w'’-]+ ){0,4}(?:podcast|apple podcasts|"
            r"spotify)\b",
            3.0,
        ),
        (
            r"\bjoin (?:our|the) (?:community|conversation|commenting|discussion|mailing list)\b",
            2.5,
        ),
        # The same asks in German, French, Spanish, Italian and Portuguese.
        (r"\b(?:unterstützen sie (?:uns|unsere?n?)|mit ihrer (?:spende|unterstützung))\b", 3.0),
        (r"\b(?:jetzt|gratis|kostenlos) (?:testen|lesen|abonnieren|registrieren|spenden)\b", 3.0),
        (r"\bnewsletter (?:abonnieren|bestellen)\b|\bbereits (?:abonnent|registriert)", 3.0),
        (r"\b(?:abonnieren|spenden)\b", 1.5),
        (r"\b(?:abonnez-vous|inscrivez-vous|soutenez-nous|faites un don)\b", 3.5),
        (r"\bvotre (?:soutien|don|abonnement)\b|\bdéjà abonné", 2.5),
        (r"\b(?:recevez|recevoir) (?:notre|nos|la) (?:newsletter|lettre)", 3.0),
        (r"\b(?:suscríbete|suscríbase|hazte socio|haz una donación|apóyanos)\b", 3.5),
        (
            r"\b(?:tu|su) (?:apoyo|suscripción|donación)\b|\bya (?:eres|es) (?:suscriptor|socio)",
            2.5,
        ),
        (r"\brecibe (?:nuestro|nuestra|el|la) (?:boletín|newsletter)", 3.0),
        (r"\b(?:iscriviti|sostienici|fai una donazione|abbonati ora)\b", 3.5),
        (r"\b(?:il tuo|il vostro) (?:sostegno|contributo|abbonamento)\b|\bsei già abbonato", 2.5),
        (r"\b(?:inscreva-se|cadastre-se|faça uma doação|apoie o)\b|\bjá é assinante", 3.0),
        (r"\bassine (?:já|agora|o|a)\b", 2.5),
        # Topic words: weak alone, decisive together with the features below.
        (r"\bjournalism\b", 1.0),
        (r"\bjournalists?\b", 0.5),
        (r"\bindependent\b", 0.5),
        (r"\b(?:newsroom|nonprofit|non-profit)\b", 0.5),
        (r"\bmembers?hip\b", 1.0),
        (r"\bsubscri(?:be|bed|bing|ption|ptions|ber|bers)\b", 1.0),
        (r"\bdonat(?:e|es|ed|ing|ion|ions)\b", 1.0),
        (r"\bsupport(?:ing|ers?|s)?\b", 0.75),
        (r"\bcontribut(?:e|ion|ions|ing)\b", 0.75),
        (r"\bnewsletters?\b", 1.0),
    )
)
# The same, each with the literals one of which must occur for it to match (checked first).
APPEAL_GUARDED = guarded(APPEAL_PATTERNS)
# Indexed by literal: a text is searched for each literal once, not once per pattern.
APPEAL_INDEX = PatternIndex.build(APPEAL_GUARDED)

# Imperative call-to-action verbs starting a sentence or clause ("Donate now.", "— join today").
CTA_START = re.compile(
    r"(?:^|[.!?:;—–]\s*)(?:please\s+)?(?:support|donate|subscribe|join|give|sign up|become|help|"
    r"contribute|click|tap|enter|register|consider|get|start|upgrade|unlock|follow|share|"
    r"chip in|log in|sign in|try|claim|read (?:more|on|the full)|don'?t miss|want|catch up|listen|"
    r"tune in|download|abonnier\w*|spende\w*|unterstützen sie|newsletter abonnieren|"
    r"jetzt (?:abonnieren|spenden|testen|lesen|registrieren)|abonnez|inscrivez|soutenez|"
    r"suscr[ií]b\w*|apóyanos|hazte|iscriviti|sostienici|abbonati|assine|inscreva\w*|apoie|"
    r"cadastre\w*)\b",
    _I,
)

# News-ness: reporting verbs outside quotations, weekdays, percentages.
REPORTING = re.compile(
    r"\b(?:said|says|told|according to|reported|reports|announced|added|stated|explained|"
    r"wrote|tweeted|testified|alleged|confirmed|declined|ruled|voted|claimed)\b",
    _I,
)
NEWS_DETAIL = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\d+(?:\.\d+)? ?(?:%|percent\b|per cent\b)",
    _I,
)

# Also the unambiguous second person of de/fr/es/it/pt ("Sie", "su", "seu" are left out: they
# are also "they", "his", "her").
SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|yourself|you're|you've|you'll|you'd|ihre?|ihnen|du|dein|deine|vous|"
    r"votre|vos|usted|ustedes|tú|tu|vostro|vostra|tuo|tua|você|vocês)\b",
    _I,
)
# Case-sensitive "us" so that "US" (the country) is not the publisher speaking.
FIRST_PLURAL = re.compile(
    r"\b(?:[Ww]e|WE|[Oo]ur|OUR|[Oo]urs|us|Us|[Ww]e're|[Ww]e've|[Ww]e'll|[Ww]e'd|[Oo]urselves)\b"
)
MONEY = re.compile(r"[$£€¥₹] ?\d|\b\d+ ?(?:dollars|euros|pounds|rupees)\b", _I)
# The publisher talking about itself: "our work", "our staff", "our reporting"...
SELF_REFERENCE = re.compile(
    r"\b(?:our|we) (?:\w+ ){0,2}(?:work|staff|journalis\w+|report\w*|newsroom|readers?|"
    r"coverage|publication|outlet|editors?|newspaper|stories|mission|team|site|independence)\b|"
    r"\bjournalis\w+\b|\bnewsroom\b|\bdear readers?\b",
    _I,
)

# Quotations, to be ignored when judging who is speaking. Straight and curly double quotes; the
# single quote is left alone because it doubles as the apostrophe.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")

# Salutations that open a letter to the reader ("Dear readers,").
SALUTATION = re.compile(r"^(?:dear|hello|hi|to our)\s[\w\s,'’-]{0,40}[,:!.]?$", _I)

# Headings that introduce a publisher message or a link list rather than the story.
MESSAGE_HEADING = re.compile(
    r"^(?:an? )?(?:(?:important|personal|special|quick) )?(?:message|note|word|letter|update|"
    r"request|appeal) (?:from|to) .{2,60}[:.!]?$",
    _I,
)

# UI labels: whole lines that are buttons, links or widget furniture. Compared after
# normalisation (lower case, punctuation and arrows stripped).
UI_LABELS: frozenset[str] = frozenset(
    """
    continue|continue reading|keep reading|read more|read less|read on|read entire article|
    read full article|read the full article|read full story|read the full story|read article|
    read original article|read the original article|view original|view article|see more|
    show more|show less|load more|more|next|previous|next article|previous article|next story|
    back|back to top|top|close|close this|dismiss|cancel|ok|okay|got it|no thanks|no thank you|
    not now|maybe later|remind me later|later|skip|skip to content|skip to main content|skip ad|
    skip navigation|menu|open menu|search|home|share|share this|share this article|
    share this story|share on facebook|share on twitter|share on x|share on linkedin|
    share via email|tweet|email|e-mail|print|copy link|copy url|link copied|save|save article|
    bookmark|comment|comments|view comments|show comments|leave a comment|add a comment|reply|
    sign in|log in|login|sign out|log out|sign up|register|subscribe|subscribe now|
    subscribe today|donate|donate now|give now|support us|support now|join|join now|join us|
    become a member|accept|accept all|accept cookies|accept all cookies|reject all|
    manage cookies|cookie settings|manage preferences|privacy policy|terms of use|
    terms of service|terms and conditions|contact us|about us|advertisement|advertising|ad|
    ads|sponsored|sponsored content|paid content|promoted|related|related articles|
    related stories|related content|related coverage|recommended|recommended for you|
    you may also like|you might also like|most read|most popular|popular|trending|trending now|
    don't miss|dont miss|see also|more stories|also read|read also|read next|up next|
    listen|listen to this article|watch|watch now|play|play video|video|photo|photos|image|
    gallery|open gallery|view gallery|enlarge|expand|collapse|toggle navigation|follow us|
    follow|like|tags|topics|filed under|categories|print this page|newsletter|newsletters|
    sign up for our newsletter|subscribe to our newsletter|payment methods|order reprints|
    reprints|print article|email article|this article has been sent to|
    accepted payment methods|loading|loading comments|view all|see all|show all
    """.replace("\n", "")
    .replace("    ", "")
    .split("|")
)

# Lines that introduce a list of other stories: the rest of a tail is recirculation, not body.
LINK_LIST_HEADING = re.compile(
    r"^(?:related(?: (?:articles?|stories|content|coverage|reading|posts?|links?))?|"
    r"more (?:from \S.{0,40}|stories|news|coverage|to read|on this (?:story|topic))|"
    r"most (?:read|popular|viewed|shared)\b.{0,30}|"
    r"(?:you )?(?:may|might) also (?:like|enjoy|be interested in)|"
    r"recommended(?: for you| stories| reading)?|"
    r"(?:top|latest|trending) (?:stories|news|headlines)|"
    r"don'?t miss|see also|read (?:next|also)|also (?:read|on \S+)|up next|popular(?: now)?|"
    r"what to read next|editor'?s? picks?|(?:in )?other news)\s*[:.…]*$",
    _I,
)
# "Read also" in other languages: a pointer inside the story to one or two other stories.
READ_ALSO = re.compile(
    r"^(?:leggi anche|leggi pure|lesen sie auch|mehr zum thema|(?:à )?lire aussi|voir aussi|"
    r"leia também|veja também|leia mais|lea también|lee también|ver también|"
    r"читайте также|смотрите также|czytaj (?:też|także)|baca juga|관련\s?기사|関連記事|"
    r"相关阅读|相關閱讀)\s*[:.…]*$",
    _I,
)

# "Read more: Other headline", "Related: ...", "[Related: ...]", "Also on site.com ...".
LINK_OUT = re.compile(
    r"^\[?(?:read more|more|related(?: post| video| article| story| coverage)?|see more|see also|"
    r"also read|read also|read next|watch|listen|don'?t miss|more on this|recommended|"
    r"more from [\w .&'-]{1,40}|also on [\w.-]+|click to (?:read|watch|see)|filed under|tags|"
    r"topics|categories)\s*[:|»›>\-–—]|^also on [\w-]+\.[a-z]{2,}\s",
    _I,
)

# Aggregator chrome: pointers to the original instead of content.
CHROME = re.compile(
    r"^(?:read (?:the )?(?:entire|full|whole|original|complete) (?:article|story|post|report)"
    r"(?: (?:at|on|from) .{1,60})?|continue reading(?: (?:at|on) .{1,60})?|"
    r"(?:source|via|view (?:the )?original(?: article)?(?: at| on)?)[:\s].{1,80}|"
    r"(?:this (?:article|story|post) (?:was )?(?:originally|first) (?:published|appeared) "
    r"(?:by|in|on|at) [^.]{1,60}\.\s*)?read the original(?: article| story| post)?)[.!]?$",
    _I,
)

# Copyright and site footers ("© 2024 X. All rights reserved", "X News @2023").
FOOTER = re.compile(
    r"©|\(c\)\s*(?:19|20)\d\d|^copyright\b|\bcopyright\s*(?:©\s*)?(?:19|20)\d\d|"
    r"\ball rights reserved\b|(?<![\w.])@\s?(?:19|20)\d\d\b|\bpowered by \w+|[ⓒⒸ]|"
    # The same in other languages ("무단전재 및 재배포금지": no reproduction or redistribution).
    r"저작권자|무단\s?전재|재배포\s?금지|無断転載|転載禁止|版权所有|版權所有|"
    r"todos os direitos reservados|todos los derechos reservados|tous droits réservés|"
    r"alle rechte vorbehalten|tutti i diritti riservati|все права защищены|"
    r"wszelkie prawa zastrzeżone|tüm hakları saklıdır",
    _I,
)

# Counter-ish fragments that ride along with dates: "1", "3 comments", "5 min read".
COUNTER = re.compile(
    r"^(?:\d+|%?\d+[.,]?\d*[km%]?\s*(?:comments?|views?|shares?|likes?|reactions?|replies|"
    r"min(?:ute)?s?(?: read)?|read|votes?|голос(?:ов|а)?|stimmen|voti|votos))$",
    _I,
)
READING_TIME = re.compile(
    r"^(?:(?:estimated )?reading time|read time|tempo de leitura|lesezeit|temps de lecture|"
    r"tiempo de lectura)\s*:?\s*\d+\s*\w+$|^\d+\s*(?:-| )?min(?:ute)?s?\.? read$",
    _I,
)

# Page chrome that is a whole paragraph, by kind. Matched on the paragraph's text.
POLICY = re.compile(
    # Standards and letters policies, sponsor notes.
    r"^our (?:editorial )?(?:standards|principles|ethics)\s*:|\btrust principles\b|"
    r"\bcommitted to publishing a diversity of letters\b|"
    r"\bwelcomes? (?:expressions of all views|letters|your letters|reader letters)\b|"
    r"\bletters? (?:to the editor )?(?:should|must) (?:be brief|include|not exceed)\b|"
    r"\b(?:may|will) be edited for (?:length|clarity|style)\b|"
    r"^(?:this|the following) (?:sponsored )?(?:deal|post|article|content|story|feature|series|"
    r"offer|episode|segment)\b.{0,40}\b(?:is|was|are) (?:brought to you|sponsored|presented|"
    r"paid for|supported) by\b",
    _I,
)
CONTACT = re.compile(
    r"^(?:e-?mail(?: us)?|contact(?: us)?|tel|phone|fax|write to us|send (?:news )?tips)"
    r"\b[^@]{0,40}\S+@\S+\.\w+\.?$",
    _I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Promo headings: "Pick Six Newsletter", "How to listen to The Tennis Podcast".
PROMO_HEADING = re.compile(
    r"^(?:how to (?:listen|subscribe|watch)\b.{0,60}|"
    r"[\w'’&:. -]{1,40}\b(?:podcast|newsletter|briefing|digest)s?)$",
    _I,
)
# Widget strings: errors, gallery pointers, shop buttons.
UI_STRINGS = re.compile(
    r"^(?:an error (?:has )?occurred|something went wrong|oops\b|there was (?:a problem|an error))"
    r".{0,60}$|"
    r"^(?:the )?(?:story|article|text|content) continues (?:below|after)\b.{0,30}$|"
    r"^(?:see|view|browse) (?:more|all|the) (?:photos|pictures|images|slides|gallery)\W*$|"
    r"^(?:see|shop|buy|get) it(?: now)?\s*(?:at|on|from|:)\s*[\w .&'’-]{1,30}$|"
    r"^(?:shop|buy)(?: now)? (?:at|on|from) [\w .&'’-]{1,30}$",
    _I,
)
# Photo credits and captions standing as paragraphs.
CREDIT = re.compile(
    r"^(?:(?:main|cover|top|header|featured|lead|hero) )?(?:image|photo|picture|pic|photograph|"
    r"illustration|graphic)s?(?: credits?)?\s*[:：]|^(?:photo |image |picture )?credits?\s*[:：]|"
    r"^\(?(?:photo|image|picture)s? (?:by|courtesy of)\b",
    _I,
)
CAPTION_CREDIT = re.compile(
    r"\((?:photo|image|picture|credit|photo credit)s?\s*(?::|by)\s*[^()]{2,80}\)\s*$", _I
)
# An author's bio box: "Jane Doe is a reporter for X. Send tips to ... follow her on Twitter".
BIO_START = re.compile(
    r"^(?:[A-Z][\w.'’-]+ ){1,3}[A-Z][\w.'’-]+ (?:is|was|has been|covers|writes)\b.{0,120}?"
    r"\b(?:writer|reporter|editor|correspondent|columnist|contributor|producer|journalist|"
    r"author|intern|critic|host|anchor)\b"
)
BIO_CONTACT = re.compile(
    r"@\w|\bsend (?:\w+ )?tips\b|\bfollow (?:him|her|them)\b|\b(?:twitter|e-?mail)\b", _I
)
# Header cells of a stock-quote widget: "Ticker | Security | Last | Change | Change %".
TICKER_CELLS = frozenset(
    {"ticker", "symbol", "security", "company", "name", "last", "price", "change", "change %",
     "% change", "chg", "% chg", "volume", "high", "low", "open", "close", "market cap"}
)  # fmt: skip
# Role lines under a byline: "Goings On editor", "Senior correspondent".
ROLE_LINE = re.compile(
    r"^[\w'’ -]{0,40}\b(?:editor|writer|reporter|correspondent|columnist|contributor|critic|"
    r"producer|photographer)s?$",
    _I,
)
