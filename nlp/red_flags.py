"""Recognises messages that describe a medical emergency or a self-harm crisis.

The NLU classifier has a report_emergency intent; this module is the safety net beside it
(nlp/red_flag_guard.py), because a missed emergency costs far more than a needless "call
emergency services". It must also stay quiet on the ordinary questions of a clinic's FAQ,
which share many words with emergencies ("will I faint?", "no fever", "dying to try it").

How a message is judged:

1. ``normalise`` evens out what phones and keyboards do to text: Unicode compatibility
   forms (full-width letters), invisible zero-width and bidi characters, curly quotes,
   letters repeated for emphasis ("helppp"), and common txt spellings ("cant", "im", "u").
   Every check runs on the normalised text.
2. ``CONCEPTS`` is the table of what an emergency looks like, category by category: each
   entry is a regular expression for one concept in patients' own words ("can't breathe",
   "skin has gone white", "took too many pills"). Gaps inside a pattern never jump over a
   negation word, so "the skin is not white" cannot match "skin ... white".
3. Each match is then weighed against cues around it, within its sentence or clause:
   negation that scopes it ("no fever", "didn't faint or anything"), a general or
   hypothetical question ("what if", "can it cause", "will I"), a past or habitual event
   ("years ago", "when I was 15", "sometimes"), unless the clause also says it is
   happening now, a problem that has resolved ("fully recovered"), an idiom ("dying to try",
   "nearly fainted when I saw the price"), softeners on the concepts that everyday
   after-effects share ("a bit swollen"), and a question about suitability that follows a
   chronic condition ("I get palpitations sometimes, can I have it?"). A concept only counts
   if none of its cues applies; any one surviving concept makes the message a red flag, so
   a hypothetical in one sentence never silences "my throat is closing" in the next.
4. Self-harm is a crisis, not an emergency, and wins when both match. Hypothetical cues
   never silence it ("if this doesn't work I'll end my life" is a crisis); only negation,
   a clearly past or resolved account ("years ago", "clean for three years, fine now") and
   a few idioms ("I could kill myself for forgetting", "burnt myself on the oven") do, and
   never once it has come back ("relapsed", "cutting again", "the urges").

Entry tags: a pattern may start with a regex comment such as ``(?#mild,colour)``; the tags
say which extra cues apply to it (see ``_TAGS``). They do not change what it matches.

All patterns are precompiled and every repetition is bounded, so a message costs a fraction
of a millisecond and no input can make the matcher backtrack catastrophically.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

# --------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------

# Zero-width and bidi controls and the soft hyphen: invisible, and they split words.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

# Quotes and dashes that phone keyboards and word processors substitute. Done before NFKC,
# which would turn the acute accent into a space and a combining mark.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": " - ",
        "\u2014": " - ",
        "\u2015": " - ",
        "\u2212": "-",
    }
)

# Txt spellings and contractions without apostrophes, mapped to the forms the patterns use.
# Only unambiguous ones: "ill" (sick) and "id" (ID card) are left alone.
_TXT: dict[str, str] = {
    "cant": "can't",
    "cnt": "can't",
    "carnt": "can't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "wont": "won't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "aint": "ain't",
    "im": "i'm",
    "ive": "i've",
    "youre": "you're",
    "theyre": "they're",
    "thats": "that's",
    "whats": "what's",
    "theres": "there's",
    "hes": "he's",
    "shes": "she's",
    "its": "it's",
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "pls": "please",
    "plz": "please",
    "pleas": "please",
    "bc": "because",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "rn": "right now",
    "atm": "at the moment",
    "idk": "i don't know",
    "dunno": "don't know",
    "thru": "through",
    "b4": "before",
    "2day": "today",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "hlp": "help",
    "brth": "breathe",
    "sth": "something",
    "smth": "something",
    "abt": "about",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "mins": "minutes",
    "min": "minutes",
    "hrs": "hours",
    "hr": "hours",
}
_TXT_WORD = re.compile(
    r"(?<![\w'])(" + "|".join(sorted(_TXT, key=len, reverse=True)) + r")(?![\w'])"
)
_REPEATS = re.compile(r"([a-z])\1{2,}")  # "pleeease", "helppp": 3+ of a letter -> 1
_INNER_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")  # "light-headed", "self-harm", "net-like"
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
# "heart's pounding", "skin's gone grey": the clitic is "is" or "has" before a verb or an
# adverb, so patterns written for "heart is pounding" apply. Possessives ("mum's pills")
# are left alone.
_CLITIC_IS = re.compile(
    r"(?<=[a-z])'s (?=(?:gone|been|got|getting|not|really|so|very|all|completely|totally|just|still|now|[a-z]+ing|[a-z]+ed)\b)"
)


def normalise(text: str) -> str:
    """The message as the patterns see it: plain lower-case ASCII-ish text, one space apart."""
    text = (text or "").translate(_PUNCTUATION)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).casefold()
    # A line break ends a sentence as much as a full stop does.
    text = _LINE_BREAK.sub(" . ", text.strip())
    text = _REPEATS.sub(r"\1", text)
    text = _INNER_HYPHEN.sub(" ", text)
    text = " ".join(text.split())
    text = _TXT_WORD.sub(lambda m: _TXT[m.group(1)], text)
    return _CLITIC_IS.sub(" is ", text)


# --------------------------------------------------------------------------------------
# Pattern fragments
# --------------------------------------------------------------------------------------

# Up to n words inside a pattern, never a negation, an "if" or a modal: "skin is not white",
# "what does it mean if the skin goes purple" and "my vision might go blurry" must not
# match "skin/it/vision ... white/purple/blurry".
_GAP = r"(?:(?!(?:not|no|never|nor|without|isn't|aren't|wasn't|weren't|hasn't|haven't|don't|doesn't|didn't|if|unless|whether|might|could|would|will|may|should)\b)[\w']+\s+)"
# The same, a comma allowed after each word.
_GAPC = r"(?:(?!(?:not|no|never|nor|without|isn't|aren't|wasn't|weren't|hasn't|haven't|don't|doesn't|didn't|if|unless|whether|might|could|would|will|may|should)\b)[\w']+,?\s+)"
_W1 = _GAP + "{0,1}"
_W2 = _GAP + "{0,2}"
_W3 = _GAP + "{0,3}"
_W4 = _GAP + "{0,4}"
_W5 = _GAP + "{0,5}"

_CANT = r"(?:can't|cannot|can not|couldn't|unable to|not able to|no able to|can't really|can't seem to|can hardly|can barely|hardly|barely)"
_BREATHE = r"(?:br(?:e|ea|ee|ae)a?th(?:e|es|ed|ing|in)?|breathe)"
_AIRWAY = r"(?:throat|thr?oat|troat|tongue|tounge|tonge|airways?|windpipe|uvula|voice ?box|larynx)"
_LIPS = r"(?:lips?|mouth)"
_SWELL = r"(?:swel+(?:ing|s|ed)?|swol+e?n|swelled|puff(?:ing|y|ed)? ?(?:up)?|closing|closed|clos(?:ing|ed) up|shutting|shut(?: down)?|blocking|blocked|tight(?:er|ening|ness)?|thick(?:er)?|huge|massive|enormous|ballooning|like a balloon|(?:blew|blown|blowing|blow|blows) up|constrict\w*|narrow(?:er|ing)?|too big|so big|(?:getting|growing|got) (?:bigger|larger|fatter))"
_FACE = r"(?:face|eyes?|eyelids?|neck|cheeks?|head)"
_FAST = r"(?:up|shut|closed|fast|quickly|rapidly|massively|badly|so much|a lot|really bad\w*|like a balloon|by the minute|every minute|more and more)"
_COL_ALL = r"(?:bluey|purpley|greyey|white|whitish|pale|paler|ashen|blanched|grey|gray|greyish|grayish|greyer|blue|bluish|blueish|purple|purplish|black|blackish|blacker|dark|darker|dusky|mottled|marbled)"
_COL_STRONG = r"(?:bluey|purpley|greyey|blue|bluish|blueish|purple|purplish|black|blackish|grey|gray|greyish|grayish|dusky|mottled|marbled|ashen|blanched|very pale|very white|white white|pale white)"
_SKIN = r"(?:skin|area|patch|site|lip|lips|nose|nostril|cheek|cheeks|chin|forehead|face|temple|eyebrows?|brow|jaw|jawline|tip|scalp|thigh|thighs|tummy|stomach|belly|bum|buttocks?|fingers?|fingertips|hand|hands|toes|injection \w+|spot|spots|point|points|mark|marks)"
_SKIN_NOSPOT = r"(?:skin|area|patch|site|lip|lips|nose|nostril|cheek|cheeks|chin|forehead|face|temple|eyebrows?|brow|jaw|jawline|tip|scalp|thigh|thighs|tummy|stomach|belly|bum|buttocks?|fingers?|fingertips)"
_CHANGE = r"(?:turn(?:ed|ing|s)?|gone|going|went|go|goes|become|became|becoming|getting|got|changed|changing)"
_STATIC = r"(?:is|are|was|looks?|looking|appears?|seems?|now|feels?)"
_BLEED = r"(?:bleed|bleeds|bleeding|bleedin|bleding|bleeing|bleading|bleading|bled|blleding)"
_PAINW = r"(?:pain|pains|painful|ache|aches|aching|hurt|hurts|hurting|burning|throbbing|throbs|headache)"
_SEVERE = r"(?:severe|severly|severely|excruciating|unbearable|unbearably|terrible|terribly|extreme|extremely|worst|agoni\w*|intense|horrible|horrendous|crippling|awful|unreal|insane|immense|incredible|so much|very strong|much more strong|really bad|real bad|so bad|very bad|increasing|worsening|escalating|the worst)"
_DRUG = (
    r"(?:pills?|tablets?|tabs|capsules?|caps|meds|medications?|medicines?|painkillers?|pain killers?|paracet\w*|acetaminophen|tylenol|panadol|"
    r"ibuprofen|ibuprofens|advil|nurofen|motrin|aspirins?|codeine|co ?codamol|cocodamol|tramadol|oxy\w*|morphine|fentanyl|opioids?|opiates?|"
    r"sleeping (?:pills|tablets)|sleepers|diazepam|valium|xanax|alprazolam|lorazepam|benzos?|antihistamines?|benadryl|piriton|cetirizine|"
    r"zopiclone|zolpidem|ambien|insulin|antidepressants?|sertraline|citalopram|fluoxetine|amitriptyline|beta ?blockers?|propranolol|"
    r"diet pills|iron|vitamins?|supplements|numbing cream|emla|lidocaine|warfarin|apixaban|rivaroxaban|laxatives|caffeine pills|drugs)"
)
# Drugs that are dangerous with alcohol.
_SEDATIVE = r"(?:sleeping (?:pills|tablets)|sleepers|painkillers?|codeine|co ?codamol|tramadol|oxy\w*|morphine|fentanyl|opioids?|diazepam|valium|xanax|lorazepam|benzos?|zopiclone|zolpidem|ambien|antidepressants?|anxiety (?:pills|tablets|meds)|pills|tablets|meds)"
_TAKE = r"(?:took|taken|taking|swallowed|swallowing|had|have had|ate|eaten|used|using|applied|put|necked|downed|popped|injected|given|gave)"
_TIME_LONG = r"(?:for|since) (?:over |more than |nearly |almost |about |around |like )?(?:an? hour|one hour|1 hour|half an hour|\d+ ?(?:hours?|hrs?)|[1-9][0-9] ?minutes|(?:ten|fifteen|twenty|thirty|forty|fifty|sixty)\w* minutes|ages|hours)"
_RELATIVE = r"(?:him|her|them|my (?:mum|mom|mother|dad|father|husband|wife|partner|boyfriend|girlfriend|son|daughter|sister|brother|friend|nan|nana|gran|granny|grandma|grandad|grandpa|aunt\w*|uncle|flatmate|roommate|housemate|child|kid|baby|toddler|mate|colleague|neighbour|neighbor|fiance\w*)|\w+'s (?:mum|dad|mother|father))"
_POISON = r"(?:bleach|antifreeze|anti freeze|drain cleaner|drain unblocker|weed ?killer|rat poison|white spirit|turps|turpentine|dishwasher (?:tablets?|pods?)|washing (?:up )?liquid|laundry (?:pods?|capsules?|tablets?|liquid)|detergent|button batter(?:y|ies)|batter(?:y|ies)|e ?liquid|vape (?:liquid|juice)|nail (?:polish|varnish) remover|acetone|methanol|paint thinners?|oven cleaner|toilet cleaner|pesticides?|slug pellets)"
_PERSON = r"(?:i|i'm|i am|he|he's|he is|she|she's|she is|they|they're|they are|we|we're|my \w+|his|her|their|your)"

# --------------------------------------------------------------------------------------
# The concept table: category -> patterns. Comment above each says what it catches.
# --------------------------------------------------------------------------------------

SELF_HARM = "self_harm"

CONCEPTS: dict[str, list[str]] = {
    SELF_HARM: [
        # suicide and suicidal thoughts, "unalive", "kms"
        r"\b(?:suicid\w*|suiside\w*|sucid\w*|unaliv\w*|un alive (?:myself|me)|kms|kys myself)\b",
        # kill / hang / hurt / harm / cut / starve myself
        r"\b(?:kill\w*|hang\w*|hurt\w*|harm\w*|cut\w*|starv\w*|poison\w*|drown\w*|burn\w*|punish\w*|hit|hits|hitting|punch\w*|slap\w*|stab\w*|slic\w*|slash\w*|carv\w*|scratch\w*|bash\w*|beat|beating|bruis\w*|strangl\w*) (?:myself|my self)\b|\b(?:going to|gonna|want to|wanna|will|i'll|ill|i'd|id|to|might|could|thinking of|thinking about) (?:off|end) (?:myself|my self)\b|\b(?:top|tops|topping|topped) (?:myself|my self)\b|\bfinish(?:ing)? (?:myself|my self) off\b|\bdo myself in\b",
        # self-harm named, cutting my arms or wrists, slitting wrists
        r"\bself ?harm\w*|\b(?:cut|cutting|slit|slitting|slash\w*|slic\w*|carv\w*|stab\w*|goug\w*) (?:into )?(?:my|his|her) (?:own )?(?:arms?|wrists?|legs?|thighs?|skin|stomach|belly|hips?|body)\b",
        rf"\b(?:cut\w*|scratch\w*|slic\w*|slash\w*|carv\w*|stab\w*|burn\w*|scrap\w*|mark\w*|dig\w*) (?:into )?(?:myself|my self|my (?:own )?(?:\w+ )?(?:arms?|wrists?|legs?|thighs?|skin|stomach|belly|hips?|chest|face|body|hands?))\s+{_W3}with (?:a |an |the |my |some )?(?:razor|blade|knife|knives|scissors|compass|lighter|cigarette|match|glass|shard|pin|sharpener|hot)\w*|\b(?:cut\w*|burn\w*|hit|hitting|scratch\w*|bruis\w*|punch\w*|bang\w*|bash\w*|starv\w*|stab\w*|slic\w*|slap\w*)\b[^.!?,]{{0,40}}\b(?:on purpose|deliberately|intentionally|to punish (?:myself|me))\b|\b(?:bang|bash|hit|smash|punch)\w* my (?:head|face|fists?) (?:against|into|on) (?:the |a )?walls?\b",
        # cutting or self-harm slang, a relapse, the urge
        r"\b(?:urges? to|tempted to|want to|wanna|going to|about to|started|start|keep|kept|back to|went back to|gone back to|relapsed (?:and|into)|can't stop|i|i've|i have|been)\s+(?:\w+\s+)?(?:cut|cutting|sh|sh'?ing|self ?harm\w*)\b(?= *(?:$|[.,!?;]|again|myself|tonight|today|now|last|more|deeper|deep|so|and|because|but|every|when))|\bsh'(?:ing|ed|d)\b|\b(?:relaps\w*|urges?|urge to|clean from|clean of|started|been|back to|went back to|did)\s+(?:on\s+|with\s+|to\s+|into\s+)?sh\b|\bsh (?:again|urges?|relapse\w*|last night|tonight)\b|\b(?:urges? to|tempted to)\s+(?:cut|sh|self ?harm\w*|hurt|burn)\b(?! (?:my hair|back|down|carbs|out|costs?|the|my|it|ties|corners|calories|sugar))",
        # end my life / take my own life / end it all / ending it
        r"\b(?:end|ending|ended|take|taking|finish|finishing|stop|stopping) (?:my|his|her) (?:own )?life\b(?! back| in (?:my|your|his|her) (?:own )?hands| into)|\b(?:end|ending|finish|finishing) it (?:all|tonight|now|today|for good)\b|\b(?:just|want to|going to|decided to|made up my mind to|ready to|thinking (?:about|of)) end(?:ing)? it\b(?= *(?:$|[.,!?]| because| so| all))|\bend (?:it|everything) all\b|\b(?:end|ending) everything\b",
        # want to die, wish I was dead, better off dead / without me
        r"\b(?:want|wanna|wanted|wanting|wish|wishing|ready|prefer|like) (?:\w+ )?to (?:die|be dead|not (?:be )?(?:here|alive|exist\w*))\b|\bwish (?:i|i'd) (?:was|were|had) (?:dead|gone|never been born|never born|not (?:here|alive|born))\b|\bwish i (?:was|were) never born\b|\b(?:wish|wishing|hope|hoping|pray|praying) (?:that )?i (?:could |would |will |might |just |can |would just |could just )?(?:die|disappear|vanish|stop existing|cease to exist|not exist|not be here|not be alive|stop being alive|be gone|not wake up|never wake up|didn't wake up|don't wake up|wouldn't wake up|won't wake up|sleep forever|go to sleep forever|be dead|was dead|were dead|get hit by)\b(?! (?:of|from|laughing|for (?:a|an|the|two|few)|to|on|into|off to|like that|when i see|if))|\bwish i (?:wasn't|weren't) (?:here|alive|born)\b|\b(?:would|'d|will) be (?:better|happier|fine) (?:off )?without me\b|\bbetter off (?:dead|without me|if i (?:was|were)n't|if i wasn't|if i was gone|if i (?:just )?(?:disappeared|died|vanished|left for good|didn't exist|was never born|wasn't here|weren't here|wasn't around))\b|\b(?:i'd|i would|i'm|i am|i'll|i will) be better off (?:gone|dead|not here|not alive|not around|not existing)\b",
        # rather be dead / rather die than ...
        r"\b(?:rather|sooner) (?:be )?(?:dead|die)\b",
        # don't want to live / exist / be alive / wake up anymore
        r"\b(?:don't|do not|didn't|dont|no longer|never) want (?:to|2) (?:live|be alive|exist|be here|wake up|go on|carry on|be around)\b",
        # no point / reason in living, life not worth living
        r"\bno (?:point|reason|purpose) (?:for me |for living )?(?:in |of |to )?(?:keep(?:ing)? |go on |carry on )?(?:living|to live|live|being alive|going on|carrying on|in life|to go on|to be here|existing)\b(?! with (?:the |these |those |my |this |more |your )?(?:sessions?|treatments?|course|meso\w*|injections?|appointments?|booking|plan|package|creams?|it|them)\b)|\b(?:not|isn't|is not|no longer) worth (?:living|it anymore|being alive)\b|\blife (?:is|isn't|is not) (?:not )?worth (?:living|it)\b",
        # sleep and never wake up
        r"\b(?:sleep|go to sleep|fall asleep) and never wake up\b|\bnever wake up again\b|\b(?:sleep|asleep) and not wake up\b|\b(?:want|wish|hope|pray)\w* (?:\w+ ){0,3}(?:not|never) (?:to )?wake up\b|\b(?:go to sleep|sleep|fall asleep) forever\b",
        # nobody would miss / notice / care if I were gone
        r"\b(?:nobody|no one|no-one|noone|nobody else) (?:would|will|is going to|'d) (?:even )?(?:miss|notice|care)\b|\b(?:happier|easier|better|better off|simpler)\s+(?:for (?:everyone|everybody|them|my \w+|all|the world|people|everyone else)\s+)?(?:if|when) i(?:'m| am)? (?:just )?(?:was |were )?(?:(?:wasn't|was not|weren't|not)(?= *(?:$|[.,!?;]| here| around| alive| in (?:their|the|this) (?:lives?|world)| born| any ?more))|gone|dead|disappeared|died|vanished|didn't exist|never existed|was never born)\b|\bif i (?:wasn't|was not|weren't) (?:here|around|alive)\b",
        # goodbye letters, suicide note, saying goodbye, giving things away
        r"\bgoodbye (?:letters?|notes?|messages?|texts?)\b|\bwritten (?:my )?(?:goodbyes?|a will)\b|\bsay(?:ing)? (?:my )?(?:final )?goodbyes?\b|\b(?:goodbye|farewell) (?:world|cruel world)\b|\b(?:i'm done|i am done|i can't do this any ?more|forgive me|i love you all|this is it|it's over|tell (?:my \w+|them|everyone) i love)\b[^?]{0,30}\b(?:goodbye|farewell|bye (?:everyone|everybody|all|forever))\b",
        # plans: stash of pills, tonight is the night, planning how to do it, a rope
        r"\bstash of (?:pills|tablets|meds)|\b(?:pills|tablets|meds) saved up\b|\btonight is the night\b|\b(?:plan|planning|planned|worked out|figured out) (?:how|when|where) (?:to|i'll|i will|i'm going to) (?:do it|end|die|kill)|\b(?:been )?planning (?:how to do it|to do it|my death|to end)|\bgot a rope\b|\bbought a rope\b|\b(?:pills|tablets|meds) (?:ready|lined up|stockpiled)\b|\bstockpil\w*",
        # deliberate overdose
        r"\b(?:took|taken|take|swallowed|taking|going to take|overdose\w*)\b[^.!?]{0,40}\b(?:on purpose|deliberately|intentionally|to end it|to die|so i (?:die|won't wake up))\b|\b(?:take|taking|going to take) (?:an|a) overdose\b|\b(?:take|taking|swallow\w*|took|taken) (?:all|every|each) (?:of )?(?:my |the )?(?:single )?(?:pills?|tablets?|meds|medication)\b(?! (?:in the (?:morning|evening|day)|every|each|with|as|at|before|after|daily|on time|regularly|together))|\b(?:planning|going|want) to (?:take|swallow) (?:all|every) (?:my|of my|the)",
        r"\b(?<!am i )(?<!are you )(?<!will i )(?:i'm going to|i am going to|going to|want to|wanna|i'll|i will|thinking (?:of|about)|planning to|plan to|about to|decided to|ready to|tempted to)\s+(?:just\s+)?(?:overdose|od)\b(?! on (?:the )?(?:vitamins?|caffeine|coffee|sugar|chocolate|skincare|retinol|treatments?|sessions?))|\b(?:pills|tablets|meds|painkillers|medications?|bottle|box|packet|pack)\b[^.!?]{0,50}\b(?:take|swallow|neck|down|taking|swallowing)\s+(?:them all|all of them|the lot|every (?:single )?one|the whole (?:lot|bottle|box|pack|packet))\b(?! (?:at once (?:in|before|with|every)|in the (?:morning|evening)|with (?:food|water|breakfast|dinner)|every|each|daily|before|after))(?![^.!?]*\?)",
        r"\b(?:sitting|standing|lying|i'm|i am) (?:here |there |in the \w+ |alone |on the \w+ )?(?:with|holding) (?:a |the |my )?(?:razor|razor blade|blade|knife|rope|noose|gun|pills|tablets|bottle of (?:pills|tablets))\b|\bholding (?:a |the |my )?(?:razor|blade|knife|noose)\b(?! (?:while|when|to shave))|\b(?:close to|near to|on the verge of|on the edge of|considering|contemplating) (?:ending|end) (?:it|things|everything|my life)\b(?! (?:with|between|off|early))",
        # jumping off / in front of
        r"\bjump(?:ing)? (?:off|from) (?:a|the|my) (?:bridge|building|roof|cliff|balcony|tower|car park)|\b(?:jump\w*|step\w*|throw\w* myself|walk\w*|lie down|lying down) (?:in front of|under) (?:a|the) (?:train|bus|car|lorry|truck)",
        # no future, can't go on, can't take it anymore
        r"\b(?:don't|can't|cannot) see (?:any|a|the) (?:future|way out|point (?:in|of) (?:living|life|anything|going on))|\bcan't go on\b(?! (?:holiday|the|a|my|with))|\bcan't (?:do|take|cope with) (?:this|it) any ?more\b|\bcan't (?:cope|carry on) any ?more\b|\bgive up on (?:life|living|everything)\b|\bdone with (?:life|living|everything)\b",
        # a burden, ways to die, can't live like this, better off not being here
        r"\b(?:i'm|i am|feel like|feeling like|i've become|just) (?:such |a real |nothing but )?a burden\b|\bways to (?:die|kill myself|end it|end my life)\b|\b(?:pills|tablets) (?:would|does|will) it take to (?:die|kill)|\bhow many \w+ (?:would|does) it take to (?:die|kill)|\bcan't (?:keep |go on |carry on )?(?:living|live|existing|exist) like this\b|\bbetter off not (?:being )?(?:here|alive|around)\b",
        r"\bnothing (?:left )?to live for\b|\b(?:can't|cannot|can no longer) (?:handle|cope with|bear|stand|face|take|do) (?:living|life|being alive|existing|this life|another day)\b(?! with)|\b(?:hid|hidden|hiding|stash\w*|hoard\w*|collecting|squirrel\w*|saving up|saved up)\s+(?:\w+\s+){0,2}(?:pills|tablets|meds|painkillers|sleeping pills)\b|\bno reason to (?:live|go on|keep going)\b|\bno (?:reason|point|purpose) (?:in |to |for )?(?:live|living|go on|going on|keep going|keep living|carry on|carrying on|be here|being here|stay alive|staying alive|exist|existing|wake up|waking up|get up|be alive|keep fighting|keep trying|try any ?more|trying any ?more)\b(?= *(?:$|[.,!?;]| any ?more| now| like this| in (?:this|my) life| when| if i| because| cause| with (?:this|my) (?:face|body|skin|hair|life)| looking like| after| for me))",
        # no way out, deserve to die, would not mind dying
        r"\bno (?:other )?way out(?: of (?:this|it|here|this (?:life|pain|hell|mess|misery|situation|body)))?(?= *(?:$|[.,!;]| for me| any ?more| now| except| but to| other than))|\b(?:deserve|deserves) to (?:die|be dead|suffer|not (?:live|exist|be alive|be here))\b|\bdon't deserve to (?:live|be alive|exist|be here)\b|\b(?:wouldn't|would not|won't|don't|do not) (?:mind|care|be sad|be upset|be bothered),? if i (?:died|die|didn't wake up|don't wake up|never woke up|was dead|were dead|got hit by|was gone|disappeared|stopped existing|wasn't here)\b|\b(?:just )?want (?:to )?be gone\b(?! (?:by|before|from|for|in|on))",
        r"\b(?:don't|do not|doesn't|couldn't|could not|no longer|wouldn't) (?:even )?care (?:if|whether) i (?:live|die|wake up|make it|survive|am alive)\b|\bi (?:just )?want out\b(?= *(?:$|[.,!;]| of (?:this (?:life|world)|life|here|everything)))|\b(?:i'm|i am|i feel like|feel like|i'm just|i am just) (?:such |just )?(?:a )?(?:complete |total )?waste of (?:space|oxygen|air|a life|skin)\b|\b(?:want|wanna|going|ready|need) to end (?:my|the|all (?:the|my)|this) (?:suffering|misery|torment|existence|pain of living)\b|\b(?:won't|will not|don't think i'll|don't think i will|don't think ill|not going to|might not|may not) (?:still )?be alive\b|\bi'll be (?:dead|gone) (?:by|before|soon)\b|\bhow (?:many|much) (?:\w+ ){0,3}(?:would|will|does it take to|it takes to|to) (?:kill (?:me|myself|a person|someone)|die|be fatal|be lethal)\b|\b(?:lethal|fatal|deadly) (?:dose|amount|overdose)\b|\b(?:thinking (?:about|of)|thought about|considering|want to|going to|about to|ready to) (?:jump|jumping)\b(?= *(?:$|[.,!;]| off| from| in front| out of (?:the |a )?window))|\b(?:feel like|want to|going to|ready to|about to|i'm|i am) giv(?:e|ing) up\b(?= *(?:$|[.,!;]| for good| on (?:life|living|everything|myself|it all)| completely))",
        # warning signs: putting pills aside, affairs in order, giving things away, a method
        r"\b(?:putting|put|setting|set|keeping|kept|storing|stored|building|built)\s+(?:\w+\s+){0,2}?(?:aside|away|back|by|up)\s+(?:(?:all|some|a few|loads|lots)\s+(?:of\s+)?)?(?:my|the|his|her)\s+(?:\w+\s+)?(?:pills|tablets|meds|painkillers|sleeping (?:pills|tablets)|antidepressants)\b|\b(?:sort\w*|put\w*|got|get\w*) (?:out )?(?:all )?my affairs (?:in order|sorted|straight)?|\bsorted (?:out )?my affairs\b|\bgiv(?:e|en|ing)(?: away)? (?:all )?my (?:things|stuff|belongings|possessions|pets?) away\b|\bgiv(?:e|en|ing|gave) away (?:all )?my (?:things|stuff|belongings|possessions|pets?)\b|\b(?:quickest|easiest|fastest|least painful|painless|surest|best|simplest) (?:\w+ )?way to (?:go|die|end it|end my life|do it|kill myself|not wake up)\b",
        # a ligature ready, a goodbye message from someone who has taken something
        r"\b(?:belt|rope|cord|cable|scarf|noose|ligature|dressing gown cord|tie)\s+(?:\w+\s+){0,2}?(?:tied|fixed|hung|attached|knotted|ready)\s+(?:\w+\s+)?(?:to|round|around|from|on)\s+(?:the|my)\s+(?:door|banister|beam|ceiling|hook|rail|loft|neck|wardrobe)\b|\b(?:round|around) (?:my|his|her) neck\b(?=[^.!?]{0,30}\b(?:rope|belt|cord|noose|tight)\b)|\b(?:texted|messaged|sent|called|rang|phoned|wrote)\s+(?:me|us|her|him|everyone)\s+(?:a\s+)?(?:to say\s+)?goodbye\b|\b(?:won't|will not|wont) be (?:here|around|alive) (?:next|by|for|much|to see|when)\b",
        # wishing to be hit or run over
        rf"\b(?:wish|wishing|wished|hope|hoping|hoped|pray|praying)\w*\s+{_W3}(?:(?:would|will|could|'d)\s+)?(?:just\s+)?(?:hit|hits|kill|kills|crush\w*) me\b|\b(?:wish|wishing|hope|hoping|pray|praying)\w*\s+{_W3}(?:(?:would|will|could|'d)\s+)?(?:just\s+)?(?:run\w* me over|runs? over me)\b",
        # planning how: "thought about how i'd do it", "i have a plan and i know when"
        r"\b(?:know|knew|thought about|thinking about|worked out|figured out|planned|decided|planning|researched|looked up|googled)\s+(?:exactly\s+|already\s+)?(?:how|when|where)\s+(?:i'd|id|i would|i will|i'll|i'm going to|i am going to|i'm gonna|i could)\s+(?:\w+\s+)?do it\b(?= *(?:$|[.,!?;]|tonight|and|so|when|if|without))|\b(?:i have|i've got|i've made|made|got) a plan\b(?= *(?:and i know (?:when|how|where)| to (?:end|die|kill|do it)| for (?:tonight|how|when)))",
        # drinking bleach or another poison
        r"\b(?:i|i'm|i am|i'll|i will|i've|going to|want to|wanna|thinking (?:about|of)|might|about to|tempted to|could)\s+(?:\w+\s+){0,2}?(?:drink|drinking|swallow|swallowing|down|downing)\s+(?:some\s+|the\s+|a bottle of\s+)?(?:bleach|antifreeze|anti freeze|drain cleaner|weed ?killer|rat poison|poison|paraquat|pesticides?|toilet cleaner)\b",
        # taking every pill at once and being done
        r"\b(?:take|taking|swallow\w*|took|taken|down|neck)\s+(?:all|every one|the whole|a whole)\s+(?:of\s+)?(?:my\s+|the\s+|these\s+)?(?:\w+\s+)?(?:pills?|tablets?|meds|medications?|medicines?|painkillers|box|bottle|packet|pack)\b[^.!?]{0,30}\b(?:be done|end it|end this|die|never wake|not wake|sleep forever|be gone|get it over)\b|\b(?:want|wanna|ready|going) to be done\b(?= *(?:$|[.,!?;]| with (?:it all|everything|life|living|all of (?:it|this)|this life|me|myself)| forever))",
        # stop existing
        r"\b(?:stop|to stop) (?:existing|living|being alive)\b|\bcease to exist\b|\bnot exist any ?more\b",
        # want it all to end, had enough of life, nobody cares if I die
        r"\bwant (?:it|everything|this|life|my life) (?:all )?to (?:end|be over)\b|\bwant it all to stop\b|\b(?:want|wish|need|make) (?:everything|it all|all of (?:it|this)|life|the world|the thoughts|the voices) (?:to )?(?:just )?stop\b(?! (?:hurting|bleeding|itching|swelling|so|before|by|after|for))|\b(?:had enough|sick|tired) of (?:life|living|being alive|existing)\b|\b(?:care|cares|notice|miss me|matter)\w* if i (?:die|died|was dead|was gone|disappeared|wasn't here|weren't here|live|lived|am (?:alive|here|gone|dead))\b|\b(?:nobody|no one|noone|no-one|who)\s+(?:\w+\s+)?(?:care|cares|notice|notices) (?:if|whether) i(?:'m| am) (?:alive|here|gone|dead)\b",
        # worthless, nobody cares about me, hopeless that anything will get better
        r"\b(?:i'm|i am|i feel|feel|feeling|i've become|i'm just|i'm such|such)\s+(?:so |completely |totally |utterly |really |just |like |such )?(?:a )?worthless\b|\b(?:nobody|no one|noone|no-one) (?:really |even )?(?:cares|gives a \w+|loves|wants) (?:about )?me\b|\bnothing (?:will|is going to|is ever going to) (?:ever )?(?:get|be|feel) (?:any )?better\b|\b(?:feel|feeling|i'm|i am) (?:so |completely |totally |utterly )?hopeless (?:about (?:everything|life|the future|myself)|and (?:alone|worthless|empty|numb|trapped))\b",
        # ending things, going to jump, can't keep going, no point anymore
        r"\b(?:thinking (?:about|of)|want to|going to|planning to|plan to|ready to|about to) end(?:ing)? (?:things|it|everything)\b(?! (?:with|between|off|early))|\b(?:going to|want to|about to|ready to) jump\b(?= *(?:$|[.,!?]| off| from| in front))|\bcan't keep going\b|\bdon't think i can (?:keep going|go on|carry on|do this any ?more)\b|\bno point (?:any ?more|in anything|to anything|in going on|in me)\b|\bwhat's the point (?:any ?more|of living|in living|of anything|of me)\b|\bwhat's (?:even )?the point (?:of|in) (?:me|my life|living|existing|being alive|me being alive)\b|\bwhat's the point (?:in |of )?(?:carrying on|going on|being alive|existing|being here|waking up|me being here|living like this)\b",
        # thinking about dying / death, dark thoughts
        r"\bthink(?:ing)? about (?:to )?(?:die|dying|death|killing|ending)|\bthoughts? (?:of|about) (?:dying|death|ending|killing|not being here)|\bdark thoughts\b|\b(?:i|me|i'd|i'll|myself)\s+(?:(?:want|wanna|to|just|could|would|wish|really|can|need|going|gonna|like|feel|should|honestly|literally|simply|i|might)\s+){0,4}(?:disappear|vanish)\w* (?:forever|for good|permanently|and never come back|off the face of the earth)\b|\bnot (?:going to be|gonna be|be) (?:around|here) (?:much longer|for long|any ?more|tomorrow|next week)\b",
        # hurting the skin on purpose: scratching or picking until it bleeds
        r"\b(?:scratch|pick|pull|hit|punch|bit|bite|claw|tear|rub)\w* (?:at )?(?:my|his|her) (?:\w+ )?(?:until|till|til) (?:it|they) (?:bleeds?|bled|bleeding|(?:is|are|was|were) raw)\b(?![^.!?]{0,40}\b(?:itch\w*|eczema|rash|bites?|allerg\w*)\b)|\b(?:scratch|pick|claw|rub|scrub)\w* (?:at )?(?:my|his|her) (?:\w+ )?raw\b(?![^.!?]{0,40}\b(?:itch\w*|eczema|rash|bites?|allerg\w*)\b)|\b(?:until|till|til) (?:it|they) bleeds? on purpose\b",
        # closing my eyes and never opening them again
        r"\b(?:close|closing|shut|shutting) my eyes and (?:never|not) (?:open|opening|wake|waking) (?:them |my eyes )?(?:up )?(?:again|ever again)?\b|\bnever (?:open|opening) my eyes again\b",
        # asking for a method in general words: "can X be used to end your life"
        r"\b(?:used|use|enough|way|ways|how|possible|able|quickest|easiest|painless) to (?:end|take) (?:your|one's|someone's|somebody's|a person's)(?: own)? life\b|\b(?:how|ways?|easiest way|best way|quickest way|enough|used|possible) to kill (?:yourself|oneself|your self)\b",
        # researching a method: how high the bridge is, how many tablets it takes
        rf"\b(?:look\w* up|googl\w*|research\w*|search\w*|check\w*|found out|find out|finding out|work\w* out|measur\w*|think\w* about|wonder\w*|know exactly|calculat\w*)\s+(?:online\s+)?how (?:high|tall|far down|deep|far the drop)\s+(?:\w+\s+){{0,4}}?(?:bridge|building|cliff|roof|car park|multi ?storey|tower|balcony|drop|fall|river|reservoir|quarry|flats?|block)\b|\b(?:look\w* up|googl\w*|research\w*|search\w*|check\w*|found out|find out|finding out|work\w* out|calculat\w*)\s+(?:online\s+)?how (?:many|much)\s+(?:of\s+)?(?:my\s+|the\s+|these\s+)?(?:\w+\s+)?{_DRUG}\s+(?:(?:it|would) (?:takes?|kill)|to (?:die|kill|end|overdose)|(?:is|are|would be) (?:lethal|fatal|deadly))\b",
        # picturing one's own death as a relief: one's own funeral, death would be peaceful
        r"\b(?:imagin\w*|pictur\w*|plan\w*|think\w* about|(?:day ?)?dream\w* (?:about|of)|fantasi[sz]\w* about|organi[sz]\w*) (?:my )?own funeral\b|\b(?:imagin\w*|pictur\w*|fantasi[sz]\w* about|(?:day ?)?dream\w* (?:about|of)) my funeral\b|\b(?:dying(?! (?:my|your|her|his|it|them|the)\b)|death|being dead|not existing|not being here|not waking up|ending it all)\s+(?:would |just |honestly )?(?:feels?|sounds?|seems?|looks?|would be|be)\s+(?:so |such |like )?(?:a )?(?:peaceful|relief|relaxing|calm|appealing|tempting|the answer|the only (?:way|option))\b",
        r"\b(?:easy|easier|easiest|better|nicer|peaceful|simpler|tempting|a relief)\b[^.!?]{0,25}?\bto (?:just |simply )?(?:not (?:be (?:here|around|alive)|exist|wake up)|disappear(?: for good| forever)?|stop existing|be dead|be gone|die(?! (?:my|your|her|his|it|them|the)\b))\b(?! (?:at|on|by|for|when|until|till|before|after|during|from|to)\b)",
        # a last message, letters left to explain, the means laid out
        r"\b(?:last|final) (?:message|text|words?|goodbye|post)s? (?:to (?:anyone|anybody|everyone|everybody|the world|you all|all of you)|ever|i'll ever (?:send|write))\b|\b(?:written|wrote|writing|left|leaving)\s+(?:\w+\s+){0,3}(?:letters?|notes?)\s+(?:\w+\s+){0,4}(?:explaining why|to explain why|saying sorry|saying goodbye|for when i'm gone|for after i'm gone|for them to find)\b",
        r"\b(?:all|every one of|a whole (?:box|bottle|pack|packet) of) (?:my |the |these )?(?:\w+ )?(?:pills|tablets|meds|painkillers|antidepressants|sleeping (?:pills|tablets))\b[^.!?]{0,30}\b(?:in front of me|lined up|counted out|laid out)\b|\b(?:vodka|alcohol|wine|whisky|whiskey|gin|booze)\b[^.!?]{0,20}\b(?:and|with) (?:all )?(?:my |the )?(?:\w+ )?(?:pills|tablets|meds|painkillers|antidepressants|sleeping (?:pills|tablets))\b[^.!?]{0,30}\b(?:in front of me|lined up|ready|next to me)\b",
        # wanting the pain to stop for good
        r"\b(?:want|wish|need)\w* (?:\w+ ){0,2}?(?:the |this |my |all the |all this |all of the )?(?:pain|hurt|hurting|suffering|misery|torment|thoughts|voices|sadness|loneliness|emptiness) to (?:stop|end|go away|be over) (?:permanently|forever|for ever|for good|once and for all)\b",
        # stepping off a platform or a ledge
        r"\b(?:platform|edge|ledge|bridge|tracks?|cliff|roof)\b[^.!?]{0,40}\b(?:think\w* (?:about|of)|want\w* to|urges? to|tempted to|imagin\w*)\s+(?:just\s+)?(?:step\w*|jump\w*|fall\w*|lean\w*|let\w* go|throw\w* myself)\b|\b(?:step\w*|jump\w*|fall\w*|lean\w*) (?:forward|off) (?:in front of|onto|off) (?:the |a )?(?:tracks?|train|platform|edge|ledge)\b",
    ],
    "airway_anaphylaxis": [
        # cannot breathe, trouble / hard to breathe, catch my breath (incl. "cant breath", "breth")
        rf"\b(?:{_CANT}|hard to|harder to|difficult to|struggl\w* to|struggling|trouble|difficult\w*|problems?|hard time|fighting to|labou?red)\s+{_W3}{_BREATHE}\b",
        # breathing is hard / tight / weird / noisy / fast / slow, breathing problems
        rf"(?#chronic)\b{_BREATHE}\s+{_W2}(?:hard|harder|difficult\w*|tight|stopped|stopping|weird\w*|strange\w*|funny|rapid|shallow|noisy|laboured|labored|heavy|raspy|wheezy|loud|slow|slowing|struggl\w*|short|problems?|trouble|issues?|off)\b",
        # not breathing / stopped breathing (someone else, usually)
        rf"\b(?:not|isn't|stopped|stops|stopping|hasn't been|barely) {_BREATHE}\b(?! (?:through|in through|out through|on))",
        # short of breath, breathless, gasping, wheezing, stridor, suffocating, no air
        rf"(?#chronic)\b(?:short(?:ness)? of {_BREATHE}|out of {_BREATHE}|breathless\w*|gasping(?! for (?:a|an|some) )|gasp\w* for (?:air|breath)|wheez\w*|whistl\w* (?:noise|sound)|stridor|(?:i'm|i am|he's|she's|he is|she is|they're|like i'm|like i am|am|keep) suffocat\w*|suffocat\w* (?:me|him|her)|suffocation|air hunger|struggl\w* for air|gulping (?:for )?air|fighting for air|can't get (?:any |enough )?air|{_CANT}\s+(?:get|getting|take|catch)\s+(?:any |enough |a )?(?:air|breaths?)\b|not getting (?:enough )?air|get (?:enough )?air in)\b",
        # choking (not on "all these options")
        r"\b(?:chok(?:e|es|ed|ing)|choaking)\b",
        # cannot swallow / barely talk with a swollen airway
        r"\b(?:can't|cannot|can not|couldn't|unable to|not able to|hard to|difficult to|barely|hardly|struggl\w* to|trouble|difficult\w*|hurts to)\s+(?:\w+\s+)?swallow\w*|\bcan (?:barely|hardly) (?:talk|speak)\b",
        # throat / tongue / airway swelling, closing, tight, thick
        rf"\b{_AIRWAY}\b\s+{_W4}{_SWELL}\b",
        rf"\b(?:swel+\w*|swol+e?n|puff\w*|tight\w*|thick\w*|closing|huge|massive|enormous)\s+{_W3}{_AIRWAY}\b|\b{_AIRWAY}\b\s+{_W4}(?:getting|got|gone|going|feels?|is) (?:smaller|narrower|tiny|like a straw)\b",
        # lips / mouth swelling (softened by "a bit": lip treatments swell mildly)
        rf"(?#mild)\b{_LIPS}\b\s+{_W4}{_SWELL}\b",
        rf"(?#mild)\b(?:swel+\w*|swol+e?n|puff\w*|huge|massive|enormous)\s+{_W3}{_LIPS}\b",
        # face / eyes / neck swelling fast, up, shut, like a balloon
        rf"\b{_FACE}\b\s+{_W3}(?:(?:blew|blown|blowing|blow|blows) up|ballooning|like a balloon|(?:going|gone|getting|got|went) (?:huge|massive|enormous|really big|so big|twice the size)|(?:swel+\w*|swol+e?n|swelled|puff\w*)\s+{_W1}{_FAST}\b|(?:all|massively|hugely|severely) (?:swollen|puffy|swelling))",
        rf"\b(?:swelling|swollen)\s+{_W3}{_FACE}\b\s+{_W2}(?:fast|quickly|rapidly|spreading|getting worse|by the minute)\b|\b(?:swelling|swollen|puffy)\s+(?:up\s+)?(?:all over|across|everywhere on)\s+(?:my |his |her )?{_FACE}\b",
        # allergic reaction / anaphylaxis / anaphylactic shock (and misspellings)
        r"\b(?:al+erg(?:ic|y|ies)|anaph\w*|anaf\w*)\s+(?:re?action|shock|attack|response)\w*|\b(?:anaphyla\w*|anaphalax\w*|anafilax\w*|anafylax\w*|anaphylac\w*)\b",
        # bad / severe reaction, having a reaction, reacting badly
        r"\b(?:bad|severe|serious|strong|major|massive|huge|big|awful|terrible|horrible|violent|nasty|scary)\s+(?:allergic |allergy )?re?action\b|\b(?:having|had|have|got|getting|is this|think it's|it's|its|going into) (?:a |an )?(?:\w+ )?re?action\b|\breacting (?:really )?badly\b",
        # hives / rash / welts / itching all over the body
        rf"\b(?:hives|rash\w*|welts?)\s+{_W3}(?:all over|everywhere|over my (?:whole|entire)|(?:whole|entire) body|spreading)\b|\b(?:itch\w*|bumps|blotches|blotchy)\s+{_W3}(?:all over (?:my |the )?(?:body|me|the place)|everywhere|over my (?:whole|entire)|(?:whole|entire) body)\b|\bcovered in (?:hives|welts|a rash|rash|itchy)|\b(?:whole|entire|all my|all of my) body\s+{_W2}(?:itch\w*|red|covered|burning|on fire|swelling|swollen|hives)\b",
        # used an EpiPen / adrenaline
        r"\b(?:used|using|use|jabbed|injected|gave|give|need|needs|needed)\s+(?:\w+\s+){0,2}(?:epi ?pens?|adrenaline|epinephrine|auvi ?q|jext)\b|\bepi ?pens? (?:didn't|isn't|not|hasn't|wasn't) (?:work|help)\w*",
        # lips / face going blue (cyanosis)
        rf"\b(?:lips?|fingertips|skin around (?:my|his|her) mouth)\s+{_W2}(?:turning|turned|gone|going|went|look\w*|are|is|getting)\s+{_W2}(?:blue|bluish|purple|grey|gray)\b",
        r"\b(?:blue|bluish|purple|grey|gray) lips\b|\blips? (?:are |look |looking |going |turning |gone |went |have gone )?(?:blue|bluish|purple|grey|gray)\b",
        # voice hoarse / croaky / muffled, sound weird when I talk
        rf"\bvoice\s+{_W2}(?:hoarse|croaky|raspy|muffled|weird|strange|funny|gone|changed|squeaky|husky)\b|\bsound\w* (?:weird|strange|funny|muffled) when (?:i|he|she) (?:talk|speak)",
        # clinical words for the same
        r"\b(?:dysp?n(?:o)?ea|dyspnoea|angio ?o?edema|bronchospasm|laryngeal (?:o)?edema|(?:going|gone|go) into (?:anaphylactic |septic |toxic )?shock|in (?:anaphylactic|septic|toxic) shock|toxic shock)\b",
        # asthma attack, inhaler not helping
        r"\b(?:asthma attack|having an? (?:asthma|allergic) attack|inhaler (?:isn't|not|doesn't|is not) (?:help|work)\w*)",
    ],
    "infection_sepsis": [
        # fever / feverish (not hay or glandular fever)
        r"\b(?:fe+a?ve?r\w*|fevar|feaver\w*|febrile)\b",
        # high temperature, temp of 39, 39.5 degrees, 102F, burning up
        r"\b(?:high|very high|raised|running a|have a|got a|with a|spiking a|spiked a) temp\w*\b(?! (?:check|checks|gun|control|setting))|\btemp\w*\s+(?:of\s+|is\s+|at\s+|was\s+|reading\s+|hit\s+|up to\s+|went up to\s+)?(?:3[89]|4[0-3]|10[0-6])\b|\b(?:3[89]|4[0-3])(?:[.,][0-9]+)?\s*(?:°|degrees?\b|deg\b|c\b|celsius)(?! of\b)|\b10[0-6](?:[.,][0-9]+)?\s*(?:°|degrees?|f\b|fahrenheit)|\b(?:3[89]|4[0-3]|10[0-6])(?:[.,][0-9]+)?\s*(?:°\s*[cf]?\s*)?(?:fever|temp\w*)\b|\bburning up\b|\band a temp(?:erature)?\b|\btemp\w* (?:is |was |'s |keeps )?(?:going up|rising|very high|really high|so high|high|sky high|through the roof)\b|\b(?:got|have|having|with) the shakes\b",
        # chills, rigors, shivering, hot-and-cold sweats
        r"\b(?:chills|rigou?rs|shivery|shivering(?: \w+)?|(?:can't|cannot) stop (?:shaking|shivering)|shaking (?:uncontrollab\w*|all over|chills)|sweating and (?:freezing|shivering|shaking)|hot and cold(?! (?:compress\w*|water|packs?|therapy))|cold sweats?|night sweats)\b",
        # pus, oozing, discharge, abscess, boils, yellow / green fluid
        rf"\b(?:puss?|pussy looking|pus filled)\b|\bo+zing\b|\boozes?\b|\bdischarg(?:e|es|ing)\b(?! (?:letter|papers|summary|instructions|date))|\babscess\w*|\bboils\b|\b(?:yellow\w*|green\w*|cloudy|smelly|milky)\s+(?:fluid|stuff|liquid|gunk|goo|crust\w*|discharge|ooze|pus)\b|\b(?:leak\w*|seep\w*|weep\w*|drain\w*)\s+{_W2}(?:fluid|stuff|liquid|pus|goo|gunk)\b|\b(?:site|spot|spots|area|wound|it|they)\s+(?:is |are |keeps? )?weeping\b",
        # looks / got / is infected, infected injection site
        rf"\b(?:looks?|looking|is|are|seems?|got|gotten|getting|get|gets|gone|became|become|think (?:it's|they're|it is|it has|i'm|i am|i have|i've got)|might be|may be|could be|must be|definitely|probably|def)\s+{_W1}infect\w*\b|\binfected (?:injection|site|spot|area|wound|points?|marks?|dots?|bumps?|lumps?|skin)\w*",
        # infection at the injection site, sepsis, septic, cellulitis, blood poisoning
        r"\b(?:skin|site|spot|wound|injection|spreading|bad|serious|nasty) infection\b|\binfection (?:in|at|on|around|from) (?:the |my |his |her )?(?:injection|site|spot|area|skin|treated|needle)|\b(?:sepsis|septic(?! tank)|septicaemia|septicemia|cellulitis|blood poisoning)\b",
        # swollen, red and leaking; leaking yellow
        r"\b(?:swollen|red|hot|sore|painful|angry)\s*,?\s+(?:and\s+)?(?:leaking|weeping|oozing|seeping)\b|\b(?:leaking|seeping) (?:yellow|green|clear|cloudy|white)\b",
        # the site gone manky / angry-looking (British)
        r"\b(?:manky|gone (?:bad|nasty|manky|septic|yucky|gross)|angry looking)\b",
        # redness / rash / swelling spreading, growing, tracking
        rf"\b(?:red\w*|rash|swelling|infection|inflammation)\s+{_W5}(?:spread\w*|growing|grown|getting (?:bigger|larger|wider|worse)|expanding|extending|moving (?:up|down|along)|creeping|tracking|travel\w*|going up)\b|\b(?:spread\w*|growing|expanding)\s+{_W2}(?:red\w*|rash|infection)\b",
        # a red / hard area that has doubled in size
        r"\b(?:doubled|tripled|grown|growing) in size\b|\b(?:twice|double|three times) (?:the|as|its) (?:size|big)\b",
        # clinical words: purulent, spreading erythema, lymphangitis
        r"\b(?:purulent|lymphangitis|spreading erythema|erythema (?:is )?spreading)\b",
        # red streaks / lines running from the site
        r"\bred (?:streaks?|lines?|tracks?)\b|\bstreak\w* (?:of )?red\b",
        # hot and red / swollen / hard, hot to the touch
        r"(?#mild)\b(?:hot|burning hot|red hot|boiling)(?:\s+and\s+|\s*,\s*(?:and\s+)?|\s+)(?:very\s+|really\s+|so\s+)?(?:red|swollen|hard|angry|painful|throbbing)\b|\b(?:red|swollen|inflamed|angry)(?:\s+and\s+|\s*,\s*(?:and\s+)?|\s+)(?:very\s+|really\s+|so\s+)?hot\b|\bhot to (?:the )?touch\b|\bred hot\b",
        # very drowsy / can't stay awake / hard to wake
        r"\b(?:very|really|so|extremely|super|incredibly) drowsy\b|\b(?:can't|cannot|can not|struggl\w* to|hard to) (?:stay awake|keep (?:my |his |her )?eyes open)\b|\b(?:hard|impossible|difficult) to (?:wake|rouse)\b|\bkeeps? (?:passing|nodding|drifting) off\b",
    ],
    "vascular_occlusion": [
        # skin / area / lip turning white, pale, grey, blue, purple, black, dark
        rf"(?#colour,cosmetic)\b{_SKIN}(?:'s)?\s+{_W4}{_CHANGE}\s+{_W3}{_COL_ALL}\b|\b(?:it|they)(?:'s| is| are| has| have)?\s+{_W1}{_CHANGE}\s+{_W2}{_COL_ALL}\b",
        # skin / area that is or looks blue, purple, black, grey, dusky, mottled
        rf"(?#colour,cosmetic,mild)\b{_SKIN_NOSPOT}(?:'s)?\s+{_W4}{_STATIC}\s+{_W2}{_COL_STRONG}\b",
        # gone white / turned black, whoever the subject (not hair, screens or teeth)
        r"(?#colour,cosmetic)\b(?:gone|turned|turning|went|going|has gone) (?:all |really |very |completely )?(?:white|blue|bluish|purple|black|grey|gray|dusky|mottled|pale)\b",
        # the spot / mark is black or dusky
        rf"(?#colour)\b(?:spot|spots|point|points|mark|marks|dot|dots)\s+{_W3}{_STATIC}\s+{_W2}(?:black|blackish|dusky|mottled|grey|gray|greyish|dead)\b",
        # a white / blue / purple / grey / black / mottled / lacy patch, area or pattern
        r"(?#colour,cosmetic,mild)\b(?:white|whitish|blanched|pale|grey\w*|gray\w*|blue\w*|bluish|purple\w*|purplish|black\w*|dusky|mottled|lacy|lace ?like|net ?like|netlike|web ?like|marbled)\s+(?:\w+\s+){0,2}(?:patch\w*|area|blotch\w*|discolou?ration|pattern|mottling|tinge|hue|rash|marks?|marking)\b|\b(?:blue|bluish|purple\w*|grey\w*|gray\w*|black\w*|dusky|mottled)\s+skin\b",
        # the colour is off: "colour is weird, kind of purple grey"; patches of white; marbled or fishnet skin
        rf"(?#colour,cosmetic)\b(?:colou?r|tone|shade|tinge)\b(?! of (?:my |his |her |the |your )?(?:hair|roots|eyes?|teeth|nails?|clothes|top|dress|car|walls?|room|bruis\w*|eyebrows?|brows|lashes))\s+{_GAPC}{{0,9}}(?:blue|bluish|blueish|bluey|purple\w*|grey\w*|gray\w*|black\w*|dusky|mottled|marbled|white|whitish)\b(?! (?:hair|heads?|teeth|nails?|eyes?))",
        rf"(?#colour,cosmetic,mild)\b{_COL_STRONG}(?:\s+(?:and\s+)?{_COL_STRONG})?\s+(?:colou?r|tinge|hue|shade|tone|look)\b(?! (?:hair|dye|eyes?|top|dress|nails?|scheme|palette|of (?:the |my )?(?:hair|bruis\w*)))",
        r"(?#colour,cosmetic,mild)\b(?:patch|patches|blotch\w*|areas?|spots?|streaks?|bits?) of (?:white|pale|blue|bluish|purple\w*|grey\w*|gray\w*|dusky|black|mottled)\b(?! (?:heads?|hair))|\bpatchy\s+(?:and\s+)?(?:white|pale|blue|bluish|purple\w*|grey\w*|gray\w*|dusky|dark)\b|\b(?:white|pale|blue|bluish|purple\w*|grey\w*|gray\w*|dusky|dark)\s+(?:and\s+)?patchy\b",
        rf"(?#colour,cosmetic)\b(?:blue|bluish|purple\w*|grey\w*|gray\w*|dusky|mottled|marbled|lacy|blotchy)\s+(?:\w+\s+)?(?:marbled|mottled|lacy|net ?like|web ?like)\s+skin\b|\bmarbled skin\b|\breticulat\w*|\b(?:skin|area|cheek|cheeks|forehead|nose|lip|lips|chin|face|temple|jaw|thigh|tummy|scalp|site)\b\s+{_GAP}{{0,8}}(?:fish ?net|lace|lacy|spider ?web|cobweb|web|net|marbled?)\s+(?:like |looking )?(?:look|pattern|effect|appearance)\b|\blike (?:a |an )?(?:fish ?net|fish net tights|lace|spider ?web|cobweb)\b",
        r"\b(?:cold|icy|freezing|numb)\s*(?:and\s+|,\s*)?(?:cold|icy|numb|white|pale|grey|gray|blue|purple|dusky)\s+(?:patch|area|spot|bit|skin|lip|nose|cheek|chin|forehead|temple)\b|\b(?:won't|isn't|not|hasn't|doesn't|can't)\s+(?:\w+\s+)?(?:get|getting|got) (?:its|it's|the|her|his|my|their) colou?r back\b|\bcolou?r\s+(?:\w+\s+)?(?:won't|isn't|not|hasn't|doesn't)\s+(?:\w+\s+)?(?:com\w*|go\w*) back\b|\b(?:won't|isn't|not|hasn't|doesn't)\s+(?:\w+\s+)?(?:go|going|turn|turning) (?:back )?pink(?: again)?\b",
        # a dark patch spreading from / around the injection
        rf"(?#colour,cosmetic)\bdark (?:patch|area|spot|mark|blotch)\w*\s+{_W3}(?:spread\w*|growing|getting bigger|from the|around the|where|near the)\b",
        # blanching, mottled, livedo-like, skin dying / necrosis
        r"(?#colour)\b(?:blanch\w*|mottl\w*|livedo|reticular)\b|\bnecros\w*|\bnecrotic\b|\bdying skin\b|\bskin (?:is |looks |seems )?dying\b|\bgangren\w*|\btissue death\b",
        # white / pale / blue and cold / numb / painful
        r"\b(?:white|pale|grey|gray|blue|purple|dark|dusky)(?:\s+and\s+|\s*,\s*(?:and\s+)?)(?:cold|numb|painful|hurts|hurting|sore|throbbing|tingly|tingling)\b|\b(?:cold|numb)(?:\s+and\s+|\s*,\s*(?:and\s+)?)(?:white|pale|grey|gray|blue|purple|dusky)\b",
        # cold to the touch, skin / area gone cold
        rf"\b(?:cold|icy|ice cold|freezing(?: cold)?|cool) to (?:the )?touch\b|\b{_SKIN_NOSPOT}\s+{_W3}(?:is|are|feels?|felt|went|gone|turned|getting|looks)\s+{_W1}(?:cold|colder|icy|ice cold|freezing)\b",
        # blurred vision, vision gone dark / dim / double, sight problems
        rf"(?#chronic)\bblur+\w*\s+(?:vis+i?on|sight|eyesight)\b|\b(?:changes?|problems?|disturbances?|trouble|difficulty) (?:in|with|to) (?:my |his |her )?(?:vision|sight|eyesight)\b|\b(?:trouble|difficulty|problems?) seeing\b|\b(?:vis+i?on|sight|eyesight)\s+{_W3}(?:blur+\w*|dark\w*|black\w*|dim\w*|grey|gray|went|gone|going|weird|strange|cloudy|fuzzy|foggy|hazy|double|shadow\w*|spotty|problems?|loss|lost|disturb\w*|chang\w*|off|messed up|gone funny|not right|wonky)\b|\b(?:eye|eyes)\s+{_W3}(?:blur+\w*|(?:went|gone|going|turned) (?:dark|black|grey|gray|dim|blind|blurry))\b|\beye is (?:dark|black|dim)\b|\b(?:seeing|see|seen) (?:flashing lights|flashes|sparkles|zigzags)\b|\b(?:sudden )?blindness in (?:one|my|the|his|her) (?:left |right )?eye\b|\bsudden blindness\b|\b(?:everything|things)(?:'s| is| are| looks?| went| gone| has gone| have gone)\s+(?:\w+\s+)?(?:blur+\w*|dark|dim|double|fuzzy|hazy)\b",
        # can't see properly / out of one eye / anything
        r"(?#chronic)\b(?:can't|cannot|can not|couldn't|unable to|not able to|hard to|barely|hardly|can only|can barely|can hardly)\s+see\b(?!\s+(?:any (?:difference|change|results?|improvement|point)|a (?:difference|change|way|reason|point)|the (?:point|difference|price|button|link|option|page|results?|booking)|your|how|why|where|what|when|which|it\b|that\b|this\b|them\b|if\b|whether|results?|much (?:difference|change|improvement)|myself|you\b|yet\b|my (?:results?|photos?|pictures?|pics|booking|appointment|account|invoice|order|basket|messages?|emails?)|anything (?:on|about|in) (?:the|your)))",
        # lost my sight, gone blind, double vision, black spot / curtain / shadow over the eye
        r"(?#chronic)\b(?:lost|losing|loss of|lose) (?:\w+ ){0,4}(?:sight|vision|eyesight)\b|\b(?:sight|vision) loss\b|\b(?:gone|going|went|go|am|i'm|is|he's|she's) blind\b|\bblind in (?:one|my|the|his|her) (?:left |right )?eye\b|\bsee\w* (?:\w+ )?double\b(?! (?:chins?|the|price|booking|appointment|dose|dip|cream|bed|room|points|discount|trouble))|\bdouble vision\b|\bvisual (?:loss|disturbance\w*)\b|\b(?:black|dark|grey) (?:spot|curtain|shadow|patch|area) (?:in|over|across) (?:my|the|his|her) (?:vision|eye)|\b(?:curtain|shadow) (?:over|across) (?:my|the|his|her) (?:eye|vision)|\bshadows? (?:out of|in) (?:it|my eye|one eye)\b|\bcan only see shadows\b",
        # severe / unbearable / worsening pain, pain 8/10, in agony
        rf"(?#chronic)\b{_SEVERE}\s+{_W2}{_PAINW}\b",
        rf"(?#chronic)\b(?:pain|pains|ache|aches|aching|hurting|burning|throbbing|headache)\s+{_W3}(?:unbearable|excruciating|severe|getting worse|worse and worse|worse and worse|worsening|getting stronger|increasing|killing me|through the roof|off the (?:charts|scale)|insane|so bad|really bad|unreal|won't go away|not going away|much (?:more )?strong|more strong|way worse|worse than|crazy|horrendous|agoni\w*)\b",
        r"(?#chronic)\b(?:very|really|so|extremely|super|incredibly|unbelievably|insanely) painful\b|\b(?:hurts?|hurting)\s+(?:so much|so bad\w*|really bad\w*|like (?:hell|crazy|mad|fuck\w*|a bitch)|a lot|badly|more and more|loads|unbearabl\w*|more every|worse)\b|\breally hurts\b|\bin (?:absolute |complete |total |so much )?agony\b|\bagonis\w*|\bagoniz\w*|\bexcruciating\b",
        rf"\b(?:pain|hurts?|hurting|rate it)\s+{_W3}(?:[7-9]|10|ten|nine|eight|eleven)\s*(?:/|out of|outta)\s*(?:10|ten)\b|\b(?:10|ten|11|eleven)\s*(?:/|out of)\s*(?:10|ten)\s+{_W1}(?:pain|hurt\w*|agony)\b",
        # eye pain after an injection
        rf"\b(?:eye|eyes|eyeball)\s+{_W2}(?:pain|hurts|hurting|aching|throbbing)\b|\bpain (?:in|behind) (?:my|the|his|her) eye\b",
        rf"(?#colour,cosmetic)\b(?:skin|area|lip|lips|nose|cheek|chin|spot|patch|tip|forehead)\s+{_W2}(?:feels?|looks?|is|seems|has gone|went|gone)\s+(?:\w+\s+)?dead\b(?! (?:skin|cells|tired|serious))",
        # ischaemia, skin or tissue dying
        rf"\bisch(?:a)?emi\w*|\b(?:skin|tissue|area)\s+{_W3}(?:is |are |looks |seems )?dying\b",
        # a blocked / hit blood vessel or artery
        r"\b(?:blocked|blocking|block(?:ed)? (?:a |an )?|hit (?:a |an )?|occlu\w* (?:a |an )?|into (?:a |an ))(?:blood )?(?:vessel|artery|arteries|vein)s?\b|\bvascular (?:occlusion|compromise|event|problem)|\bocclusion\b",
    ],
    "fainting_collapse": [
        # faint, fainted, fainting, feel faint (not "faint mark", "faint-hearted")
        r"(?#chronic)\b(?:faint(?:ed|ing|y|ish|s)?|feint\w*|faintness)\b(?!\s+(?:lines?|marks?|scars?|bruis\w*|outlines?|smell|traces?|hint|red\w*|pink\w*|spots?|dots?|glow|colou?r|line|scent|sound|hope|idea|memory|print|heart\w*|condition|spells?|episodes?|disorder|problems?|history|tendency))",
        # passed out, blacked out, lost consciousness, unconscious, unresponsive
        r"(?#chronic)\b(?:pass(?:ed|es|ing)? ?out|past out|blacked ?out|black(?:ing)? ?outs?(?! (?:curtains?|blinds?))|keel(?:ed|ing)? over|lost consciousness|losing consciousness|loss of consciousness|lose consciousness|unconscious|unconcious|uncon\w*ous|unresponsive|non ?responsive|not responding|not responsive|went limp|gone limp|going limp)\b",
        r"\b(?:fading|drifting|going|slipping) in and out\b|\bin and out of consciousness\b",
        # hit the floor, found her on the floor, woke up with people around me, out cold
        rf"\b(?:hit|hitting|hits) the (?:floor|deck|ground)\b(?! running)|\b(?:dropped|dropping|drops|fell|falling|falls|fallen|slumped|slumping|crumpled|crumpling|slid|sliding|collapsed|went down|keeled over) (?:down )?(?:to|on|onto|on to) the (?:\w+ )?(?:floor|ground|deck)\b(?! laughing)|\bfound {_RELATIVE} (?:\w+ ){{0,3}}?(?:on the (?:\w+ )?(?:floor|ground)|unconscious|collapsed|unresponsive|passed out|not breathing)\b|\b(?:woke|came round|came to|came around|come round|come to) (?:up )?(?:with (?:people|everyone|staff|paramedics) (?:around|over|standing)|surrounded by|in (?:an|the) ambulance)|\bwent down like a (?:sack|stone|ton|tree|rock|log)\b|\bdropped like a (?:stone|rock|fly|sack)\b|\b(?:was|is|he's|she's|been|knocked|lying|went|still) out cold\b(?! (?:by|at|every|most|after \d|lol|haha))",
        r"\b(?:everything|it all|the world|my vision|my sight)\s+(?:just\s+)?(?:went|goes|going|gone|turned)\s+(?:blank|black|dark|white|grey|gray|fuzzy)\b|\bslumped (?:over|in|on|against|down|forward|sideways)\b|\b(?:won't|isn't|not|doesn't|wouldn't|is not|does not|didn't|stopped) (?:respond|responding|answer|answering|react|reacting)\b(?= *(?:$|[.,!?;]|when|to (?:me|us|him|her|anything|his|my voice|touch|pain|her name|his name|shaking)|at all|any ?more))",
        # memory gaps: "fell down and don't remember anything", "can't remember how i got here"
        r"\b(?:can't|cannot|don't|do not|didn't|couldn't|not|doesn't|does not)\s+(?:\w+\s+)?remember\s+(?:anything(?= *(?:$|[.,!?;]| after| since| from| at all| about (?:it|what happened)| for))|what happened\b(?! (?:at|in|with|to) (?:my|the|your) (?:last )?(?:appointment|session|consultation|booking))|how (?:i|he|she) got (?:there|home|here|on the floor|up)|falling|fainting|collapsing|passing out|blacking out|hitting (?:my|his|her) head|the last (?:few )?(?:minutes|hour))",
        # unsteady: nearly falling over, can't stay upright, too weak to stand, legs buckling
        r"\b(?:nearly|almost)\s+(?:\w+\s+)?(?:falling|fall(?:ing)? (?:over|down)|dropping|going down|go down|collapsing|keeling|toppling)\b(?! (?:asleep|for|in love|behind|apart|off|out|into|the|my|a|it|things|stuff|prices?))|\b(?:keep|keeps|kept|keep on)\s+(?:\w+\s+)?(?:falling (?:over|down)|collapsing|keeling over|toppling over|swaying)\b|\b(?:can't stop|i'm|i am|am|keep) swaying\b|\b(?:room|everything|world|my head|floor)\s+(?:is |keeps |was |'s )?(?:tilting|swaying|going round)\b|\b(?:can't|cannot|can not|couldn't|unable to|not able to|barely|hardly|struggl\w* to)\s+(?:stay|keep|remain)\s+(?:upright|standing|on my feet)\b|\b(?:too|so) (?:weak|dizzy|faint|wobbly|shaky|lightheaded|light headed) (?:to|that i can't) (?:stand|walk|get up|sit up|stay upright|move)\b|\blegs?\s+(?:\w+\s+)?buckl\w*",
        # won't wake up, came round on the floor
        r"\b(?:won't|can't|isn't|not|wouldn't|couldn't|cannot|is not) (?:wake (?:him|her|them) up|wake up|waking up|waken|come round|come to)\b(?! (?:early|in the morning|before|for))|\b(?:woke|came round|came to|came around) (?:up )?on the (?:floor|ground)\b|\bon the (?:floor|ground) and can't get up\b",
        # collapsed / collapsing
        r"(?#chronic)\bcol+aps(?:e|ed|es|ing)\b",
        # very dizzy / lightheaded / room spinning / can't stand up / legs gave way
        r"(?#chronic)\b(?:very|really|extremely|so|super|too|incredibly|terribly|badly|awfully|severely)\s+(?:dizzy|diz+y|lightheaded|light headed|woozy|giddy|faint)\b|\b(?:dizzy|lightheaded|light headed|woozy)\s*(?:and|,)\s+(?:\w+\s+){0,2}(?:faint\w*|sick|sweaty|confused|weak|shaky|vomit\w*|pale|clammy|breathless|can't|cannot|falling|fell|collaps\w*|nauseous|spinning)\b|\b(?:room|everything|world|my head)\s+(?:is |keeps |was |'s )?spinning\b|\bvertigo\b|\blegs? (?:gave|give|giving|went|keeps? giving|keep going) (?:way|out)\b|\blegs? won't hold me\b",
        rf"(?#chronic,mild)\b(?:feel|feeling|feels|i'm|i am|getting|keep getting|still|is|are|he's|she's)\s+{_W1}(?:dizzy|diz+y|lightheaded|light headed|woozy)\b|\bdizziness\b",
        r"\b(?:can't|cannot|can not|unable to|not able to)\s+(?:stand|get up)(?: up|(?= *(?:$|[.,!?;]| without| properly| on my| straight)))",
        # seizure, fit, convulsing, jerking
        r"(?#chronic)\b(?:s(?:ei|ie)zures?|seisures?|convuls\w*|fitting(?! (?:in|room|rooms|appointment|me in|us in|for))|(?:having|had|has|is having|took) (?:a |like a |some kind of (?:a )?)?fit\b|epileptic fit|jerking|twitching all over)",
        # confused / disoriented / not making sense / talking nonsense
        r"\b(?:i'm|i am|i feel|feel|feeling|he's|she's|he is|she is|they're|is|seems?|getting|very|really|so|extremely|totally|completely|suddenly|and|sick and|weak and)\s+confused\b(?!\s+(?:about|by|with|which|what|as to|on|over|regarding|re|whether|if|why|how|because|between|lol|haha))(?!\s*,\s*(?:what|which|how|why|can|could|should|is|are|do|does|so|i need|i want))|\bsudden(?:ly)? confus\w*|\bconfusion and\b|\band confusion\b|\bdisorient\w*|\bdelirious\b|\bincoheren\w*",
        rf"\b{_PERSON}\s+(?:is |are |am |'s |keeps )?(?:not|isn't|aren't) making (?:any )?sense\b|\btalking (?:nonsense|gibberish|rubbish)\b|\b(?:doesn't|does not|don't|didn't) know where (?:she|he|i|they) (?:is|am|are|was)\b|\b(?:doesn't|does not|didn't) recogni[sz]e (?:me|us|anyone)\b",
        # syncope, and a husband or child who cannot be woken
        r"\bsyncop\w*|\b(?:can't|cannot|couldn't|unable to|not able to) (?:wake|rouse) (?:him|her|them|my \w+|me)(?: up)?\b",
        # clammy, cold sweat, sweating buckets
        r"\bclammy\b|\bsweating (?:buckets|profusely|like mad|like crazy|heavily|loads|so much|really badly|like a pig)\b",
    ],
    "heavy_bleeding": [
        # bleeding heavily / a lot / non-stop / for over an hour
        rf"\b{_BLEED}\s+{_W1}(?:heavily|heavy|a lot|loads|lots|so much|too much|this much|that much|so badly|badly|bad|really badly|profusely|non ?stop|everywhere|like crazy|like mad|like hell|all over|really bad|so bad|quite a lot|constantly|continuously|uncontrollabl\w*|out|through|heaps|massively|a ton|tons|buckets|like (?:a |an )?(?:stuck pig|tap|fountain|river|crazy|mad|hell)|{_TIME_LONG})\b",
        # heavy / profuse / lots of / so much bleeding or blood
        r"\b(?:heavy|heavily|profuse|profusely|severe|excessive|lots of|a lot of|so much|too much|massive|uncontrolled|uncontrollable|serious|major|non ?stop|constant|arterial|loads of|this much|that much|tons of|pools? of)\s+(?:\w+\s+)?(?:bleeding|blood|bleed)\b(?!\s+(?:tests?|pressure|sugar|thinners?|work|type|group|donation|donor|clots?|vessels?|count|results|cells|flow|circulation))",
        # won't stop bleeding / can't stop the bleeding
        rf"\b(?:won't|will not|doesn't|does not|isn't|is not|not|hasn't|has not|can't|cannot|can not|couldn't|unable to|not able to|never|didn't|wouldn't|refuses? to)\s+(?:\w+\s+){{0,2}}stop\w*\s+(?:the\s+)?(?:{_BLEED}|blood)\b",
        rf"\b(?:{_BLEED}|blood|nosebleed|nose bleed|site|spot|hole|puncture|point|mark)\s+{_W3}(?:won't|doesn't|isn't|not|hasn't|never|can't|cannot|will not|is not|has not|keeps? not|didn't)\s+(?:\w+\s+)?(?:stop\w*|quit|let up|ease up|slow down)\b",
        # blood pouring / gushing / spurting / streaming / running / everywhere
        rf"\bblood\s+{_W3}(?:pouring|pours|poured|gushing|gushes|gushed|spurting|spurts|spurted|squirting|pumping|streaming|running|dripping|flowing|pooling|everywhere|all over|keeps? coming|won't stop|soaking|soaked)\b|\b(?:pouring|gushing|gush(?:es|ed)?|spurting|spurt\w*|squirting|pumping|streaming)\s+{_W2}(?:out\s+)?blood\b|\bgush(?:es|ing|ed)?\b(?! (?:about|over))|\bspurt\w*",
        rf"(?#mild)\bblood\s+{_W2}(?:coming out|coming from)\b|\b(?:keeps?|kept|still|constantly) (?:on )?{_BLEED}\b",
        # soaked towels / bandages / gauze, gone through a whole roll
        rf"\b(?:soak\w*|drench\w*|saturat\w*)\s+{_W3}(?:blood|towels?|bandages?|plasters?|gauze|tissues?|through|dressing\w*)\b|\b(?:towels?|bandages?|plasters?|gauze|tissues?|dressing\w*|cloth|pads?|kitchen (?:paper|roll))\s+{_W3}(?:soaked|soaking|drenched|full of blood|covered in blood|dripping)\b|\bgone through (?:a |an )?(?:whole |entire )?(?:roll|box|pack|load)\b",
        rf"\b(?:blood|bleed\w*)\s+{_W5}(?:non ?stop|nonstop|constantly|continuously|without stopping|for ages|all the time)\b",
        # won't clot, bleeding and bleeding, can't get it to stop, a huge amount of blood
        rf"(?#chronic)\b(?:won't|will not|isn't|is not|not|doesn't seem to|hasn't|has not|never|can't|cannot|stopped)\s+(?:\w+\s+)?clot(?:ting|ted)?\b(?! (?:well|properly|normally|easily|as well|as fast|quickly))|\b{_BLEED} and {_BLEED}\b|\b(?:can't|cannot|couldn't|unable to|not able to)\s+(?:get|make)\s+(?:the\s+)?(?:{_BLEED}|blood|bleed|nosebleed)\s+(?:to\s+)?stop\b|\b(?:can't|cannot|couldn't|unable to|not able to)\s+(?:get|make)\s+(?:it|them)\s+(?:to\s+)?stop\s+{_BLEED}|\b{_BLEED}\b[^.!?]{{0,50}}\b(?:can't|cannot|couldn't|unable to) (?:get|make) it (?:to )?stop\b|\b(?:huge|large|big|massive|enormous|insane|scary|crazy|ridiculous|worrying|alarming|shocking|frightening|terrifying|unreal|serious|a lot of|loads of) (?:amount|amounts|volume|quantity|quantities) of blood\b|\b(?:can't|cannot|couldn't|unable to|not able to)\s+(?:get|bring|keep)\s+(?:the\s+)?(?:bleeding|blood|bleed)\s+(?:under control|to slow)|\b(?:bleeding|blood|bleed)\s+(?:is\s+)?(?:out of control|not under control)\b",
        # vomiting / coughing up blood, blood in vomit / urine
        r"\b(?:vomit\w*|throw\w* up|threw up|puk\w*|cough\w*|spit\w*|peeing|pissing|weeing|pooing|passing)\s+(?:up\s+|out\s+)?blood\b|\bblood in (?:my |the |his |her )?(?:vomit|sick|urine|pee|wee|poo|stool|spit|saliva)\b|\bblack (?:vomit|poo|stool)",
        # lost / losing a lot of blood
        r"\b(?:lost|losing|lose) (?:a lot of |loads of |lots of |so much |too much |a load of )?blood\b",
        # bleeding from the gums / every puncture / nose and mouth (on blood thinners)
        r"\b(?:bleeding|bleed|blood) (?:from|out of) (?:every|all|both|each|my gums|gums|everywhere|multiple|my eyes|my ears|my nose and)",
        # haemorrhage
        r"\b(?:haemorrhag\w*|hemorrhag\w*)",
        # haematoma growing fast, bruise spreading quickly
        rf"\b(?:lump|bruise|bruising|swelling|bump|haematoma|hematoma)\s+{_W3}(?:growing|getting (?:bigger|huge|larger)|expanding|spreading|swelling up)\s+{_W1}(?:fast|quickly|rapidly|by the minute)\b|\b(?:haematoma|hematoma)\b|\bgetting huge and tight\b",
        # a lump filling with blood, a bruise swelling up fast, huge and tight
        rf"(?#mild)\b(?:lump|bump|swelling|bruise|bruising|area|pocket)\s+{_W4}fill(?:ing|ed|s)? (?:up )?with blood\b|\b(?:lump|bump|bruise|bruising|swelling|haematoma|hematoma|blister)\s+{_GAP}{{0,8}}(?:growing|getting (?:bigger|huge|larger)|expanding|swelling up|ballooning|blowing up)\s+{_W2}(?:fast|quickly|rapidly|by the minute|massive\w*|huge|tight|hard)\b|\b(?:bruise|bruising|haematoma|hematoma)\s+{_W4}(?:ballooning|blowing up|massive|huge|enormous)\b|\b(?:bruise|bruising|lump|swelling|haematoma|hematoma)\s+{_W4}(?:doubled|tripled|quadrupled)\b|\b(?:(?:lump|bump|pocket|blister|bubble|ball|collection) of blood|blood (?:lump|blister|bubble|pocket|filled (?:lump|bump)))\s+{_GAP}{{0,6}}(?:growing|getting (?:bigger|larger|huge)|expanding|spreading|swelling)\b",
    ],
    "stroke_signs": [
        # face / mouth / smile / eyelid drooping, lopsided, fallen on one side
        rf"(?#cosmetic)\b(?:face|mouth|smile|lip|lips|eye|eyelid|eyelids|cheek|side of (?:my|his|her|the) face)\s+{_W3}(?:droop\w*|dropp?ed|dropping|lopsided|crooked|uneven|wonky|slanted|hanging|fallen|paralys\w*|paralyz\w*|frozen|(?:going|gone|pulled|pulling|twisted|goes) (?:to )?(?:one|the) side|on one side)\b",
        r"(?#cosmetic)\b(?:droop\w*|lopsided|crooked)\s+(?:face|mouth|smile|eyelid|eye|lip)\b|\bface droop\w*",
        # one-sided weakness / numbness, arm weak, can't lift my arm
        rf"\b(?:left|right|one|whole|half (?:of )?(?:my|his|her))\s+(?:arm|leg|hand|side|foot|half|side of (?:my|his|her|the) (?:body|face))\s+{_W3}(?:weak\w*|numb\w*|dead|heavy|limp|useless|not working|won't \w+|can't \w+|gave way|giving way|floppy|paralys\w*|paralyz\w*|tingl\w*|feels? (?:weird|funny|strange))\b",
        rf"\b(?:arm|hand)\s+{_W3}(?:weak\w*|dead|heavy|limp|useless|not working|won't (?:work|move|grip|lift)|can't (?:move|grip|lift|hold)|floppy|paralys\w*|paralyz\w*)\b|\barm weak\b",
        r"\b(?:weak\w*|numb\w*|paralys\w*|paralyz\w*|tingl\w*|heav\w*|pins and needles)\s+(?:\w+\s+)?(?:in|on|down|of|along|up)\s+(?:my |his |her |the )?(?:one|left|right|whole|entire) (?:\w+ )?(?:side|arm|leg|hand)\b",
        r"\b(?:can't|cannot|can not|couldn't|unable to|not able to)\s+(?:move|lift|raise|feel|grip|use|hold up)\s+(?:my |his |her |the )?(?:left |right )?(?:arm|leg|hand|side|half)\b|\bcan't (?:move|feel) (?:the )?(?:left|right|one) side\b|\bcan't feel half\b",
        rf"\bhalf (?:of )?(?:my|his|her) face\s+{_W2}(?:numb\w*|dead|droop\w*|paralys\w*|paralyz\w*|frozen|weird|not moving)\b|\bone side of (?:my|his|her|the) (?:body|face|mouth)\s+{_W2}(?:numb\w*|weak\w*|droop\w*|dropp?ed|dead|not moving|won't move|can't move|paralys\w*|fallen|heavy|tingl\w*)\b|\b(?:numb\w*|weak\w*|droop\w*|tingl\w*)\s+(?:(?:on|down|along|up)\s+)?(?:the\s+)?(?:one|left|right) (?:\w+ )?side\b",
        # face and arm numb or weak together, on the same side; sudden numbness
        rf"\b(?:numb\w*|weak\w*|tingl\w*|paralys\w*|paralyz\w*)\s+{_W3}(?:face|arm|leg|hand)\s+and\s+(?:\w+\s+)?(?:arm|leg|hand|face)\b|\bsudden(?:ly)? (?:numb\w*|weak\w*|paralys\w*)",
        # slurred / garbled speech, words coming out wrong, can't speak properly
        rf"\bslur+\w*\b|\bspeech\s+{_W2}(?:slur\w*|garbled|weird|strange|off|funny|jumbled|wrong|gone|muddled|affected|drunk|not right|messed up|difficult|problems?|sounds? drunk)\b|\bwords\s+{_W3}(?:wrong|jumbled|muddled|mixed|garbled|gibberish|nonsense|slurred|won't come|not coming|coming out (?:wrong|weird|funny|strange))\b",
        r"\b(?:can't|cannot|can not|couldn't|unable to|not able to|hard to|struggl\w* to|trouble)\s+(?:speak\w*|talk\w*|get (?:my |the )?words out|find (?:my |the )?words|form (?:words|sentences)|say (?:words|anything))(?=\s*(?:properly|clearly|right\b(?! now)|normally|straight|at all|any ?more|and\b|$|[.,!?;]))|\b(?:speak|speaking|say|saying|says) (?:strange|weird|funny|wrong) words\b|\bsounds? drunk\b|\bcan't understand (?:what|people|anyone|anything)\b",
        # clinical words: hemiparesis, dysarthria, aphasia, facial palsy
        r"\b(?:hemipar\w*|hemipleg\w*|dysarthri\w*|aphasi\w*|facial (?:palsy|paralysis|weakness|droop\w*))\b",
        # worst / sudden / thunderclap headache
        rf"\b(?:worst|sudden|thunderclap|explosive|blinding|splitting|crushing|the worst)\s+{_W1}headache\w*|\bheadache\s+{_W1}(?:worst (?:ever|of my life)|came on suddenly)\b",
        # lost balance, can't walk straight
        r"\b(?:lost|losing|lose) (?:my |his |her )?balance\b|\bcan't walk (?:straight|properly|in a straight line)\b|\bfalling to one side\b",
        # having a stroke, is this a stroke, FAST signs
        r"(?#chronic)\b(?:having|had|have|think (?:i'm|he's|she's|it's|it is|this is|i am|i had|i have|i'm having)|is (?:this|it|he|she)|it's|like a|signs of a|symptoms of a)\s+(?:a |an )?(?:mini )?stroke\b|\b(?:fast|f\.a\.s\.t\.?) (?:signs|symptoms|test)\b",
    ],
    "chest_pain_palpitations": [
        # chest pain / tight / pressure / crushing / heavy
        rf"\bchest\s+{_W3}(?:pain\w*|hurt\w*|tight\w*|pressure|ache\w*|aching|crush\w*|heavy|heaviness|squeez\w*|burn\w*|compress\w*|agony|stabbing|on fire|killing me|feels? (?:weird|funny|strange|heavy|like))\b|\b(?:band|belt|vice|vise|strap) (?:round|around|across|on|squeezing) (?:my |his |her )?chest\b",
        rf"\b(?:pain\w*|pressure|tight\w*|ache\w*|aching|heaviness|squeez\w*|crush\w*|weight|burning|stabbing)\s+{_W3}(?:in|on|across|around|through|behind|inside)\s+(?:my |the |his |her )?(?:chest|sternum|breast ?bone)\b|\belephant (?:sitting |standing )?on\b",
        r"\b(?:clutch\w*|grabb\w*|grab|grabs|gripp\w*|grip|grips|holding|holds|held|clasp\w*)\s+(?:at\s+)?(?:my|his|her|their) (?:chest|heart)\b",
        # pain spreading to the arm / jaw / back
        r"\bpain (?:spreading|radiating|going|shooting|moving)\s+(?:\w+\s+){0,2}(?:to|into|down|up) (?:my |his |her )?(?:left )?(?:arm|jaw|neck|back|shoulder)\b|\b(?:going|spreading|radiating) (?:down|into|to) (?:my |his |her )?left arm\b|\bleft arm (?:is |feels )?(?:numb|heavy|dead|tingl\w*)\b",
        # heart racing / pounding / skipping / irregular / going crazy, pulse 150
        rf"(?#chronic)\b(?:heart|heartbeat|heart beat|heart rate|pulse|ticker)\s+{_W3}(?:racing|races|racy|pounding|pounds|thumping|thudding|hammering|banging|fluttering|flutters|skipping|skips|missing beats|going (?:crazy|mad|nuts|like|so fast|really fast|wild|mental|haywire|berserk)|jumping|beating (?:\w+ )?(?:fast|hard|irregular\w*|weird\w*|funny|strangely|out|like|so fast|really fast|too fast|crazy)|irregular|all over the place|feels? (?:weird|funny|strange|odd|wrong|like it)|won't (?:slow|calm|go down)|stopp(?:ed|ing)|out of (?:my |his |her )?chest|through (?:my )?chest|in my throat|1[0-9][0-9]|2[0-9][0-9]|very (?:fast|high)|too (?:fast|high)|(?:so|really|super|extremely) (?:fast|high))\b",
        r"(?#chronic)\b(?:racing|pounding|thumping|fluttering|irregular|rapid|skipping) (?:heart\w*|pulse|heart ?beat)\b|\bpalp[ai]t\w*|\bpalpatat\w*",
        # clinical words: tachycardia, chest discomfort
        r"(?#chronic)\btachycardi\w*|\bchest discomfort\b|\bangina attack\b",
        # heart attack (present: having one, is this one)
        r"(?#chronic)\b(?:having|had|have|think (?:i'm|he's|she's|it's|it is|this is|i am|i'm having)|is (?:this|it|he|she)|it's|its|like a|going into)\s+(?:a |an )?(?:heart attack|cardiac arrest)\b",
    ],
    "overdose": [
        # overdose, OD'd
        r"\b(?:over ?dos\w*|od'?d|od'?ing)\b|\bod on\b",
        # took too many / too much / double / a whole pack / loads of / 8 pills
        rf"\b{_TAKE}\s+{_W4}(?:too many|too much|way too many|way too much|so many|many|a whole|the whole|the entire|my whole|my entire|all [0-9]+|the rest of|all (?:of )?(?:my|the)|loads of|lots of|a load of|a handful|handfuls|a bunch of|a lot of|a ton of|heaps of|more than (?:i should|the max\w*|the recommended|prescribed|it says|you're supposed)|way more|double|triple|an extra|extra)\b(?! (?:to drink|to eat|wine|alcohol|booze|coffee|caffeine|sun|food|sugar|fun|time|water|sessions?|treatments?|days?|weeks?))",
        rf"\b{_TAKE}\s+(?:\w+\s+){{0,2}}(?:[5-9]|[1-9][0-9])\s+(?:of (?:my|the|his|her|their) )?(?:{_DRUG}|\w+ {_DRUG})\b|\b(?:taking|taken|took)\s+(?:\w+\s+){{0,6}}(?:about |around |like |over )?(?:9|1[0-9]|[2-9][0-9]) (?:a|per) day\b",
        r"\b(?:double|twice|triple) (?:the |my )?(?:dose|dosage|amount)\b|\b(?:dose|dosage|tablets?|pills?|meds|medication) twice\b|\bdoubled (?:up|my dose)\b|\bdouble my\b",
        rf"\b(?:too many|too much|a handful of|handful of|loads of|a load of|half a (?:pack|packet|box|bottle|strip)|(?:whole|full|entire) (?:pack|packet|box|bottle|strip|tube|blister|sheet))(?: of)?\s+{_W2}{_DRUG}\b",
        # by mistake / accidentally took
        rf"\b(?:take|takes|{_TAKE})\s+{_W4}{_DRUG}\s+{_W4}(?:by mistake|by accident|accidentally)\b|\b(?:accidentally|mistakenly|by mistake|by accident)\s+{_W1}(?:took|taken|swallowed|had|ate|drank|used|injected|gave)\b",
        # a child got into my pills
        rf"\b(?:toddler|child|kid|baby|son|daughter|little one|boy|girl|grandchild|grandson|granddaughter|dog)\s+{_W3}(?:got into|got hold of|got at|found|ate|eaten|swallowed|drank|chewed|took|has had|had)\s+{_W3}{_DRUG}\b|\bgot into (?:my|the|her|his|their) (?:\w+ )?{_DRUG}\b",
        rf"\b(?:toddler|child|kid|baby|son|daughter|little one|little girl|little boy|grandchild|grandson|granddaughter)\b[^.!?]{{0,60}}?\b(?:ate|eaten|swallowed|chewed|drank|got into|got hold of)\b[^.!?]{{0,40}}?\b{_DRUG}\b",
        # mixed pills with alcohol, or drank and then took sedatives
        rf"\b(?:drank|drunk|drinking|had)\s+{_W4}(?:alcohol|wine|vodka|beer|booze|gin|whisky|whiskey|spirits|drinks)\s+{_W3}(?:and|then|with|before|after)\s+(?:\w+\s+){{0,2}}(?:took|taken|taking|swallowed|swallowing|popped|popping|having taken|having had)\s+{_W3}{_SEDATIVE}\b|\b(?:took|taken|swallowed|popped)\s+{_W3}{_SEDATIVE}\s+{_W3}(?:with|and|after|on top of)\s+{_W2}(?:alcohol|wine|vodka|beer|booze|gin|whisky|whiskey|spirits|drinks|drinking)\b",
        rf"\bmixed\s+{_W3}{_DRUG}\s+with\s+(?:alcohol|drink|booze|wine|beer|vodka|drugs|cocaine)\b",
        # lost count of the doses, not sure how many i took, every hour, over the daily limit
        rf"\blost (?:count|track) (?:of )?(?:how many )?(?:(?:\w+ ){{0,2}}{_DRUG}|(?:i've|i have|i|he's|she's|i'd|he|she) (?:taken|had|took|swallowed|popped))\b|\b{_DRUG}\b[^.!?]{{0,60}}\blost (?:count|track)\b|\b(?:don't|do not|not sure|no idea|can't|cannot|couldn't|unsure|lost track of|don't even) (?:know |remember |tell )?how many (?:(?:of )?(?:my |the |his |her )?(?:\w+ )?{_DRUG} (?:i|i've|i have|he|she|they|he's|she's|we|my \w+) (?:has |have |'ve )?(?:took|taken|swallowed|had|popped|ate|eaten|necked|used)|(?:i|i've|i have|he|she|they|he's|she's|my \w+) (?:has |have |'ve )?(?:swallowed|popped|necked))\b",
        rf"\b(?:taking|taken|took|had|having|popping|been on|putting|put|applying|applied|reapplying|using|used|rubbing)\s+(?:\w+\s+){{0,2}}?{_DRUG}\s+(?:\w+\s+){{0,3}}?every (?:hour|1 hour|one hour|half (?:an )?hour|30 minutes|(?:1|2|two) hours|couple of hours|hour or so)\b|\b(?:(?:take|taken|took|taking|had|gone|gone way|went|go|used|swallowed)\s+(?:way\s+)?)?(?:over|above|past|exceeded|exceeding|more than|beyond) (?:the |my )?(?:daily (?:limit|max\w*|dose|allowance)|max\w* (?:daily )?(?:dose|dosage|amount|limit)|recommended (?:daily )?(?:dose|dosage|amount|limit)|safe (?:dose|dosage|amount|limit))\b",
        rf"\b{_DRUG}\b[^.!?]{{0,60}}\b(?:then|and|later|after|on top)\b[^.!?]{{0,20}}\b(?:another|a second|more|an extra|a further)\s+(?:[2-9]|[1-9][0-9]|two|three|four|five|six|dose|doses|lot|load|few|couple|handful)\b",
        rf"\b(?:drank|drunk|drinking|swallowed|swallowing|swallow|ate|eaten|eating|sipped|licked|chewed|got into|got hold of)\s+{_W3}{_POISON}\b",
        # poisoned / poisoning (not food poisoning)
        r"\b(?<!food )poison(?:ed|ing)\b",
    ],
    "generic_emergency": [
        # the word emergency, an ambulance, A&E, call 999 / 911
        r"\b(?:emergency|emergancy|emergeny|emergencies)\b|\b(?:ambulance|ambulence|amblance|paramedics?)\b|\b(?:call|calling|called|ring|rang|dial|dialled|dialed|phone|phoned)\s+(?:\w+\s+)?(?:911|999|112|000)\b|\b(?:a ?& ?e|a and e|e\.r\.)\b|\b(?:to|the|in) er\b",
        # something is (really) wrong
        r"\bsomething(?:'s| is)?\s+(?:very |really |seriously |badly |terribly |definitely |horribly )?wrong\b(?! with (?:my|the|your) (?:booking|appointment|payment|account|order|website|site|link|card|invoice|bill|email|app|form|calendar|results?))",
        # I'm dying / going to die / feel like I'm dying
        r"\b(?:i'm|i am|he's|she's|he is|she is|think (?:i'm|i am|he's|she's)|feel(?:s|ing)? like (?:i'm|i am|he's|she's)|going to|about to)\s+(?:dying|die)\b(?! (?:to|for|of|laughing|from (?:laughter|embarrassment|boredom)|here|if))",
    ],
}

# What a tag adds:
#   mild     - "a bit", "slight", "small" before it soften it: everyday after-effects share it.
#   colour   - a bruise in the same clause explains the colour ("bruise has gone purple").
#   cosmetic - a question whether the treatment helps ("can meso help my droopy eyelids?")
#              means a long-standing look, not an acute change.
#   chronic  - a condition stated before a suitability question ("I get palpitations, can I
#              have it?") is medical history.
_TAGS = frozenset({"mild", "colour", "cosmetic", "chronic"})

# Idioms: a concept that overlaps one of these is a figure of speech.
IDIOMS: list[str] = [
    r"\bdying (?:to|for)\b|(?<!deserve )(?<!deserves )\bto die for\b|\b(?:would|could|i'd) (?:kill|die) for\b|\bkill for\b",
    r"\b(?:die|died|dying|dead) (?:of|from|with) (?:embarrassment|shame|laughter|laughing|boredom|curiosity|cuteness|jealousy|envy|excitement)\b",
    r"(?<!keep )(?<!keeps )(?<!been )(?<!still )(?<!started )(?<!urge to )(?<!want to )\b(?:cut|cutting|burn\w*|hurt|hurting|scald\w*|injur\w*) (?:myself|my self) (?:on (?!purpose)|with (?!(?:a |an |the |my |some )?(?:razor|blade|knife|knives|scissors|compass|lighter|cigarette|match|glass|shard|pin|sharpener|hot (?:knife|metal|spoon|iron)))|while|when (?!i (?:feel|am|'m|get|look|see|hate|think))|at|in|playing|lifting|running|doing|working|cooking|shaving|ironing|falling|by accident|accidentally)(?![^.!?]{0,40}\b(?:on purpose|deliberately|intentionally))",
    # knocks: "hit myself in the face with the car door", "banged my head on the cupboard"
    r"(?<!keep )(?<!keeps )(?<!been )(?<!still )\b(?:hit|hitting|bang\w*|bump\w*|bash\w*|knock\w*|whack\w*|smack\w*|cut|burn\w*|scratch\w*) (?:myself|my self|my \w+)\b[^.!?,]{0,30}?\b(?:on|with|against|into|from) (?:the |a |my |an )?(?:car door|door|doorframe|cupboard|cabinet|shelf|table|desk|corner|car|branch|ceiling|counter|sink|fridge|beam|frame|wardrobe|drawer|hairbrush|brush|racket|ball|bat|oven|hob|stove|iron|kettle|pan|tray|straighteners|curling (?:iron|tongs)|tongs|paper|razor while shaving|shaving|fall|bike|ice|stairs|steps)\b(?![^.!?]{0,40}\b(?:on purpose|deliberately|intentionally))",
    r"\bkill(?:ing)? (?:myself|my self) laughing\b|\b(?:could|would|going to|gonna) (?:literally |honestly )?kill (?:myself|my self) for\b",
    r"\bdead (?:tired|serious|keen|set|excited|nervous|jealous|worried|chuffed|good|easy|cheap)\b|\b(?:death|end) of me\b|\bsick (?:to death|and tired) of\b",
    r"\b(?:gave|give|gives|giving|almost had|nearly had|practically had|nearly having|almost having|about to have|nearly gave|almost gave) (?:me |him |her |my \w+ )?(?:a |an )?(?:heart attack|stroke|seizure|aneurysm|panic attack|coronary|cardiac arrest)\b",
    r"\b(?:heart attack|stroke|seizure)\s*(?:lol|haha|lmao|xd)\b|\b(?:bank|wallet|card|purse|account|budget|balance|savings) (?:had|has had|nearly had|almost had|is having|just had|is going to have|is gonna have|will have|'ll have) a (?:heart attack|stroke|seizure)\b",
    r"\bheart (?:skipped|skips|skip) a beat\b|\bheart (?:melted|melts|sank|sinks|is in my mouth)\b|\bstroke of (?:luck|genius)\b|\bat the stroke of\b",
    r"\btook my breath away\b|\bbreath ?taking\b|\bhold(?:ing)? my breath\b|\bbreathe a sigh\b|\bbreathing down my neck\b|\bwaste of breath\b|\bunder my breath\b",
    r"\bchok\w* on (?:(?:all|these|those|the|so many|your|my)\s+){0,2}(?:options|choices|prices?|decisions|costs?|bill|words|quotes?|price tag)\b",
    r"\b(?:bank(?: account)?|account|wallet|purse|budget|card|bank balance|savings|pocket) (?:is |are |has been |keeps )?bleeding\b|\bbleeding (?:me dry|money|cash|out cash|my (?:wallet|bank|account|purse))\b|\bbled dry\b",
    r"\bcry(?:ing)? my eyes out\b|\bbreak(?:ing)? my neck\b|\bpain in the (?:neck|arse|ass|butt|backside)\b|\ban arm and a leg\b|\bblack and blue\b",
    r"\b(?:nearly|almost|practically|about to|could have|could've|would have|would've|i'd|i would|i'll|i will|will|would|going to|literally) (?:\w+ ){0,2}(?:faint(?:ed)?|pass(?:ed)? out|collapsed?|died?|had a heart attack|have a heart attack|choked?|fell over|blacked out)\b[^.!?]{0,40}?\b(?:when|at|seeing|after seeing|looking at|because of|over|once i saw|from|about)\b[^.!?]{0,30}?\b(?:price|prices|cost|bill|quote|total|invoice|results?|before|pics?|photos?|pictures?|bank|balance|amount|how much|hair|drain|reviews?|receipt|fee|fees|deposit|news|video|insta|instagram|tiktok)\b",
    r"\bhad a fit (?:when|about|over|at)\b|\bfaint ?hearted\b|\bfaint of heart\b|\bnot in the faintest\b",
    r"\bblind (?:date|faith|panic|drunk)\b|\bturn(?:ed|ing)? a blind eye\b|\bcolou?r ?blind\b",
    r"\b(?:3[89]|4[0-5]) ?(?:°|degrees?) ?c? (?:outside|out there|in the shade|heat|weather|here in|in (?:spain|greece|dubai|italy|the sun))\b|\bheat ?wave\b",
    r"\bchills? (?:down|up) (?:my|the) spine\b|\b(?:give|gives|gave|giving) (?:me )?(?:the )?chills\b",
    r"\bcold (?:sores?|compress\w*|packs?|water|shower|weather|feet|calls?|turkey)\b",
    r"\b(?:hay|glandular|scarlet|cabin|spring|bieber|yellow) fever\b|\bfever (?:dream|pitch|blisters?)\b",
    r"\b(?:app|website|site|page|phone|line|phones|link|email|system|server|chat|bot|computer|laptop|booking form|card machine|clinic|reception\w*|office|you|your \w+|nobody|no one|anyone|the \w+ desk) (?:\w+ )?(?:is |isn't |'s |keeps |won't |doesn't |not |didn't |aren't |are )?(?:not )?(?:responding|respond|answering|answer)\b|\bnot responding to (?:treatment|antibiotics|the cream|cream|my (?:emails?|messages?|calls?)|emails?|messages?)\b",
    r"\b(?:i have|i've got|for|with|on|people with|suitable for|safe for|works? on) (?:very )?(?:dark|pale|fair|light|white|olive|brown|black) skin\b",
    r"\bemergency (?:number|contact|line|phone|appointment|procedures?|protocols?|kit|plan|training|equipment|drugs?|meds|medication|policy|cover|hours|dentist|services? (?:number|line))\b|\bin (?:an |case of (?:an )?|the event of (?:an )?)?emergenc(?:y|ies)\b|\bfor emergencies\b|\bnon ?emergency\b|\bemergency only\b|\b(?:count|counts|counted|considered|classed|qualify|qualifies|class) as (?:an? )?emergency\b|\bwhat (?:is|counts as|constitutes) an emergency\b",
    r"\b(?:phone|screen|tv|laptop|computer|monitor|app|lights?|power|signal|camera|video)\s+(?:\w+\s+){0,2}(?:black(?:ing|ed|s)? ?out|went black|goes black|going black)\b",
    r"\bfit(?:ting)? (?:me|us) in\b|\b(?:keep|get|getting|stay) fit\b",
    r"\b(?:self ?harm\w*|cutting|old) scars?\b|\bscars? (?:from|left by) (?:self ?harm\w*|cutting)\b",
    r"\bsuicide (?:squad|doors?|blonde|mission|rates?|risk warnings?)\b",
    r"\bthe (?:suspense|wait|waiting|price) is killing me\b",
    r"\b(?:hair|roots|screen|sky|phone|lights?|tv|room|teeth|nails?|world)\s+(?:\w+\s+){0,2}(?:gone|turned|turning|went|going|goes|turns) (?:all |really |very |completely )?(?:white|grey|gray|black|dark|blue|pale)\b",
    r"\b(?:heart|ticker) (?:nearly |almost |literally )?(?:stopped|skipped|sank|leapt|jumped|dropped) (?:a beat )?(?:when|as soon as|the moment) (?:i|we) (?:saw|read|heard|looked|opened|got|checked)\b|\b(?:collapsed|died|dying|dead|choked|crying|cried|pass(?:ed)? out) (?:from |with )?laugh\w*\b",
    r"\bred (?:lines?|streaks?)\b[^.!?]{0,40}\bstretch ?marks?\b|\bstretch ?marks?\b[^.!?]{0,40}\bred (?:lines?|streaks?)\b",
    r"\b(?:could|would|i'd|can) (?:\w+ )?sleep (?:forever|for (?:a week|days|ever))\b|\b(?:made|makes|make|making) me (?:want to |wanna )?sleep forever\b|\bsleep forever (?:lol|haha|lmao)\b",
    r"\b(?:heavy|heavier) (?:bleeding|bleeds?|flow) (?:on|during|with|in) (?:my |her |a |the )?(?:period|periods|cycle|time of the month)\b|\b(?:heavy|heavier) periods?\b",
    r"\b(?:clutch\w*|grabb\w*|hold\w*) (?:my|his|her) (?:chest|pearls|heart)\b[^.!?]{0,40}?\b(?:price|prices|bill|cost|quote|invoice|lol|haha|lmao)\b",
    r"\b(?:tired|exhausted|knackered|shattered|sleepy|hungry|starving)\b[^.!?]{0,25}\b(?:i|you) (?:could|might|feel like i could|think i could) (?:literally |just )?(?:collapse|drop|die|sleep)\b(?![^.!?]{0,40}\b(?:since|after) (?:the|my) (?:session|treatment|injections?|meso))",
    # "could just collapse on the sofa", "overdosed on chocolate", "my jaw hit the floor"
    r"\b(?:could|would|want to|wanna|going to|gonna|ready to|about to|i'll|i will|i'd) (?:\w+ ){0,2}collapse (?:on|onto|into|in) (?:the |my |a |bed)(?:sofa|couch|settee|bed|armchair)?\b",
    r"\b(?:over ?dos\w*|od'?d|od'?ing) on (?:the |all the |too much |so much )?(?:chocolate|sugar|sweets|cake|carbs|junk food|pizza|crisps|chips|biscuits|cookies|candy|ice cream|cheese|netflix|tv|telly|shopping|sun|sunshine|skincare|selfies|christmas|food|snacks|tiktok|instagram|social media|gym)\b",
    r"\bjaws? (?:\w+ )?(?:hit|hits|hitting|dropped to|on) the (?:floor|ground)\b",
    r"\bdying inside\b|\b(?:dental|tooth|teeth|gum|wisdom tooth) abscess\b|\babscess(?:es)? (?:in|on|under) (?:my |a |the )?(?:tooth|teeth|gum|gums|wisdom tooth)\b",
    r"\brather (?:die|be dead) than (?:have|get|pay|wear|use|try|undergo|let|go under|go back|go to|do (?:surgery|lipo)|post|show)\b|\brather (?:die|be dead) than\b[^.!?]{0,40}(?:\blol\b|\bhaha\w*|\blmao\b)",
    r"\b(?:chills|shivering|shaking|shivery|cold)\b[^.!?]{0,20}\bfrom (?:the )?(?:air ?con\w*|a ?c\b|cold|weather|nerves|excitement|fear|rain)\b",
    r"\b(?:price|prices|cost|bill|quote|robbery|expensive|invoice)\b[^.!?]{0,50}\b(?:nearly|almost|practically) (?:\w+ ){0,2}(?:faint\w*|pass(?:ed)? out|collapsed?|died?|had a heart attack|choked)\b",
    r"\b(?:made|makes|make|making) me (?:want to |nearly |almost )?(?:faint|pass out|collapse|die|have a heart attack|throw up)\b",
    r"\b(?:excited|nervous|nerves|anxious|buzzing)\b[^.!?,]{0,30}\b(?:racing|races|pounding|pounds|thumping|flutter\w*|skipp\w*)\b",
    r"\b(?:white ?heads?|pimples?|zits?|acne|breakouts?|breaking out)\b[^.!?]{0,40}\bpus\b|\bpus\b[^.!?]{0,20}\b(?:white ?heads?|pimples?|zits?)\b",
    r"\b(?:going to|gonna|will|i'll|i'd|would) die\b[^.!?]{0,60}(?:\blol\b|\bhaha\w*|\blmao\b|\U0001f602|\U0001f923)",
    r"\b(?:rac(?:ing|es|e)|pound\w*|thump\w*|flutter\w*|skipp\w*)\b[^.!?,]{0,30}\b(?:just )?(?:thinking (?:about|of)|(?:when|whenever) i think (?:about|of)|at the thought|with excitement|from excitement|with nerves|(?:so )?excited)\b",
]

# --------------------------------------------------------------------------------------
# Cues
# --------------------------------------------------------------------------------------

# Sentence ends (resolution cues look no further); decimals and times are not ends.
_SENTENCE_END = re.compile(r"[.](?![0-9])|[!?;\n]|:(?![0-9])")
# Parts of a sentence: "X, but Y" and "X - Y" are separate thoughts.
_PART_END = re.compile(
    r"[.](?![0-9])|[!?;\n]|:(?![0-9])|\s(?:but|however|although|though|except|apart from|whereas|anyway|also)\s|\s-\s"
)
# Clauses: parts cut at commas and "and now" (past cues and "if" reach no further).
_CLAUSE_END = re.compile(
    r"[.](?![0-9])|[!?;,\n]|:(?![0-9])|\s(?:but|however|although|though|except|apart from|whereas|anyway|also|and now|and then)\s|\s-\s|\s\(|\)"
)

# A general or hypothetical question: everything after it in the same part is not happening.
_HYPOTHETICAL = re.compile(
    "|".join(
        [
            # what if / what happens if / what should I do if / in case / suppose
            r"\bwhat if\b|\bwhat happens (?:if|when)\b|\bwhat (?:would|will|could|should|might) (?:happen|i do|you do|we do|they do|one do|be done)\b",
            # "what would an overdose of it do?": asked about, not happening
            r"\bwhat (?:would|could|might) (?:\w+ ){1,8}?(?:do|happen|mean|look like|feel like)\b",
            r"\bwhat (?:should|do|would|can|shall) (?:i|we|you|one|people|someone) do (?:if|when|in case)\b|\bwhat (?:to|do you) do (?:if|when)\b|\bwhat (?:would|will) happen\b",
            r"\b(?:just )?in case\b|\bsuppos(?:e|ing)\b|\bhypothetical\w*|\bimagine\b|\blet's say\b|\bgod forbid\b|\bworst case\b|\bat what point\b",
            # can it cause / could the injections make / meso can cause
            r"\b(?:can|could|does|do|will|would|might|may|did) (?:meso\w*|it|this|that|these|they|the (?:treatment|procedure|injections?|needles?|shots?|sessions?|cream|product|vitamins?|cocktail|jabs?)|injections|needles|treatment) (?:\w+ ){0,2}?(?:cause|causes|lead to|leads to|give|result in|trigger|make|produce|induce|bring on|provoke|end up|go wrong|get infected|hit|damage|block|affect|leave)\b",
            r"\b(?:can|could|does|do|will|would|might|may|did) (?:\w+ ){0,5}?(?:cause|causes|lead to|leads to|result in|trigger|induce|bring on|provoke)\b|\bwhat (?:would|could|might|can|does|do) cause\b",
            r"\b(?:meso\w*|it|this|the (?:treatment|procedure|injections?|needles?)|injections|fillers?) (?:can|could|may|might|will|would|does|do) (?:\w+ )?(?:cause|lead to|give|result in|trigger|make)\b",
            # risk / chance of, how likely, is it possible, ever, is X common
            r"\b(?:risks?|chances?|possibility|odds|likelihood|dangers?|probability) (?:of|that|for)\b|\bis there (?:a|any) (?:risk|chance|danger|possibility)\b",
            r"\bhow (?:likely|common|rare|often|dangerous|risky|serious|bad|painful|much does|long does)\b|\b(?:likely|possible|common|usual) (?:to|that) (?:get|have|develop|cause|happen)\b",
            r"\bis it (?:normal|common|usual|expected|ok|okay) (?:to|for (?:people|patients|clients|someone|you) to) (?:feel|get|have|be|experience|go)\b(?![^.!?]{0,80}\b(?:now|right now|still|at the moment|currently|won't|can't|keeps?|getting worse|this|that|so|since)\b)|\bis it possible\b|\bis it true\b|\bhow much (?:\w+ )?is too much\b|\b(?:do|does|did|can|could|would|will|has|have|is|are) (?:\w+ ){0,2}ever\b(?! (?:going to )?stop)",
            r"\bis (?!(?:this|that|it|my|the bleeding|the pain)\b)(?=[\w' ]{1,40}\b(?:common|a (?:common |known |normal |usual )?side effect|a risk|rare|likely|possible|usual)\b)",
            r"\bis (?:a|an) (?=[\w' ]{1,50}\b(?:normal|common|usual|expected|possible|likely)\b)|\bis (?:it|the (?:treatment|procedure|injection|session)|meso\w*) (?:\w+ )?(?:painful|sore)\b",
            # has anyone ever, do people, what does it look like, why would
            r"\bhas (?:anyone|anybody|someone|any of your \w+) (?:ever )?|\bhave (?:you|people|patients|clients) (?:ever )?(?:had|seen|got)\b|\bdoes (?:anyone|anybody|everyone)\b",
            r"\bdo (?:people|patients|clients|most people|some people|many people|others|you (?:ever )?see)\b|\bwhy (?:would|do|does|might|could) (?:people|someone|you|i)\b",
            r"\bwhat (?:does|do|would|will|should|might) (?:an? |the )?(?:\w+ ){0,3}?(?:look|feel|sound) like\b",
            # warning signs, what counts as, how would I know, when should I worry
            r"\bwarning signs?\b|\b(?:signs?|symptoms?) (?:of|to (?:watch|look)|i should)\b|\bwhat (?:are|r) (?:the|some)\b|\bwhat (?:counts|would count|does count|qualifies) as\b",
            r"\bwatch (?:out )?for\b|\blook out for\b|\bhow (?:do|would|can|will|could|should) (?:i|you|we|one) (?:know|tell|spot|recogni[sz]e|notice)\b|\bwhen (?:should|do) i (?:worry|call|go|seek|contact|be worried)\b",
            # hearsay: I read, someone told me, I saw a video
            r"\bi (?:read|heard|saw online)\b|\bi've (?:read|heard|seen) (?:that|about|online|somewhere|it|stories|people)\b|\bsomeone (?:told|said)\b|\bpeople say\b",
            r"\bi (?:saw|watched|read|seen|heard) (?:a |an |some |this |that )?(?:video|post|article|story|stories|reviews?|pictures?|photos?|tiktok|reel|thread|case)",
            # can you get, is it dangerous to, fear of
            r"\bcan (?:you|people|one|someone|anyone|i) (?:get|have|develop|suffer|experience)\b|\bis it (?:dangerous|safe|risky|bad) (?:to|for|if)\b|\b(?:fear|phobia) of\b|\bphobic\b",
            # the clinic's protocol: how would you deal with fainting
            r"\b(?:protocol|procedures?|plan|policy|training) (?:for|to deal with|in case of|if)\b|\bhow (?:would|do|will) you (?:deal with|handle|manage|treat|respond to)\b",
            r"\b(?:do|does|would|will|can|are|is) (?:you|your \w+|staff|the clinic|the nurses?)\s+(?:\w+\s+){0,3}?(?:deal with|handle|manage|treat|respond to|prepared for|trained|equipped)\b",
        ]
    )
)
# The same said after the concept: "an allergic reaction, is that possible?"
_HYPOTHETICAL_AFTER = re.compile(
    r"\b(?:does|can|could|would|will|might) (?:that|this|it) (?:ever )?happen\b|\bhow (?:do|can|would|will) (?:you|i|we) (?:prevent|avoid|stop|reduce) (?:that|this|it)\b|\bhas (?:that|this|it) (?:ever )?happened\b|\bis (?:that|this|it) (?:possible|common|likely|rare|a (?:risk|possibility|thing|common thing|side effect|known side effect))\b"
    r"|\bhow (?:common|likely|rare|often) is (?:that|this|it)\b|\bdoes that happen\b"
)


_CONDITIONAL_QUESTION = re.compile(
    r"\s*(?:and |so |also |ok |okay )?(?:if|in case|say) (?:i|my|he|she|it|the|someone|they|we|you|a|an|there)\b[^,]*,"
    r"[^,]*\b(?:should|shall|do|does|would|will|can|could|what|how|who|when|is it|is that|are)\b"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "if" opens a condition unless it means "whether" ("not sure if", "wondering if").
_IF = re.compile(r"\b(?:if|unless|whenever)\b")
_IF_EMBEDDED = _words(
    "know sure wondering wonder wondered ask asking asked tell check see unsure idk clue "
    "idea as even only like whether dunno"
)

# Cues that must scope the concept directly, across filler words only (see _scoped).
_NEGATION = re.compile(
    r"(?:^|\s)(?:neither(?: [\w']+){1,4} nor(?: [\w']+){1,3}|(?:none|neither|not one|nobody|no one) of (?:us|them|you|my \w+|the \w+|our \w+)|no|not|never|without|nor|neither|none|zero|nothing|nobody|no one|hardly any|free (?:of|from)|ruled out|denies|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|haven't|hasn't|hadn't|ain't|won't be|wouldn't|shouldn't)$"
)
_MILD = re.compile(
    r"(?:^|\s)(?:a (?:bit|little|tiny bit|touch|tad)|a bit of|a little bit|bit|bit of|slight(?:ly)?|mild(?:ly)?|little|tiny|small|minor|faint|light|some|few|a few|barely|pinpoint|minimal|tad|kind of|kinda|sort of|somewhat|just|quite|only)$"
)
# "Will I / can it / would the": a question about what may happen. "Could it be" and "do I
# have" ask about now, so they are not cues.
_MODAL = re.compile(
    r"(?:^|\s)(?:(?:will|would|could|might|may|can|should|shall) (?:i|it|they|you|there|he|she|we|people|one|that|this|these|those|(?:my|the|your|his|her)(?: \w+)?|meso\w*|injections?)"
    r"|(?:will|would|shall) (?:i|it|there|they|you|he|she|we) be|(?:does|do) (?:it|they|you|people|the \w+|meso\w*|injections?)"
    r"|i'll|i will|i would|i'd|i might|i may|am i likely to|likely to|how to (?:avoid|prevent|stop|reduce)|to (?:avoid|prevent)|(?:avoid|prevent|preventing|avoiding))$"
)
# Fear of what may happen ("scared I'll faint", "worried about getting an infection"), not
# of what is happening ("worried it's infected").
_FEAR = re.compile(
    r"(?:^|\s)(?:afraid|scared|terrified|worried|nervous|anxious|frightened|fearful|paranoid|concerned|panicking|petrified|worry|worrying|fear|freaked out|freaking out)(?: that)?"
    r"(?: (?:i|it|they|he|she|you|we|my \w+|the \w+) (?:will|might|may|could|would)| (?:i'll|ill|it'll|they'll|i'd|he'll|she'll)| of| about| to)?$"
)
# "I might have overdosed", "she may have taken too many": it may already have happened,
# which is no hypothetical ("could have" is left to the modal cue: "could have fainted").
_MAYBE_DONE = re.compile(
    r"\b(?:might|may|must)(?: well)? (?:have|'ve)(?: been| just| already)?\s*$"
)
_NEG_FILLERS = _words(
    "a an any the my his her their its it it's is are was were be been being have has had "
    "having get got getting gotten feel feeling felt feels see seeing seen notice noticed "
    "noticing show showing shown sign signs symptom symptoms of real really actual "
    "actually more other much serious obvious at all yet so too very like experienced "
    "experience experiencing sort kind further new visible major significant proper "
    "apparent trace hint single think i i'm there there's that these those anything such "
    "as far even signs problem issue any going to planning trying thoughts thought urge urges intention intentions plan plans desire"
)
# A softener just after the match: "keeps bleeding a little".
_MILD_AFTER = re.compile(r"\s*(?:a (?:little|bit|tiny bit|tad)|slightly|lightly|very little)\b")
# A softener inside the match: "lips are a bit puffy".
_MILD_INSIDE = re.compile(
    r"\b(?:a bit|a little|a tad|a touch|slightly|slight|mildly|mild|somewhat|kind of|kinda|sort of)\b"
)
_MILD_FILLERS = _words("a an the my his her of bit little and some very")
_MODAL_FILLERS = _words(
    "i it they you there he she we people one my the your his her this that these have "
    "get getting having a an any some really end up with start starting "
    "experience experiencing suffer suffering develop developing feel feeling go going "
    "become turn too much more of ever also like actually me make cause to into in from "
    "need have to go take call ring phone refer send"
)
_FEAR_FILLERS = _words(
    "getting having being a an any some really end up with start starting go going to get "
    "have be become me myself like ever"
)
_LIST_JOINERS = frozenset({"or", "nor", "/"})
# "and" joins what one is afraid of or asks about ("faint and fall"), never a negation:
# "no fever and my lips are swelling" negates only the fever.
_AND_JOINERS = _LIST_JOINERS | {"and", "&"}
# Concepts that carry their own negation ("can't breathe", "won't stop bleeding").
_SELF_NEGATING = re.compile(
    r"(?:can't|cannot|can not|couldn't|unable|not|no|never|won't|wouldn't|isn't|doesn't|don't|didn't|hasn't|is not|will not)\b"
)
_TOKEN = re.compile(r"[\w'&]+|[,/]")

# "I used to", never "I'm used to" or "can it be used to".
_USED_TO = r"(?<!be )(?<!been )(?<!being )(?<!get )(?<!got )(?<!getting )(?<!i'm )(?<!am )(?<!is )(?<!are )used to"

# Past, habitual and chronic: the clause tells of history, not of now. Long-past cues
# reach the whole part of the sentence ("two seizures in my life, both years ago").
_LONG_PAST = re.compile(
    r"\b(?:years? ago|yrs? ago|years back|a few years back|ages ago|long time ago|long ago|when i was (?:[0-9]+|a|young|little|younger|small|at|in)|as a (?:kid|child|teen\w*|baby|student|youngster)"
    r"|in my (?:teens|twenties|20s|youth|childhood)|childhood|growing up|"
    + _USED_TO
    + r"|history of|someone in my family|in my family|family history)\b"
)
# Self-harm is history only when told as such ("I used to self-harm", "years ago").
_CRISIS_PAST = re.compile(
    r"\b(?:years? ago|yrs? ago|years back|"
    + _USED_TO
    + r"|history of|as a (?:kid|child|teen\w*)|when i was (?:[0-9]+|a|young|younger|at school|in school)|in my (?:teens|twenties|20s|youth))\b"
)
_CRISIS_RESOLVED = re.compile(
    r"\b(?:clean (?:from|of|for) (?:\w+ ){0,3}?(?:years?|months?|[0-9]+|two|three|four|five|six|seven|eight|nine|ten)\b|[0-9]+ (?:years?|months?) clean|(?<!not )(?:fine|well|better|ok|okay|good|safe|stable) now|(?:i'm|i am|i feel|feeling|doing) (?:fine|ok|okay|better|good|well) now|(?:fully )?recovered|in recovery|(?:got|had|getting) (?:the )?help|not any ?more)\b"
)
# ...unless it has come back.
_CRISIS_RELAPSE = re.compile(
    r"\b(?:relaps\w*|(?<!never )again|started back|back to (?:cutting|it|self harm\w*|sh)|urges?)\b"
)
_PAST = re.compile(
    r"\b(?:years? ago|yrs? ago|months ago|a few months back|years back|ages ago|long time ago|long ago|(?:last|previous|past) (?:year|summer|winter|spring|autumn|fall|christmas|time|session|treatment|appointment|clinic|course|month)"
    r"|(?:the )?year before|when i was (?:[0-9]+|a|young|little|younger|small|pregnant|at|in)|as a (?:kid|child|teen\w*|baby|student|youngster)|in (?:19|20)[0-9][0-9]|back in|in the past"
    r"|in my (?:teens|twenties|20s|youth|childhood|past)|history of|"
    + _USED_TO
    + r"|(?<!at )once\b(?! (?:i|we|he|she|they|the|it|my|you|again))|once before|previously|(?:years|months) earlier"
    r"|(?<!at )(?:a|one) time\b(?! only)|at (?:another|a different|my old|my previous|a previous|the other) (?:clinic|salon|place|practice)|elsewhere|childhood|at school|growing up|before\s*$|many times before|a few years back|in (?:my|a) previous)"
)
_HABITUAL = re.compile(
    r"\b(?:sometimes|occasionally|often|usually|always|from time to time|every (?:now and then|so often)|(?:whenever|every time|each time) i (?:see|get|have|think|hear)|at the sight of|prone to|tend to"
    r"|suffer(?:s|ed)? (?:from|with)|diagnosed|well controlled|(?<!bleeding )(?<!blood )(?<!bleed )(?<!get it )under control|controlled (?:with|by|on)|chronic|since (?:birth|i was born|childhood)|(?:all|most of) my life|my whole life"
    r"|naturally|by nature|easily|genetic|runs in (?:my|the) family|when (?:i'm|i am|i get) (?:stressed|anxious|nervous|tired|dehydrated|hungry|cold)|in the cold|when it's cold|in (?:the )?winter|in cold weather|on stairs"
    r"|when i (?:exercise|run|climb|drink|stand up quickly)|raynaud\w*|in the mornings?(?! after)|every morning|at night|in my sleep|i wear (?:glasses|contacts|contact lenses))\b"
)
_PRESENT = re.compile(
    r"\b(?:now|right now|currently|still|today|tonight|this (?:morning|afternoon|evening)|at the moment|just now|suddenly|all of a sudden|minutes ago|an hour ago|hours ago|yesterday|last night|getting worse|keeps?|won't stop|can't stop|(?:i'm|i am|he's|she's|he is|she is|is|are) having|(?:is|are|am|i'm|it's|they're|he's|she's) (?:\w+ )?\w+ing|since (?:the|my|this|yesterday|last night|then|i had (?:the|my)|your))\b"
)
# A medicine taken now ("I'm on blood thinners now") says nothing of when the event it
# follows happened: "a heart attack 5 years ago and I'm on blood thinners now" is history.
_CURRENT_MEDICATION = re.compile(
    r"\b(?:(?:i'm|i am|i've been|i have been|he's|she's) (?:now |currently )?(?:on|taking)|i (?:now |currently )?take)"
    r" (?:\w+ ){0,4}?(?:now|currently|at the moment|these days)\b"
)
# The episode is over: the concepts before it in the same sentence are history.
_RESOLVED = re.compile(
    r"\b(?:(?:fine|ok|okay|better|good|normal) (?:again )?after (?:some|a|an|eating|drinking|lying|sitting|i (?:ate|drank|sat|lay|had))|fully recovered|recovered|it passed|passed quickly|went away|gone away|cleared(?: up)?|it cleared|healed|(?:i'm|i am|she's|he's|all|feel|feeling|it's|everything's|everything is) (?:fine|ok|okay|good|better|normal) now|fine now|ok now|okay now|better now|normal now|stable now|settled"
    r"|(?:it's|it is|it has|its|they've|they have|they're|they are|that's|that has) (?:all )?(?:gone|passed|cleared|better|fine)(?=\s*(?:$|[.,!?;]| now| since| away| so))"
    r"|resolved|(?:was|were|got|been) (?:all )?sorted(?: out)?|(?:was|were|got) (?:treated|dealt with) (?:with|by|at|in)|all (?:tests )?(?:came back )?clear|nothing serious|turned out|was gone|(?:it|swelling|they) went down|no (?:problems|issues) since|never again|not since|nothing since|stopped now|it stopped|it's stopped|has stopped|no longer)\b"
)
# A suitability question, and a statement of a condition before it (medical history).
_SUITABILITY = re.compile(
    r"\b(?:am i (?:suitable|ok|okay|eligible|a (?:good )?candidate|able|allowed|safe)|can i (?:still )?(?:have|get|do|book|come|go ahead|try)|could i (?:still )?(?:have|get|do)"
    r"|is (?:it|meso\w*|this|that|the treatment|it still|\w+) (?:ok|okay|safe|fine|a problem|an issue|dangerous|risky|allowed|possible|suitable|a contraindication)"
    r"|will (?:it|that|this|meso\w*) (?:be )?(?:a problem|an issue|affect|matter|ok|safe)|does (?:it|that|this) (?:matter|affect|rule|mean|count|make)|would (?:you|that|it) (?:still )?(?:treat|be|matter|affect)"
    r"|should i (?:tell|mention|stop|avoid|wait|postpone|cancel|skip|worry)|do i need to (?:stop|tell|mention|avoid)|any (?:problem|issue|risk|interactions?|contraindications?)|contraindicat\w*|rule me out|a candidate|suitable)\b"
)
_HISTORY_FRAME = re.compile(
    r"\b(?:i have|i've got|i got|i've had|i had|i get|i suffer|suffering|i'm prone|prone to|diagnosed|history of|i live with|born with|i take|i'm on|i am on|i've been on|on (?:medication|meds|tablets|pills|treatment) for|known)\b"
)
# Asking whether the treatment helps a look: a long-standing appearance, not a new change.
_COSMETIC_QUESTION = re.compile(
    r"\b(?:can|could|does|do|would|will|might|is) (?:(?:hair|face|facial|body|scalp|skin|the) meso\w*|meso\w*|it|this|that|the (?:treatment|injections?|procedure|vitamins?|cocktail)|you|your (?:treatment|clinic)) (?:\w+ ){0,2}?(?:help|fix|treat|improve|work|get rid|reduce|lighten|even|lift|tighten|firm|brighten|sort|do anything|target|cure|remove|clear)\b|\b(?:good|effective|recommended) for\b"
)
_BRUISE = re.compile(r"\bbruis\w*")
# An everyday cause named in the same clause explains the symptom ("chest a bit tight from
# my cold", "a red line from my socks", "heart flutters with too much coffee").
_BENIGN_CAUSE = re.compile(
    r"\b(?:from|because of|due to|with) (?:a |my |the |too much )?(?:cold(?! sweats?)|cough|coughing|flu|gym|workout|working out|exercise|running|lifting|socks|shoes|strap|bra|waistband|seat ?belt|sleeping on it|pillow|glasses|coffee|caffeine|excitement|laughing|laughter|nerves|air ?con\w*|ice pack|ice|the ice pack|hay fever|allergies|hunger|an empty stomach|not eating)\b|\bskipp(?:ed|ing) (?:breakfast|lunch|a meal|meals)\b"
)
# Skin that blanches for a moment while the needle is in is normal; only colour lasts.
_TRANSIENT = re.compile(
    r"\b(?:for (?:a|one) (?:second|split second|moment|sec|minute|min)|for a few (?:seconds|minutes)|then (?:faded|went back)|(?:went |then |straight )?back to normal|during (?:the )?(?:injections?|treatment|session))\b"
)


# --------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedFlag:
    kind: str  # "emergency" or "crisis"
    category: str  # e.g. "airway_anaphylaxis", "self_harm"
    pattern: str  # the pattern that matched (for tests/reports; never logged with text)


@dataclass(frozen=True)
class _Concept:
    kind: str
    category: str
    pattern: str
    regex: re.Pattern[str]
    tags: frozenset[str]


_TAG_PREFIX = re.compile(r"^\(\?#([a-z,]+)\)")


def _compile_concepts() -> list[_Concept]:
    concepts = []
    for category, patterns in CONCEPTS.items():
        kind = "crisis" if category == SELF_HARM else "emergency"
        for pattern in patterns:
            tag_match = _TAG_PREFIX.match(pattern)
            tags = frozenset(tag_match.group(1).split(",")) if tag_match else frozenset()
            unknown = tags - _TAGS
            if unknown:
                raise ValueError(f"unknown tags {sorted(unknown)} on a {category} pattern")
            concepts.append(_Concept(kind, category, pattern, re.compile(pattern), tags))
    # Crisis first: it wins when both match.
    return sorted(concepts, key=lambda c: c.kind != "crisis")


_CONCEPTS = _compile_concepts()
# All concepts at once: one scan tells whether any can match, and most messages stop there.
_ANY_CONCEPT = re.compile("|".join(f"(?:{concept.pattern})" for concept in _CONCEPTS))
_IDIOMS = [re.compile(p) for p in IDIOMS]


# How far a cue is looked for around a concept, in characters. Real sentences are shorter;
# the bound keeps a huge message without punctuation linear rather than quadratic.
_REACH = 240
_MAX_MATCHES = 20


class _Message:
    """A normalised message; its boundaries and message-wide cues are worked out lazily,
    since most messages match no concept at all and never need them."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def sentences(self) -> _Segments:
        return _Segments(self.text, _SENTENCE_END)

    @cached_property
    def parts(self) -> _Segments:
        return _Segments(self.text, _PART_END)

    @cached_property
    def clauses(self) -> _Segments:
        return _Segments(self.text, _CLAUSE_END)

    @cached_property
    def idiom_spans(self) -> list[tuple[int, int]]:
        return self._idioms_between(0, len(self.text))

    def _idioms_between(self, start: int, end: int) -> list[tuple[int, int]]:
        return [m.span() for idiom in _IDIOMS for m in idiom.finditer(self.text, start, end)]

    def in_idiom(self, start: int, end: int) -> bool:
        """Whether an idiom overlaps the concept. Idioms are short, so in a long message
        only the stretch around the concept is searched, keeping the cost bounded."""
        if len(self.text) <= 4 * _REACH:
            spans = self.idiom_spans
        else:
            spans = self._idioms_between(max(start - _REACH, 0), end + _REACH)
        return any(s < end and start < e for s, e in spans)

    @cached_property
    def present_view(self) -> str:
        """The text as the present-time cues read it: statements of a medicine taken now
        blanked out, positions kept."""
        return _CURRENT_MEDICATION.sub(lambda m: " " * len(m.group()), self.text)

    @cached_property
    def suitability(self) -> bool:
        return _SUITABILITY.search(self.text) is not None

    @cached_property
    def cosmetic_question(self) -> bool:
        return _COSMETIC_QUESTION.search(self.text) is not None


class _Segments:
    """The stretches of a text between separators (sentence ends, commas...)."""

    def __init__(self, text: str, separator: re.Pattern[str]) -> None:
        self.starts, self.ends = [0], []
        for m in separator.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The segment holding a concept, cut to _REACH characters either side of it."""
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        return max(self.starts[index], start - _REACH), min(self.ends[index], end + _REACH)


def _scoped(
    before: str,
    cue: re.Pattern[str],
    fillers: frozenset[str],
    joiners: frozenset[str] = _LIST_JOINERS,
) -> bool:
    """Whether the text just before a concept ends in a cue, across filler words only.

    "didn't faint" and "don't have any swelling" are negated; "don't know why my lips are
    swelling" is not, because "know" and "why" are not fillers. Lists carry the cue along:
    items of up to three words joined by "or" ("didn't pass out or feel dizzy"), and commas
    once "or" has been seen ("no fever, swelling or pus"), but a comma alone does not ("no
    idea, my throat is closing").
    """
    before = before[-200:]
    tokens = list(_TOKEN.finditer(before))[-20:]
    seen_joiner = False
    item_words = 0  # words of the current list item, when one is open
    for i in range(len(tokens), 0, -1):
        # Does the text up to and including token i-1 end in the cue?
        if cue.search(before, 0, tokens[i - 1].end()):
            return True
        word = tokens[i - 1].group()
        if word in joiners:
            seen_joiner, item_words = True, 3
        elif word == ",":
            if not seen_joiner:
                return False
            item_words = 3
        elif word in fillers:
            pass
        elif item_words > 0:
            item_words -= 1
        else:
            return False
    return False


def _embedded_if(before_if: str) -> bool:
    words = before_if.split()
    return bool(words) and words[-1] in _IF_EMBEDDED


# "Is it bad if blood is still flowing after an hour?": asking how bad something is that
# has gone on for half an hour or more is a report of now, not a condition. Not for the
# concepts everyday after-effects share ("mild"): lips still puffy hours later are normal,
# while bleeding for half an hour after a needle prick never is.
_ASKS_HOW_BAD = re.compile(
    r"\b(?:is (?:it|that|this)|would (?:it|that) be|should i (?:be )?worr\w*|do i need to worry) (?:\w+ ){0,2}$"
)
_ONGOING = re.compile(
    r"\bstill\b[^.!?]{0,60}?\b(?:after|for) (?:over |more than |about |around |nearly |almost |like )?"
    r"(?:an? hour|one hour|1 hour|half an hour|\d+ ?(?:hours?|hrs?)|[3-9][0-9] ?minutes|(?:thirty|forty|fifty|sixty) minutes)\b"
)


def _asks_about_now(
    text: str, clause_start: int, if_start: int, end: int, concept: _Concept
) -> bool:
    return bool(
        ("mild" not in concept.tags or concept.category == "heavy_bleeding")
        and _ASKS_HOW_BAD.search(text[clause_start:if_start])
        and _ONGOING.search(text, if_start, end)
    )


def _suppressed(message: _Message, concept: _Concept, start: int, end: int) -> bool:
    text = message.text
    # Idioms.
    if message.in_idiom(start, end):
        return True
    part_start, part_end = message.parts.around(start, end)
    clause_start, clause_end = message.clauses.around(start, end)
    part_before = text[part_start:start]
    clause = text[clause_start:clause_end]
    matched = text[start:end]

    # Negation scoping the concept. Concepts that carry their own negation ("can't
    # breathe", "won't stop bleeding") are not negated by what precedes them.
    if not _SELF_NEGATING.match(matched) and _scoped(part_before, _NEGATION, _NEG_FILLERS):
        return True

    # Past event or resolved episode, unless the clause also says it is happening now.
    part = text[part_start:part_end]
    sentence_start, sentence_end = message.sentences.around(start, end)
    now_text = message.present_view
    now_clause, now_part = now_text[clause_start:clause_end], now_text[part_start:part_end]
    if concept.kind == "crisis":
        # Self-harm: only a plainly past account, and never a hypothetical, silences it.
        if _CRISIS_RELAPSE.search(text, sentence_start, sentence_end):
            return False
        return bool(
            (_CRISIS_PAST.search(part) and not _PRESENT.search(part))
            or _CRISIS_RESOLVED.search(text, sentence_start, sentence_end)
        )
    if _PAST.search(clause) and not _PRESENT.search(now_clause):
        return True
    if _LONG_PAST.search(part) and not _PRESENT.search(now_part):
        return True
    resolved = _RESOLVED.search(text, end, sentence_end)
    if resolved and not _PRESENT.search(now_text, end, resolved.start()):
        return True

    # Hypothetical or general questions.
    # The last "if" before the concept in its clause, unless it means "whether" or asks
    # how bad something going on for a while is (then the question's own cue, "is it bad
    # if", does not count either).
    if_starts = [m.start() for m in _IF.finditer(text, clause_start, start)]
    asks_now = bool(if_starts) and _asks_about_now(
        text, clause_start, if_starts[-1], part_end, concept
    )
    # A cue opens before the concept; it may read on past it ("is a fever normal?").
    if any(
        h.start() < start and not (asks_now and clause_start <= h.start() < if_starts[-1] + 2)
        for h in _HYPOTHETICAL.finditer(text, part_start, part_end)
    ):
        return True
    if _HYPOTHETICAL_AFTER.search(text, end, part_end):
        return True
    if if_starts and not asks_now and not _embedded_if(text[clause_start : if_starts[-1]]):
        return True
    # "If X, do I call 999?": a part that opens with a condition and goes on to ask what to
    # do is hypothetical throughout.
    if _CONDITIONAL_QUESTION.match(text, part_start, part_end):
        return True
    modal = not _MAYBE_DONE.search(part_before) and _scoped(
        part_before, _MODAL, _MODAL_FILLERS, _AND_JOINERS
    )
    if modal or _scoped(part_before, _FEAR, _FEAR_FILLERS, _AND_JOINERS):
        return True
    if _HABITUAL.search(clause) and not _PRESENT.search(now_clause):
        return True

    tags = concept.tags
    if "mild" in tags and (
        _scoped(part_before, _MILD, _MILD_FILLERS)
        or _MILD_INSIDE.search(matched)
        or _MILD_AFTER.match(text, end)
    ):
        return True
    if _BENIGN_CAUSE.search(clause) and not _PRESENT.search(now_clause):
        return True
    if "colour" in tags and (_BRUISE.search(clause) or _TRANSIENT.search(clause)):
        return True
    if "cosmetic" in tags and message.cosmetic_question:
        return True
    return bool(
        "chronic" in tags
        and message.suitability
        and _HISTORY_FRAME.search(text, sentence_start, end)
        and not _PRESENT.search(now_clause)
    )


def assess(text: str) -> RedFlag | None:
    """The red flag a message raises, or None. A crisis wins over an emergency."""
    message = _Message(normalise(text))
    if not _ANY_CONCEPT.search(message.text):
        return None
    for concept in _CONCEPTS:
        # Only the first matches of a concept are weighed: a real message repeats one a few
        # times at most, and the cap keeps a hostile one from costing time.
        for m in islice(concept.regex.finditer(message.text), _MAX_MATCHES):
            if not _suppressed(message, concept, m.start(), m.end()):
                return RedFlag(concept.kind, concept.category, concept.pattern)
    return None


# A question that asks about the treatment in general rather than reporting a symptom.
_GENERAL_QUESTION = re.compile(
    r"^(?:and |so |also |ok |okay |hi |hello )?(?:will|would|could|can|should|does|do|is|are|how|what|when|why)\b"
    r"(?![^?]*\b(?:now|right now|at the moment|currently|still|won't stop|can't|getting worse)\b)[^.!]*\?\s*$"
)


# A negation anywhere: the classifier cannot tell what it scopes ("no swelling", "the
# bleeding isn't heavy"). "can't" and "won't" are left out (they describe symptoms), and
# so are hedges and negated symptoms ("not sure how many", "not breathing", "no way out").
_DENIAL = re.compile(
    r"\b(?:no|not|never|nor|neither|none|nothing|without|isn't|aren't|wasn't|weren't|haven't"
    r"|hasn't|hadn't|don't|doesn't|didn't)\b(?! (?:sure|know|knowing|idea|clue|able|breathing|"
    r"responding|waking|wake|moving|stopping|stop|slowing|going down|getting better|coming back|"
    r"making sense|enough|much longer|point|meaning|reason|way|future|one|exist\w*|be here|"
    r"be around|be alive|have to|want to (?:live|be|exist|wake|go on|carry on)|see (?:a|any|the|"
    r"myself)|feel (?:my|his|her)|pulse|response))"
)
# Denying self-harm: "not suicidal", "i've never hurt myself", "i don't want to die, i just".
_CRISIS_DENIAL = re.compile(
    r"\b(?:not|never|no|don't|do not|didn't|am not|i'm not|isn't|wouldn't)\b (?:\w+ ){0,3}?"
    r"(?:suicidal|depressed|hurt\w* myself|harm\w* myself|kill\w* myself|overdose|self harm\w*|"
    r"want to die|thoughts of)"
)


def calm_context(text: str, kind: str) -> bool:
    """Whether the message as a whole reads as history, a hypothetical, a general question
    a figure of speech or a denial (the matcher's own cues, looked for anywhere in it).

    The classifier (nlp/red_flag_model.py) weighs words, not where they stand; when it
    alone suspects an emergency in a message with such a cue, the patient is asked rather
    than alarmed. For self-harm ("crisis") only a past or resolved account and idioms
    count, never a hypothetical, as in `_suppressed`.
    """
    message = _Message(normalise(text))
    body = message.text
    if message.idiom_spans:
        return True
    present = _PRESENT.search(body) is not None
    if kind == "crisis":
        if _CRISIS_RELAPSE.search(body):
            return False
        return bool(
            _CRISIS_DENIAL.search(body)
            or (_CRISIS_PAST.search(body) and not present)
            or _CRISIS_RESOLVED.search(body)
        )
    if (_PAST.search(body) or _LONG_PAST.search(body) or _HABITUAL.search(body)) and not present:
        return True
    if _RESOLVED.search(body) and not present:
        return True
    return bool(
        _DENIAL.search(body)
        or _HYPOTHETICAL.search(body)
        or _HYPOTHETICAL_AFTER.search(body)
        or _CONDITIONAL_QUESTION.match(body)
        or _GENERAL_QUESTION.match(body)
    )


def matching_red_flag(text: str) -> str | None:
    """The pattern of the red flag the message raises, or None (kept for callers)."""
    flag = assess(text)
    return flag.pattern if flag else None


def is_red_flag(text: str) -> bool:
    """Whether the message describes an emergency or a self-harm crisis."""
    return assess(text) is not None


def is_crisis(text: str) -> bool:
    """Whether the message speaks of suicide or self-harm."""
    flag = assess(text)
    return flag is not None and flag.kind == "crisis"
