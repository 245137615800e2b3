"""Word lists for attribution: reporting verbs, titles before names, pronouns.

The reporting verbs start from the Gender Gap Tracker's list (MIT, see data/README.md) and add
forms common in English news that it lacks ("according to" is handled by rule, not here).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

# Verbs the GGT list lacks, as base forms with their inflections (irregular ones spelled out).
_EXTRA_FORMS = """
ask asked asks asking
read reads
admire admired admires admiring
assume assumed assumes assuming
compare compared compares comparing
consider considered considers considering
decide decided decides deciding
doubt doubted doubts doubting
encourage encouraged encourages encouraging
favor favored favors favoring
identify identified identifies identifying
imagine imagined imagines imagining
learn learned learns learning
list listed lists listing
mean meant means meaning
order ordered orders ordering
portray portrayed portrays portraying
prefer preferred prefers preferring
realize realized realizes realizing
remember remembered remembers remembering
request requested requests requesting
suspect suspected suspects suspecting
threaten threatened threatens threatening
wish wished wishes wishing
allege alleged alleges alleging
answer answered answers answering
appear appeared appears appearing
chant chanted chants chanting
discuss discussed discusses discussing
echo echoed echoes echoing
express expressed expresses expressing
imply implied implies implying
invoke invoked invokes invoking
lament lamented laments lamenting
offer offered offers offering
post posted posts posting
refer referred refers referring
reiterate reiterated reiterates reiterating
repeat repeated repeats repeating
retweet retweeted retweets retweeting
see saw sees seeing seen
seem seemed seems seeming
shout shouted shouts shouting
speak spoke speaks speaking spoken
talk talked talks talking
thank thanked thanks thanking
tout touted touts touting
view viewed views viewing
wonder wondered wonders wondering
agree agreed agrees agreeing
applaud applauded applauds applauding
attack attacked attacks attacking
blast blasted blasts blasting
cite cited cites citing
condemn condemned condemns condemning
decline declined declines declining
defend defended defends defending
demand demanded demands demanding
dismiss dismissed dismisses dismissing
dub dubbed dubs dubbing
endorse endorsed endorses endorsing
label labeled labels labeling labelled
mock mocked mocks mocking
oppose opposed opposes opposing
plan planned plans planning
praise praised praises praising
propose proposed proposes proposing
question questioned questions questioning
recommend recommended recommends recommending
refuse refused refuses refusing
reject rejected rejects rejecting
seek sought seeks seeking
slam slammed slams slamming
support supported supports supporting
want wanted wants wanting
welcome welcomed welcomes welcoming
accuse accused accuses accusing
believe believed believes believing
blame blamed blames blaming
boast boasted boasts boasting
call called calls calling
caution cautioned cautions cautioning
charge charged charges charging
complain complained complains complaining
concede conceded concedes conceding
contend contended contends contending
counter countered counters countering
deny denied denies denying
emphasize emphasized emphasizes emphasizing
expect expected expects expecting
fear feared fears fearing
feel felt feels feeling
find found
hope hoped hopes hoping
joke joked jokes joking
know knew knows knowing known
maintain maintained maintains maintaining
observe observed observes observing
plead pleaded pleads pleading
pledge pledged pledges pledging
promise promised promises promising
quip quipped quips quipping
recall recalled recalls recalling
remark remarked remarks remarking
reveal revealed reveals revealing
say
scoff scoffed scoffs scoffing
show showed shows showing shown
signal signaled signals signalling signalled
speculate speculated speculates speculating
stress stressed stresses stressing
urge urged urges urging
vow vowed vows vowing
worry worried worries worrying
write written
yell yelled yells yelling
rail railed rails railing
assail assailed assails assailing
bemoan bemoaned bemoans bemoaning
rebuke rebuked rebukes rebuking
lambaste lambasted lambastes lambasting
lash lashed lashes lashing
liken likened likens likening
hail hailed hails hailing
muse mused muses musing
interject interjected interjects interjecting
recount recounted recounts recounting
allude alluded alludes alluding
voice voiced voices voicing
reference referenced references referencing
quote quoted quotes quoting
email emailed emails emailing
forecast forecasts forecasting
characterize characterized characterizes characterizing
reaffirm reaffirmed reaffirms reaffirming
articulate articulated articulates articulating
underscore underscored underscores underscoring
outline outlined outlines outlining
hint hinted hints hinting
disavow disavowed disavows disavowing
congratulate congratulated congratulates congratulating
apologize apologized apologizes apologizing
rebut rebutted rebuts rebutting
deride derided derides deriding
downplay downplayed downplays downplaying
champion championed champions championing
lecture lectured lectures lecturing
utter uttered utters uttering
decry decried decries decrying
chide chided chides chiding
berate berated berates berating
scold scolded scolds scolding
castigate castigated castigates castigating
excoriate excoriated excoriates excoriating
ridicule ridiculed ridicules ridiculing
side sided sides siding
distance distanced distances distancing
balk balked balks balking
deem deemed deems deeming
embrace embraced embraces embracing
advocate advocated advocates advocating
scream screamed screams screaming
whisper whispered whispers whispering
mutter muttered mutters muttering
bark barked barks barking
grouse groused grouses grousing
grumble grumbled grumbles grumbling
snipe sniped snipes sniping
confess confessed confesses confessing
quiz quizzed quizzes quizzing
marvel marveled marvels marveling marvelled marvelling
gush gushed gushes gushing
fume fumed fumes fuming
thunder thundered thunders thundering
retort retorted retorts retorting
reason reasoned reasons reasoning
opine opined opines opining
surmise surmised surmises surmising
"""

# Forms the GGT list has that read as attribution cues too rarely to keep (e.g. "present").
_DROP = frozenset(
    {"accept", "accepted", "accepts", "persist", "persisted", "persisting", "persists",
     "present", "presenting", "presents", "release", "released", "releases", "releasing",
     "continue", "continues", "continuing", "ensure", "ensured", "ensures", "ensuring",
     "finding", "convince", "convinces", "convincing", "convinced", "demonstrate",
     "demonstrated", "demonstrates", "demonstrating", "illustrate", "illustrated",
     "illustrates", "illustrating", "notified", "notifies", "notify", "notifying",
     "acclaim", "acclaimed", "acclaiming", "acclaims", "rave", "raved", "raves", "raving",
     "mean", "means", "meant", "meaning", "speaking", "compare", "compared", "compares",
     "comparing", "advise", "advised", "advises", "advising"}
)  # fmt: skip


def words(text: str) -> frozenset[str]:
    """A word list written as whitespace-separated text."""
    return frozenset(text.split())


#: The forms of "say", the commonest cue, which needs no complement to count ("he said.").
SAY_FORMS = frozenset({"say", "says", "said", "saying", "tell", "tells", "told", "telling"})

#: Military and police ranks as news copy abbreviates them ("Navy Capt.", "Det. Sgt."):
#: spaCy's tokenizer splits them from their full stop, and its recogniser sometimes reads
#: one alone as a name.
RANKS = words("spc pfc sgt cpl pvt capt cpt cmdr cdr lt col maj gen adm det brig supt insp")

_TITLE_WORDS = words(
    """
    mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady president
    vice prime minister premier chancellor secretary sen sen. senator rep rep.
    representative gov gov. governor mayor judge justice chief general gen gen. colonel
    col col. lt lt. lieutenant captain capt capt. sgt sgt. sergeant admiral adm adm. king
    queen prince princess pope rev rev. reverend father sister brother saint st st.
    ambassador commissioner spokesman spokeswoman spokesperson speaker leader chairman
    chairwoman chair ceo founder director deputy foreign defense defence state attorney
    former acting first lady u.s. us state-run minority majority democratic republican gop
    sheriff coach candidate nominee candidate presidential house white senate
    msgr msgr. atty atty. amb amb.
    """
)
#: Titles and roles that may precede a name ("President Vladimir Putin", "Sen. Rubio").
TITLES = _TITLE_WORDS | RANKS | frozenset(f"{rank}." for rank in RANKS)

#: Pronouns that stand for a person or group as a quote's source, by compatible kinds.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "i", "me", "my"})
GROUP_PRONOUNS = frozenset({"they", "them", "their", "we", "us", "our", "it", "its"})
#: Outside a quotation, the writer or the publication.
FIRST_PERSON_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})


#: Cues of stance, belief or intention rather than speech ("wants", "rejected", "seems"):
#: PolNeAR counts them as attributions, but they are not quotes, so the product leaves them out.
ATTITUDE_FORMS = words(
    """
    agree agreed agrees agreeing appear appeared appears appearing believe believed
    believes believing decline declined declines declining endorse endorsed endorses
    endorsing expect expected expects expecting fear feared fears fearing feel felt feels
    feeling find found finds hope hoped hopes hoping know knew knows knowing known oppose
    opposed opposes opposing plan planned plans planning reject rejected rejects rejecting
    refuse refused refuses refusing see saw sees seeing seen seek sought seeks seeking seem
    seemed seems seeming show showed shows showing shown support supported supports
    supporting think thinks thought thinking want wanted wants wanting welcome welcomed
    welcomes welcoming view viewed views viewing offer offered offers offering thank thanked
    thanks thanking post posted posts posting discuss discussed discusses discussing talk
    talked talks talking speak spoke speaks speaking spoken defend defended defends
    defending praise praised praises praising attack attacked attacks attacking cite cited
    cites citing question questioned questions questioning propose proposed proposes
    proposing recommend recommended recommends recommending demand demanded demands
    demanding estimate estimated estimates indicate indicated indicates indicating
    admire admired admires admiring assume assumed assumes assuming compare compared
    compares comparing consider considered considers considering decide decided decides
    deciding doubt doubted doubts doubting encourage encouraged encourages encouraging favor
    favored favors favoring identify identified identifies identifying imagine imagined
    imagines imagining learn learned learns learning list listed lists listing mean meant
    means meaning order ordered orders ordering portray portrayed portrays portraying prefer
    preferred prefers preferring realize realized realizes realizing remember remembered
    remembers remembering request requested requests requesting suspect suspected suspects
    suspecting threaten threatened threatens threatening wish wished wishes wishing
    side sided sides siding distance distanced distances distancing balk balked balks balking
    deem deemed deems deeming embrace embraced embraces embracing advocate advocated advocates
    advocating
    """
)


def _forms(base: str) -> set[str]:
    """A regular verb's forms ("argue": argue, argues, argued, arguing; "agree": agreeing)."""
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return {base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    third = base + ("es" if base.endswith(("s", "sh", "ch", "x", "z")) else "s")
    if base.endswith("e"):
        past = base + "d"
        ing = base + "ing" if base.endswith("ee") else base[:-1] + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    return {base, third, past, ing}


_IRREGULAR = {
    "speak": {"speak", "speaks", "spoke", "spoken", "speaking"},
    "know": {"know", "knows", "knew", "known", "knowing"},
    "learn": {"learn", "learns", "learned", "learnt", "learning"},
    "feel": {"feel", "feels", "felt", "feeling"},
    "think": {"think", "thinks", "thought", "thinking"},
    "write": {"write", "writes", "wrote", "written", "writing"},
    "tweet": {"tweet", "tweets", "tweeted", "tweeting"},
    "refer": {"refer", "refers", "referred", "referring"},
    "allude": {"allude", "alludes", "alluded", "alluding"},
    "plead": {"plead", "pleads", "pleaded", "pled", "pleading"},
    "object": {"object", "objects", "objected", "objecting"},
    "brag": {"brag", "brags", "bragged", "bragging"},
    "fret": {"fret", "frets", "fretted", "fretting"},
    "reply": {"reply", "replies", "replied", "replying"},
}

# A reporting verb and the preposition that introduces what was said, called for or talked
# about ("called for a ban", "spoke about the cost", "referred to the report"). Only these
# pairs: "told the court on Monday", "wrote to shareholders", "apologized to the families"
# name a time or an addressee, not what was said.
_PHRASAL = {
    "for": "call argue push press advocate plead campaign lobby vote appeal clamor "
    "apologize hope congratulate thank praise criticize blame fault credit applaud commend",
    "about": "talk speak joke worry complain warn write think ask boast brag comment "
    "testify tweet muse fret speculate inquire care know learn feel",
    "against": "argue warn rail speak vote campaign caution protest lobby testify",
    "to": "refer point allude object",
    "on": "comment weigh insist elaborate reflect agree",
    "of": "speak warn complain boast think",
    "with": "agree disagree side",
    "like": "seem sound look appear",
    "over": "worry fret",
}


@cache
def phrasal_cues() -> dict[str, frozenset[str]]:
    """Preposition -> forms of the verbs whose object after it is what was said."""
    out: dict[str, frozenset[str]] = {}
    for prep, verbs in _PHRASAL.items():
        forms: set[str] = set()
        for base in verbs.split():
            forms |= _IRREGULAR.get(base, _forms(base))
        out[prep] = frozenset(forms)
    return out


#: Nouns of speech that carry what was said in a "that" clause or a prepositional phrase
#: ("Trump's claim that ...", "her criticism of the plan").
SPEECH_NOUNS = words(
    """
    claim claims statement statements remark comment assertion assertions allegation
    allegations accusation accusations warning warnings denial denials suggestion suggestions
    promise promises pledge pledges call calls criticism criticisms praise complaint
    complaints argument arguments insistence admission announcement prediction predictions
    vow vows demand demands plea pleas questions
    """
)
#: Nouns of stance ("his support for", "their opposition to", "the belief that").
ATTITUDE_NOUNS = words(
    """
    concern hope hopes fear fears belief beliefs view views
    endorsement endorsements idea refusal speculation doubts doubt
    """
)


#: Prepositions after a speech noun that introduce what was said ("calls for", "questions
#: about"); "to" and "on" name an addressee or a time ("statement to police", "announcement
#: on Monday"), and "of" counts after a few nouns only.
NOUN_PREPS = words("for about against over")


def cue_nouns(attitudes: bool) -> frozenset[str]:
    """Speech nouns, and stance nouns too when `attitudes` (as for the verbs)."""
    return SPEECH_NOUNS | ATTITUDE_NOUNS if attitudes else SPEECH_NOUNS


@cache
def speech_verbs() -> frozenset[str]:
    """Cue verbs of speech and writing only: what a quote needs."""
    return cue_verbs() - ATTITUDE_FORMS


@cache
def cue_verbs() -> frozenset[str]:
    """Every lower-cased verb form that can introduce reported speech or thought."""
    text = resources.files("progleton.enrich").joinpath("data/ggt_quote_verbs.txt").read_text()
    forms = {w.strip().lower() for w in text.split() if w.strip()}
    forms.update(_EXTRA_FORMS.split())
    return frozenset(forms - _DROP)


# Short and dotted forms news copy uses for a few very common names, and the name (and kind)
# they stand for: "U.S.", "US" and "United States" are one place. Only these exact spellings
# (capitals; dots are dropped first), so the pronoun "us" is never a country.
KNOWN_NAMES: dict[str, tuple[str, str]] = {
    "US": ("United States", "GPE"),
    "USA": ("United States", "GPE"),
    "United States of America": ("United States", "GPE"),
    "UK": ("United Kingdom", "GPE"),
    "UAE": ("United Arab Emirates", "GPE"),
    "UN": ("United Nations", "ORG"),
    "EU": ("European Union", "ORG"),
    "Nato": ("NATO", "ORG"),
}
