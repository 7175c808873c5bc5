"""The benchmark's profile puts each py-spy sample in the phase of Rasa's turn it was in
(bench/profile.py); a wrong phase would send the next engineer after the wrong cost."""

from bench.profile import OUTSIDE_A_TURN, summarise

TURN = (
    "<module> (rasa:8);serve (sanic/server/runners.py:155);"
    "handler (rasa/core/channels/channel.py:89);handle_message (rasa/core/processor.py:157)"
)
NLU = (
    "log_message (rasa/core/processor.py:466);parse_message (rasa/core/processor.py:724);"
    "run (rasa/engine/runner/dask.py:101);get_sync (dask/local.py:557);"
    "quick_execute (tensorflow/python/eager/execute.py:52)"
)
# The project's tracker store (runtime/rasa_compat.py) runs under Rasa's get_tracker.
LOAD = (
    "log_message (rasa/core/processor.py:460);get_tracker (rasa/core/processor.py:391);"
    "_retrieve (runtime/rasa_compat.py:70);execute (sqlalchemy/engine/base.py:1)"
)
SAVE = "save_tracker (rasa/core/processor.py:1095);do_commit (sqlalchemy/engine/default.py:686)"
ACTION = (
    "_run_prediction_loop (rasa/core/processor.py:1);_run_action (rasa/core/processor.py:2);"
    "run (rasa/core/actions/action.py:3)"
)
COLLAPSED = "\n".join(
    [
        f"{TURN};{NLU} 6",
        f"{TURN};{LOAD} 3",
        f"{TURN};{SAVE} 2",
        f"{TURN};{ACTION} 1",
        "<module> (rasa:8);serve (sanic/server/runners.py:155) 4",
        "not a stack line",
    ]
)


def test_samples_are_counted_in_the_phase_of_the_turn_they_were_in():
    profile = summarise(COLLAPSED)
    assert profile.samples == 16
    assert dict(profile.phases) == {
        "NLU (spaCy, featurizers, DIET)": 6,
        "loading the conversation (tracker store)": 3,
        "saving the conversation (tracker store)": 2,
        "running actions (action server call, replies)": 1,
        OUTSIDE_A_TURN: 4,
    }
    assert dict(profile.libraries) == {
        "TensorFlow": 6,
        "SQLAlchemy": 5,
        "dask (Rasa's graph runner)": 6,
    }
    assert profile.hottest[0] == ("quick_execute (tensorflow/python/eager/execute.py)", 6)


def test_time_per_message_comes_from_the_sampling_rate():
    profile = summarise(COLLAPSED)
    profile.messages = 4
    assert profile.ms_per_message(16) == 40.0  # 16 samples at 100 per second over 4 messages
