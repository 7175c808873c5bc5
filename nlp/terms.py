"""The assistant's domain vocabulary, in one place.

Everything else derives from these tables: the spaCy entity ruler (nlp/build_pipeline.py),
Rasa's synonyms (data/synonyms.yml, generated), the answer table the actions use
(actions/answers.py) and the red-flag safety net (nlp/red_flags.py).

Canonical values are the article's own words, so an answer can always be traced
back to the sentence that mentions them.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

# Section ids, keyed by the article's own question headings. Start-up fails if the
# article loses one of these headings or gains one that is not listed here.
SECTION_HEADINGS: Dict[str, str] = {
    "what_is": "What is Mesotherapy?",
    "areas": "What areas does Mesotherapy treat?",
    "how_it_works": "How does it work?",
    "suitability": "Is Mesotherapy for everyone?",
    "avoid_before": "What should I avoid before the treatment?",
    "preparation": "How do I prepare for a Mesotherapy session?",
    "aftercare": "What is the post-treatment instruction?",
}

# Short titles for buttons ("Show the whole ... section", "Did you mean ...?").
SECTION_TITLES: Dict[str, str] = {
    "what_is": "What mesotherapy is",
    "areas": "Areas it treats",
    "how_it_works": "How it works",
    "suitability": "Who it is (not) for",
    "avoid_before": "What to avoid before",
    "preparation": "How to prepare",
    "aftercare": "Aftercare",
}

# Entity labels produced by the project's spaCy entity ruler.
BODY_AREA = "body_area"
SUBSTANCE = "substance"
CONDITION = "condition"
ACTIVITY = "activity"
MECHANISM = "mechanism"
TIMING = "timing"
# Carried only by button payloads (/show_section{"section": "aftercare"}).
SECTION = "section"

RULER_LABELS: Tuple[str, ...] = (BODY_AREA, SUBSTANCE, CONDITION, ACTIVITY, MECHANISM, TIMING)

# label -> canonical value -> the ways patients say it (lower case; the canonical
# value itself is always matched too). Multi-word entries are matched token by token.
VOCABULARY: Dict[str, Dict[str, List[str]]] = {
    BODY_AREA: {
        "face": ["facial", "cheeks", "cheek", "forehead", "under eyes", "under my eyes",
                 "eyes", "chin", "jawline", "jaw"],
        "neck and décolletage": ["neck", "décolletage", "decolletage", "decollete", "décolleté",
                                 "cleavage", "neckline", "chest area"],
        "body": ["body contouring", "whole body"],
        "abdomen": ["belly", "stomach", "tummy", "abs", "tum", "muffin top"],
        "thighs": ["thigh", "inner thighs", "legs", "leg"],
        "hips": ["hip"],
        "buttocks": ["buttock", "bum", "butt", "booty", "glutes", "backside"],
        "arms": ["arm", "upper arms", "bingo wings", "bat wings"],
        "love handles": ["love handle", "flanks", "sides", "waist"],
        "double chin": ["under my chin"],
        "hands": ["hand", "back of my hands", "backs of my hands", "fingers"],
        "scalp": ["hair", "head", "hairline"],
    },
    SUBSTANCE: {
        "Gingko Biloba": ["gingko", "ginkgo", "ginko", "ginkgo biloba", "ginko biloba"],
        "Willow Bark": ["willow"],
        "caffeine": ["coffee", "espresso", "latte", "cappuccino", "americano", "coffe", "cofee",
                     "tea", "green tea", "energy drink", "energy drinks", "red bull", "cola",
                     "coke", "pre-workout", "caffine", "caffiene"],
        "Vitamin E": ["vit e", "vitamin e supplements", "vitamin e oil"],
        "Aspirin": ["disprin", "baby aspirin"],
        "anti-inflammatory drugs": ["ibuprofen", "advil", "motrin", "nurofen", "naproxen", "aleve",
                                    "anti-inflammatory", "anti-inflammatories", "antiinflammatory",
                                    "anti inflammatory", "anti inflammatories", "nsaid", "nsaids",
                                    "diclofenac", "voltaren", "celebrex"],
        "prescription stimulants": ["stimulant", "stimulants", "adderall", "ritalin", "vyvanse",
                                    "concerta", "dexedrine", "adhd meds", "adhd medication",
                                    "adhd medicine"],
        "Medrol": ["medrol dose pack", "medrol pack", "methylprednisolone", "steroid pack",
                   "steroids", "dose pack"],
        "Arnica": ["arnica cream", "arnica gel"],
        "Lasix": ["furosemide", "water pill", "water pills", "diuretic", "diuretics"],
        "antibacterial soap": ["soap", "antibacterial wash", "antiseptic soap", "cleanser",
                               "face wash"],
        "lotions and creams": ["lotion", "lotions", "cream", "creams", "moisturizer", "moisturiser",
                               "moisturizers", "moisturisers", "bath oil", "bath oils",
                               "body oil", "spray", "sprays", "serum", "serums", "skincare",
                               "skin care", "retinol", "body lotion"],
        "water": ["drink water", "fluids", "hydration", "hydrate", "gallon", "glasses of water"],
        "protein": ["protein bar", "protein shake", "meal", "breakfast", "lunch", "food",
                    "eat", "snack"],
        "sunscreen": ["spf", "sunblock", "sun cream", "suncream", "spf 30"],
        "hyaluronic acid": ["hyaluronic"],
        "vitamins": ["vitamin", "minerals", "amino acids", "enzymes", "plant extracts",
                     "ingredients", "cocktail", "substances"],
        "insulin": ["metformin", "ozempic"],
        "blood thinners": ["blood thinner", "warfarin", "coumadin", "eliquis", "apixaban",
                           "xarelto", "rivaroxaban", "clopidogrel", "plavix", "heparin"],
    },
    CONDITION: {
        "pregnancy": ["pregnant", "expecting", "trying to conceive", "ttc"],
        "breastfeeding": ["breast feeding", "breast-feeding", "nursing",
                          "lactating", "pumping"],
        "allergies": ["allergy", "allergic", "sensitivities", "sensitive skin",
                      "reaction to injections"],
        "diabetes": ["diabetic", "type 1", "type 2", "blood sugar"],
        "obesity": ["obese", "overweight", "bmi"],
        "autoimmune diseases": ["autoimmune", "autoimmune disease", "lupus",
                                "rheumatoid arthritis", "hashimoto's", "hashimotos",
                                "psoriasis", "crohn's", "crohns", "multiple sclerosis"],
        "infections": ["infection", "cold sore", "cold sores", "herpes", "flu"],
        "medical conditions": ["medical condition", "health condition", "health conditions",
                               "medical history", "heart condition", "high blood pressure",
                               "medication", "medications", "meds", "tablets", "pills"],
        "hair loss": ["alopecia", "balding", "bald", "thinning hair", "hair thinning",
                      "losing hair", "losing my hair", "hair growth", "receding hairline",
                      "bald spots"],
        "cellulite": ["orange peel", "dimples", "dimpling"],
        "wrinkles": ["wrinkle", "fine lines", "lines", "crow's feet", "aging", "ageing",
                     "anti-aging", "anti-ageing", "signs of aging"],
        "sagging skin": ["sagging", "saggy", "loose skin", "crepey skin", "droopy", "firmness"],
        "fat": ["fat deposits", "stubborn fat", "fat cells", "localized fat",
                "localised fat", "fat loss", "weight loss", "lose weight", "slimming"],
        "age spots": ["age spot", "sun spots", "sunspots", "liver spots", "pigmentation",
                      "dark spots"],
        "bruising": ["bruise", "bruises", "bruised", "bruize"],
        "skin texture": ["texture", "dull skin", "rejuvenation", "rejuvenate", "glow",
                         "skin quality", "complexion"],
    },
    ACTIVITY: {
        "showers": ["shower", "showering", "wash my hair", "wash my face"],
        "hot baths": ["bath", "baths", "bathe", "bathing", "hot bath"],
        "hot tubs": ["hot tub", "jacuzzi", "spa bath"],
        "saunas": ["sauna", "steam room", "steam bath"],
        "exercise": ["exercising", "gym", "workout", "work out", "working out",
                     "training", "running", "jog", "jogging", "sport", "sports",
                     "yoga", "swim", "swimming", "cardio", "lifting"],
        "sunbathing": ["sunbathe", "tanning", "tan", "sunbed", "sunbeds",
                       "sun", "sunshine", "beach"],
        "return to work": ["back to work", "go back to work", "going back to work", "job", "office",
                           "downtime", "time off", "day off"],
        "loose-fitting clothes": ["clothes", "clothing", "tight clothes", "leggings", "jeans",
                                  "spanx", "shapewear"],
        "needle": ["needles", "injection", "injections", "shots", "jabs"],
    },
    MECHANISM: {
        "localized effect": ["localized", "localised", "directly", "target area", "targeted"],
        "circulation": ["blood circulation", "lymphatic drainage", "lymphatic", "drainage",
                        "toxins", "puffiness", "fluid retention"],
        "collagen": ["elastin", "collagen production"],
        "lipolysis": ["fat burning", "break down fat", "breaks down fat", "dissolve fat",
                      "melt fat", "fat dissolving"],
    },
    TIMING: {
        "before": ["b4", "beforehand", "prior to", "ahead of", "pre-treatment", "pre treatment",
                   "the day of", "morning of", "day before"],
        "after": ["afterwards", "afterward", "post-treatment", "post treatment", "aftercare",
                  "after care", "following", "recovery", "day after", "week after"],
    },
}

# canonical value -> the article passages that answer it, in order of preference.
# When the question's intent names a section, the candidate in that section wins;
# passage ids come from actions/knowledge.py (section id + bullet label or position).
TOPIC_PASSAGES: Dict[str, List[str]] = {
    # body areas
    "face": ["areas.face"],
    "neck and décolletage": ["areas.neck_and_decolletage"],
    "body": ["areas.body"],
    "abdomen": ["areas.body"],
    "thighs": ["areas.body"],
    "hips": ["areas.body"],
    "buttocks": ["areas.body"],
    "arms": ["areas.body"],
    "love handles": ["areas.body"],
    "double chin": ["areas.body"],
    "hands": ["areas.hands"],
    "scalp": ["what_is.p3"],
    # substances
    "Gingko Biloba": ["avoid_before.item1"],
    "Willow Bark": ["avoid_before.item1"],
    "caffeine": ["avoid_before.item2"],
    "Vitamin E": ["avoid_before.item3"],
    "Aspirin": ["avoid_before.item3"],
    "anti-inflammatory drugs": ["avoid_before.item3"],
    "prescription stimulants": ["avoid_before.item4"],
    "Medrol": ["preparation.item1", "aftercare.item4"],
    "antibacterial soap": ["preparation.item1"],
    "lotions and creams": ["preparation.item2", "aftercare.item2"],
    "Arnica": ["preparation.item3"],
    "protein": ["preparation.item3"],
    "water": ["aftercare.item1"],
    "sunscreen": ["aftercare.item4"],
    "Lasix": ["aftercare.item4"],
    "hyaluronic acid": ["what_is.p2", "how_it_works.p1"],
    "vitamins": ["what_is.p2", "how_it_works.p1"],
    "insulin": ["suitability.note1"],
    "blood thinners": ["suitability.overall_health"],
    # conditions
    "pregnancy": ["suitability.pregnancy_and_breastfeeding"],
    "breastfeeding": ["suitability.pregnancy_and_breastfeeding"],
    "allergies": ["suitability.allergies_and_sensitivities"],
    "diabetes": ["suitability.note1"],
    "obesity": ["suitability.note1"],
    "autoimmune diseases": ["suitability.note1"],
    "infections": ["suitability.note1"],
    "medical conditions": ["suitability.overall_health"],
    "hair loss": ["what_is.p3"],
    "cellulite": ["what_is.p3", "areas.body"],
    "wrinkles": ["areas.face", "what_is.p3"],
    "sagging skin": ["areas.face", "areas.neck_and_decolletage"],
    "fat": ["how_it_works.lipolysis_and_fat_reduction", "areas.body"],
    "age spots": ["areas.hands"],
    "bruising": ["aftercare.item3"],
    "skin texture": ["what_is.p2", "areas.face"],
    # activities
    "showers": ["aftercare.item1"],
    "hot baths": ["aftercare.item1"],
    "hot tubs": ["aftercare.item2"],
    "saunas": ["aftercare.item2"],
    "exercise": ["aftercare.item2"],
    "sunbathing": ["aftercare.item4"],
    "return to work": ["aftercare.p1"],
    "loose-fitting clothes": ["aftercare.item3"],
    "needle": ["what_is.p1"],
    # how it works
    "localized effect": ["how_it_works.localized_effect"],
    "circulation": ["how_it_works.improved_circulation_and_lymphatic_drainage"],
    "collagen": ["how_it_works.stimulation_of_collagen_and_elastin_production", "areas.face"],
    "lipolysis": ["how_it_works.lipolysis_and_fat_reduction"],
}

# A bare "and before?" / "and after?" follow-up moves to these sections.
TIMING_SECTIONS: Dict[str, str] = {"before": "avoid_before", "after": "aftercare"}

# Red flags: descriptions of an emergency. The NLU classifier has a report_emergency
# intent; these patterns are the safety net beside it, because a missed emergency
# costs far more than a needless "call emergency services" (regular expressions,
# matched case-insensitively against the raw message).
RED_FLAG_PATTERNS: List[str] = [
    # breathing
    r"\b(can'?t|cant|cannot|can not|couldn'?t|unable to|hard to|struggl\w* to|trouble|difficult\w*|problems?)\s+(\w+\s+){0,2}(breath|breathe|breathing)\b",
    r"\b(short(ness)? of breath|breathless|gasping|wheez\w*|chok\w*|suffocat\w*)",
    r"\b(breath|breathing)\s+(\w+\s+){0,2}(hard|difficult|tight|stopped|weird|fast|shallow|noisy)",
    r"\b(can'?t|cannot|can not|unable to|hard to|barely|struggl\w* to|trouble|difficult\w*)\s+(\w+\s+)?(swallow\w*|talk|speak)",
    r"\b(lips?|tongue|throat|face|mouth)\b(\s+\w+){0,3}\s+(blew|blown|blowing) up",
    # swelling of the airway
    r"\b(throat|lips?|tongue|mouth|airway)\b(\s+\w+){0,4}\s+(is|are|getting|got|feels?|feeling|started|starting)?\s*(\w+\s+)?(swell\w*|swollen|puff\w*|closing|tight\w*|thick\w*|huge)",
    r"\b(swell\w*|swollen|puff\w*|closing|tight\w*)\s+(\w+\s+){0,4}(throat|lips?|tongue|mouth|airway)\b",
    # severe allergic reaction
    r"\banaphyla\w*",
    r"\b(severe|serious|bad|major|massive|strong|huge)\s+(allergic|allergy)|\b(severe|serious|major|massive)\s+reaction",
    r"\ballergic reaction\b",
    r"\b(hives|rash)\s+(\w+\s+){0,3}(all over|everywhere|spreading|whole body)",
    r"\bepi-?pen\b",
    # chest
    r"\bchest\s+(\w+\s+){0,2}(pain|hurts?|hurting|tight\w*|pressure|ache|aching|crushing|heavy)",
    r"\b(pain|pressure|tightness|ache)\s+(\w+\s+){0,2}(in|on|across)\s+(my|the)\s+chest",
    r"\bheart\s+(attack|is racing|racing|pounding|palpitations?)|\bpalpitations?\b",
    # consciousness
    r"\b(faint\w*|passed out|pass(ing)? out|blacked out|black(ing)? out|collaps\w*|unconscious|unresponsive|seizure|fitting|convuls\w*)",
    r"\b(confus\w*|disoriented|can'?t think straight|slurr\w*)",
    r"\b(feel\w*|am|i'?m|getting)\s+(\w+\s+)?dizzy|\b(very|really|extremely|so)\s+dizzy|\bdizzy\s+and\b|\bdizziness\b",
    # infection
    r"\bfever\b|\bhigh temperature\b|\bfeverish\b|\bchills\b",
    r"\bpus\b|\booz\w*|\bdischarg\w*|\bweeping\b",
    r"\b(redness|red)\s+(\w+\s+){0,5}(spread\w*|growing|getting bigger|streak\w*)",
    r"\b(spread\w*|growing)\s+(\w+\s+){0,2}(redness|red)\b|\bred streaks?\b",
    r"\b(looks?|looking|is|seems?|got|gotten|getting|became|become)\s+(\w+\s+)?infected\b",
    r"\b(hot|warm)\s+(\w+\s+){0,2}(swollen|red)\b.*\b(injection|treated|treatment)",
    # circulation: skin turning dark, blanching or mottled near an injection
    r"\b(turn\w*|going|gone|went|became|become|looks?|looking)\s+(\w+\s+)?(dark|black|blue|purple|grey|gray|white|pale|mottled|dusky)\b",
    r"\b(black|dark|blue|purple|grey|gray|white|mottled|dusky)\s+(\w+\s+){0,2}(skin|patch\w*|area)\b.{0,40}\b(inject\w*|treat\w*|needle|jab|shot|spot)",
    r"\b(is|are)\s+(now\s+|all\s+|completely\s+)?(black|blue|purple|grey|gray|mottled|dusky)\b",
    r"\bnecros\w*|\bdying skin|\bskin (is )?dying\b",
    # pain and vision
    r"\b(severe|excruciating|unbearable|terrible|extreme|worst|agoni\w*|intense|horrible|crippling)\s+(\w+\s+)?(pain|ache|burning|headache)",
    r"\b(10|ten)\s*(/|out of)\s*(10|ten)\b",
    r"\bpain\s+(\w+\s+){0,3}(unbearable|getting worse|worse and worse|excruciating|severe)",
    r"\b(lost|losing|loss of)\s+(\w+\s+)?(sight|vision)\b|\bseeing double\b",
    r"\b(can'?t see|blurr\w* vision|vision (loss|is blurry|went)|lost (my )?vision|blind\w*|double vision)",
    r"\b(emergency|ambulance|911|999|112|dying|going to die)\b",
]

# FAQ intents answered by a whole section unless the question names a topic.
INTENT_SECTIONS: Dict[str, str] = {
    "ask_what_is": "what_is",
    "ask_areas": "areas",
    "ask_how_it_works": "how_it_works",
    "ask_suitability": "suitability",
    "ask_avoid_before": "avoid_before",
    "ask_preparation": "preparation",
    "ask_aftercare": "aftercare",
}

# Finer FAQ intents answered by specific passages.
INTENT_PASSAGES: Dict[str, List[str]] = {
    "ask_pregnancy": ["suitability.pregnancy_and_breastfeeding"],
    "ask_bruising": ["aftercare.item3"],
    "ask_hair_loss": ["what_is.p3"],
    "ask_return_to_work": ["aftercare.p1"],
}

# Instructions tied to a moment: advice for one moment must never answer a question
# about another ("coffee after?" must not get the "before" bullet as if it applied).
# A question classified under a section may borrow a passage from another section
# only when neither is timed (hair loss is in "what it is", asked as "what it treats").
TIMED_SECTIONS = frozenset({"avoid_before", "preparation", "aftercare"})

# Personal medical questions without a more specific topic get this passage, which
# tells the patient to disclose their history to the professional treating them.
PERSONAL_MEDICAL_PASSAGE = "suitability.overall_health"

# Intents offered as "Did you mean ...?" buttons, with the question shown on the button.
INTENT_QUESTIONS: Dict[str, str] = {
    "ask_what_is": "What is mesotherapy?",
    "ask_areas": "What areas does it treat?",
    "ask_how_it_works": "How does it work?",
    "ask_suitability": "Is it for everyone?",
    "ask_avoid_before": "What should I avoid before?",
    "ask_preparation": "How do I prepare?",
    "ask_aftercare": "What should I do after?",
    "ask_pregnancy": "Can I have it while pregnant or breastfeeding?",
    "ask_bruising": "Will I bruise?",
    "ask_hair_loss": "Does it help hair loss?",
    "ask_return_to_work": "Can I go back to work after?",
    "ask_contact": "How do I contact the clinic?",
}

_CANONICAL = {
    variant.lower(): canonical
    for values in VOCABULARY.values()
    for canonical, variants in values.items()
    for variant in [canonical, *variants]
}


def canonical_value(value: str) -> str:
    """The article's word for any way of saying it; unknown values pass through."""
    return _CANONICAL.get(value.strip().lower(), value)
