"""The red-flag safety net: patterns that catch emergencies, and not ordinary questions."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter

import pytest
import yaml

from nlp.red_flags import (
    CONCEPTS,
    RedFlag,
    assess,
    calm_context,
    is_crisis,
    is_red_flag,
    matching_red_flag,
    normalise,
)
from runtime.settings import ROOT

DATA = ROOT / "data" / "nlu.yml"
NLU_DEV = ROOT / "evaluation" / "nlu_dev.yml"
# Only the dev sets: the blind set is for a final, untouched measurement.
RED_FLAG_SETS = [
    ROOT / "evaluation" / "red_flags_dev.yml",
    ROOT / "evaluation" / "red_flags_extra_dev.yml",
    ROOT / "evaluation" / "red_flags_dev2.yml",
]
RED_FLAG_INTENTS = ("report_emergency", "report_self_harm")
# On unseen messages the budget is 5 %; each dev set, tuned on, must stay well inside it.
FALSE_ALARM_BUDGET = 0.05
DEV_SET_FALSE_ALARM_BUDGET = 0.03


def examples(path, intent):
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if block.get("intent") == intent:
            return [
                line[2:].strip()
                for line in block["examples"].splitlines()
                if line.strip().startswith("- ")
            ]
    return []


def intents(path):
    return [
        block["intent"]
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]
        if "intent" in block
    ]


def kind_of(text):
    flag = assess(text)
    return flag.kind if flag else "none"


@pytest.mark.parametrize(
    "message",
    [
        "My lips are swelling and I can't breathe",
        "my throat feels tight and it's hard to swallow",
        "I think I'm having a severe allergic reaction",
        "chest pain since the injections",
        "I fainted after my session",
        "fever and pus coming out of the injection spot",
        "the redness is spreading up my leg",
        "the skin near the injection is turning black",
        "the pain is unbearable",
        "i cant breath",
        "my face went white and numb where they injected",
    ],
)
def test_emergencies_are_caught(message):
    assert is_red_flag(message)


@pytest.mark.parametrize(
    "message",
    [
        "What is mesotherapy?",
        "Can I drink coffee before my session?",
        "Will I bruise?",
        "can people with infections have it?",
        "does it help with dark spots on my hands",
        "can I go to the sauna after",
        "How much does it cost?",
        "what should I avoid before the treatment",
        "is it ok if I have allergies",
    ],
)
def test_ordinary_questions_are_not_flagged(message):
    assert not is_red_flag(message)


def test_no_training_question_of_an_faq_intent_is_flagged():
    flagged = [
        text
        for intent in (
            "ask_what_is",
            "ask_areas",
            "ask_avoid_before",
            "ask_preparation",
            "ask_aftercare",
            "ask_bruising",
        )
        for text in examples(DATA, intent)
        if is_red_flag(text)
    ]
    assert flagged == []


# --- The dev sets, per category -------------------------------------------------------


def _set_messages(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


def _dev_messages():
    messages = []
    for path in RED_FLAG_SETS:
        messages += _set_messages(path)
    return messages


def test_dev_sets_recall_every_emergency_and_crisis_and_keep_false_alarms_low():
    _check_recall_and_false_alarms(_dev_messages(), FALSE_ALARM_BUDGET)


@pytest.mark.parametrize("path", RED_FLAG_SETS, ids=lambda path: path.name)
def test_each_dev_set_on_its_own(path):
    _check_recall_and_false_alarms(_set_messages(path), DEV_SET_FALSE_ALARM_BUDGET)


def _check_recall_and_false_alarms(messages, budget):
    totals, hits = Counter(), Counter()
    misses, false_alarms = [], []
    near_misses = 0
    for message in messages:
        expected, category = message["expected"], message["category"]
        got = kind_of(message["text"])
        totals[category] += 1
        if expected == "none":
            near_misses += 1
            if got == "none":
                hits[category] += 1
            else:
                false_alarms.append((category, message["text"]))
        elif got == expected:
            hits[category] += 1
        else:
            misses.append((category, expected, got, message["text"]))
    report = "\n".join(
        f"{category:26} {hits[category]}/{totals[category]}" for category in sorted(totals)
    )
    details = "\n".join(map(str, misses + false_alarms))
    assert not misses, f"missed emergencies or crises:\n{report}\n{details}"
    assert len(false_alarms) <= budget * near_misses, (
        f"{len(false_alarms)} false alarms in {near_misses} near-misses:\n{report}\n{details}"
    )


def test_every_dev_category_is_covered_by_the_extra_set_too():
    extra = yaml.safe_load(RED_FLAG_SETS[1].read_text(encoding="utf-8"))["messages"]
    main = yaml.safe_load(RED_FLAG_SETS[0].read_text(encoding="utf-8"))["messages"]
    assert {m["category"] for m in main} <= {m["category"] for m in extra}
    assert len(extra) >= 150


# --- NLU data ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [DATA, NLU_DEV], ids=["nlu", "nlu_dev"])
def test_every_report_emergency_example_is_a_red_flag(path):
    assert [t for t in examples(path, "report_emergency") if not is_red_flag(t)] == []


@pytest.mark.parametrize("path", [DATA, NLU_DEV], ids=["nlu", "nlu_dev"])
def test_every_report_self_harm_example_is_a_crisis(path):
    assert [t for t in examples(path, "report_self_harm") if not is_crisis(t)] == []


def test_no_other_example_of_the_nlu_dev_set_is_a_red_flag():
    flagged = [
        (intent, text)
        for intent in intents(NLU_DEV)
        if intent not in RED_FLAG_INTENTS
        for text in examples(NLU_DEV, intent)
        if is_red_flag(text)
    ]
    assert flagged == []


# --- Normalisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("can\u200bt breathe", "can't breathe"),  # zero-width space
        ("can\u200ct breathe", "can't breathe"),  # zero-width non-joiner
        ("\ufeffhelp", "help"),  # byte-order mark
        ("my \u202ethroat\u202c is closing", "my throat is closing"),  # bidi override
        ("my \u2066lips\u2069 are swelling", "my lips are swelling"),  # bidi isolates
        ("bleed\u00ading", "bleeding"),  # soft hyphen
        ("ｍｙ ｔｈｒｏａｔ", "my throat"),  # full-width letters (NFKC)
        ("I can\u2019t breathe", "i can't breathe"),  # curly apostrophe
        ("I can\u2018t breathe", "i can't breathe"),
        ("I can`t breathe", "i can't breathe"),
        ("  MY   Lips\tARE\nswelling  ", "my lips are . swelling"),  # case, spaces, lines
        ("helppp pleeease", "help please"),  # letters repeated for emphasis
        ("cant breathe pls help", "can't breathe please help"),  # txt forms
        ("im scared u r not answering", "i'm scared you are not answering"),
        ("light-headed", "light headed"),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "message",
    [
        "can\u200bt breathe",
        "my thro\u200bat is clo\u2060sing",
        "ｍｙ ｔｈｒｏａｔ ｉｓ ｃｌｏｓｉｎｇ",
        "I can\u2019t breathe",
        "\u202eI took too many pills",
        "CANT BREATH!!!",
        "bleeding wont stop",
    ],
)
def test_tricks_of_typing_do_not_hide_an_emergency(message):
    assert is_red_flag(message)


# --- Emergency and crisis ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kind", "category"),
    [
        ("my throat is closing up", "emergency", "airway_anaphylaxis"),
        ("i have a fever and pus is coming out of the spots", "emergency", "infection_sepsis"),
        (
            "the skin has gone white and cold where they injected",
            "emergency",
            "vascular_occlusion",
        ),
        ("my husband collapsed", "emergency", "fainting_collapse"),
        ("the bleeding won't stop", "emergency", "heavy_bleeding"),
        ("her face is drooping and her speech is slurred", "emergency", "stroke_signs"),
        ("crushing chest pain", "emergency", "chest_pain_palpitations"),
        ("i took too many painkillers", "emergency", "overdose"),
        ("i want to kill myself", "crisis", "self_harm"),
        ("i don't want to live anymore", "crisis", "self_harm"),
    ],
)
def test_kind_and_category(message, kind, category):
    flag = assess(message)
    assert flag is not None
    assert (flag.kind, flag.category) == (kind, category)


def test_crisis_wins_over_emergency():
    message = "i took all my pills on purpose and now i can't breathe"
    assert is_red_flag(message) and is_crisis(message)
    assert assess(message).kind == "crisis"


@pytest.mark.parametrize(
    "message",
    [
        "i don't want to be here anymore",  # passive ideation
        "tired of existing tbh",
        "everyone would be better off if i just disappeared",
        "kinda wish a car would hit me",
        "no reason to carry on",
        "i want to finish my life",
        "relapsed on sh last night",  # self-injury slang and methods
        "i keep burning myself with cigarettes",
        "i keep slicing my skin with a razor",
        "been thinking about unaliving myself",
        "ive thought about exactly how id do it",  # plans
        "going to drink bleach",
        "if my face stays like this ill top myself",
    ],
)
def test_self_harm_families_are_crises(message):
    assert is_crisis(message)


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("it won't clot, been pressing for 20 min", "heavy_bleeding"),
        ("bleeding and bleeding, cant get it to stop", "heavy_bleeding"),
        ("lump filling up with blood under my skin and growing fast", "heavy_bleeding"),
        ("blotchy purplish marbled skin on my temple", "vascular_occlusion"),
        ("cold numb patch on my nose, colour is weird kind of purple-grey", "vascular_occlusion"),
        ("a reticulated pattern like fishnet tights on my cheek", "vascular_occlusion"),
        ("i fell down and not remember anything", "fainting_collapse"),
        ("cant stop swaying and nearly falling, very weak", "fainting_collapse"),
        ("found my mum on the kitchen floor", "fainting_collapse"),
        ("lost count of how many painkillers i've had today", "overdose"),
        ("my toddler drank some bleach", "overdose"),
        ("dad is clutching his chest", "chest_pain_palpitations"),
    ],
)
def test_widened_emergency_families(message, category):
    flag = assess(message)
    assert flag is not None and (flag.kind, flag.category) == ("emergency", category)


@pytest.mark.parametrize(
    "message",
    [
        "i feel like i could sleep forever after that facial lol",
        "i just want the bruises to disappear forever",
        "i'm not suicidal, just nervous about the results",
        "used to self harm years ago, is meso ok for scars?",
        "i've been clean from self harm for three years, can meso help with my scars",
        "i burned myself with hair straighteners yesterday, can i still come",
        "i want to take my life back after the divorce",
        "no point carrying on with sessions if nothing changes, right?",
        "there's no way out of paying the deposit is there?",
        "lost count of how many sessions i've had lol",
        "my phone keeps blacking out, can i call instead",
        "i take all my meds at once in the morning, is that ok before meso?",
        "neither me nor my daughter had any reaction",
        "what if it won't clot because i'm on warfarin",
        "i have a clotting disorder so i bleed and bleed from small cuts, can i have meso?",
    ],
)
def test_widened_families_keep_their_near_misses_quiet(message):
    assert not is_red_flag(message)


def test_a_relapse_is_a_crisis_even_after_years_clean():
    assert is_crisis("relapsed with self harm after 2 years clean")
    assert not is_red_flag("clean from self harm for 2 years, will meso help the scars?")


def test_hypothetical_never_silences_self_harm():
    assert is_crisis("if this treatment doesn't work i'll end my life")
    assert is_crisis("what if i just ended it all, nobody would care")


def test_emergency_is_not_crisis():
    assert is_red_flag("my lips are swelling") and not is_crisis("my lips are swelling")


def test_public_api_shapes():
    flag = assess("chest pain")
    assert isinstance(flag, RedFlag)
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.kind = "crisis"  # type: ignore[misc]
    assert matching_red_flag("chest pain") == flag.pattern
    assert any(flag.pattern in patterns for patterns in CONCEPTS.values())
    assert assess("How much does it cost?") is None
    assert matching_red_flag("How much does it cost?") is None
    assert assess("") is None and not is_red_flag("") and not is_crisis("")


# --- Cues -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "no fever, no pus, just a bit of redness",  # negation
        "i didn't faint or feel dizzy, just tired",
        "i fainted once when i was 15, will i be ok",  # past
        "had a heart attack 5 years ago, stable now, can i book",
        "what if i faint during the injections",  # hypothetical
        "can mesotherapy cause blindness?",
        "im terrified ill faint from the needles",
        "im dying to try it",  # idiom
        "i nearly fainted when i saw the price",
        "my lips are a bit puffy, normal?",  # softened after-effect
        "i get palpitations sometimes, can i still have it?",  # medical history
    ],
)
def test_cues_silence_near_misses(message):
    assert not is_red_flag(message)


@pytest.mark.parametrize(
    "message",
    [
        "what do i do?? my throat is closing",
        "will i be ok? i took too many painkillers",
        "i had meso 2 months ago and now my thigh is hot red and swollen with a fever",
        "no idea what's happening, my throat is closing",
        "i'm not sure but i think i'm having an allergic reaction",
        "had the injections this morning, now i can't see out of my left eye",
        "is that normal?? my nose went white and it really hurts",
    ],
)
def test_cues_never_silence_a_present_emergency_elsewhere(message):
    assert is_red_flag(message)


# --- Performance ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "please help me with my booking " * 650,
        "what if i am " + "bleeding a lot and " * 1050,
        "no fever or " * 1800,
        "if fever and " * 1500,
        "skin " * 4000,
        "not " * 5000,
        "'s " * 6000,
        ", " * 10000,
        "a" * 20000,
        "i nearly fainted when i saw the price and " * 480,
    ],
    ids=lambda m: m[:20],
)
def test_a_huge_message_is_matched_quickly(message):
    # Catastrophic backtracking would take minutes; an idle machine needs about 0.05 s.
    assert len(message) >= 18000
    started = time.perf_counter()
    assess(message)
    assert time.perf_counter() - started < 1.5


def test_typical_messages_are_matched_in_well_under_a_millisecond():
    messages = [m["text"] for m in _dev_messages()]
    best = min(
        timing
        for timing in (_time_all(messages) for _ in range(3))  # the least disturbed run
    )
    # A guard against gross slowdowns, generous for a busy CI machine: on an idle one a
    # message takes a few tenths of a millisecond, most of them (no concept) far less.
    assert best / len(messages) < 0.003


def _time_all(messages):
    started = time.perf_counter()
    for message in messages:
        assess(message)
    return time.perf_counter() - started


@pytest.mark.parametrize(
    "message",
    [
        "i've been setting aside some of my painkillers for weeks",
        "i've put my affairs in order and given away my things",
        "what's the least painful way to die",
        "there's a rope tied to the banister upstairs",
        "my brother messaged me to say goodbye",
        "i won't be around next year anyway",
        "i want to shut my eyes and not wake up again",
        "what's the easiest way to end your own life",
        "could the numbing cream be used to take your own life",
        "been googling how tall the multi storey car park is",
        "searched how much of my sertraline would kill me",
        "i daydream about my own funeral",
        "not existing would be such a relief",
        "it would be simpler for me to just not exist",
        "this is my final goodbye to everyone",
        "left notes for my parents saying sorry",
        "i stood on the bridge last night wanting to let go",
        "i need the voices to stop for good",
        "all my sleeping pills are lined up on the table",
    ],
)
def test_warning_signs_of_suicide_are_a_crisis(message):
    flag = assess(message)
    assert flag is not None and flag.kind == "crisis"


@pytest.mark.parametrize(
    "message",
    [
        "my bank card is going to have a heart attack after this",
        "i'd rather die than post a photo of my chin lol",
        "is an allergic reaction to the vitamins possible?",
        "honestly i could collapse into bed after this week, any evening slots?",
        "i od'd on netflix all weekend haha, anyway how long is recovery",
        "my jaw dropped to the floor at the reviews",
        "had a seizure as a teenager and i'm on lamotrigine now, can i have meso?",
        "lips swelled after my dentist visit, it was sorted with an antihistamine",
        "what could a bad reaction to the vitamins do to me?",
        "if it's still bleeding after an hour, who do i call?",
        "is it bad if the spot is still a bit pink after an hour?",
        "i'm used to needles, i had b12 jabs for years",
    ],
)
def test_more_idioms_and_general_questions_are_not_flagged(message):
    assert assess(message) is None


@pytest.mark.parametrize(
    ("message", "kind", "calm"),
    [
        ("what if my lips swell after?", "emergency", True),
        ("years ago my lips swelled after fillers", "emergency", True),
        ("no swelling at all, just pink", "emergency", True),
        ("my lips are swelling right now", "emergency", False),
        ("i'm not suicidal, just low", "crisis", True),
        ("if this fails i don't want to be here", "crisis", False),
        ("i used to self harm but it's started again", "crisis", False),
    ],
)
def test_calm_context_reads_the_whole_message(message, kind, calm):
    assert calm_context(message, kind) is calm


@pytest.mark.parametrize(
    ("message", "flagged"),
    [
        ("i might have overdosed on my sleeping tablets", True),
        ("my son may have swallowed some of my pills", True),
        ("i might faint during it", False),
        ("i could have fainted when i saw the price", False),
    ],
)
def test_might_have_done_is_no_hypothetical(message, flagged):
    assert (assess(message) is not None) is flagged


@pytest.mark.parametrize(
    "message",
    [
        "is it bad if the needle mark is still bleeding after an hour?",
        "should i worry if blood is still coming out after 45 minutes",
        "a lacy purple mark has come up on my cheek where she injected",
    ],
)
def test_asking_how_bad_an_ongoing_bleed_is_reports_it(message):
    flag = assess(message)
    assert flag is not None and flag.kind == "emergency"
