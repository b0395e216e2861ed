"""Session 2's round explorer and session 8's unlock explorer: moving the slider changes what they show."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import scheme_by_id
from drand_edu.viz.figure_check import figure_problems
from drand_edu.viz.rounds import (
    plot_round_messages,
    plot_unlock,
    round_explorer,
    round_messages,
    unlock_explorer,
    unlock_status,
)

from .conftest import load_vector

MAINNET = load_vector("beacons-mainnet-default.json")
INFO = ChainInfo.from_json(MAINNET["info"])
BEACONS = [Beacon.from_json(b) for b in MAINNET["beacons"]]


def test_messages_follow_the_scheme():
    last = BEACONS[-1]
    messages = round_messages(BEACONS, last.round + 1)
    chained = scheme_by_id("pedersen-bls-chained")
    assert messages["chained"] == chained.digest(last.round + 1, last.signature).hex()
    assert messages["unchained"] == scheme_by_id("pedersen-bls-unchained").digest(last.round + 1).hex()
    later = round_messages(BEACONS, last.round + 3)
    assert "unknown" in later["chained"]  # a future chained message cannot be computed
    assert later["unchained"] == scheme_by_id("pedersen-bls-unchained").digest(last.round + 3).hex()


def test_known_rounds_and_round_1_have_their_chained_message():
    chained = scheme_by_id("pedersen-bls-chained")
    for beacon in BEACONS:  # a stored round carries its previous signature: its message is known
        message = round_messages(BEACONS, beacon.round)["chained"]
        assert message == chained.digest(beacon.round, beacon.previous_signature).hex()
        assert message == beacon.message(chained).hex()
    first = round_messages(BEACONS, 1, INFO.genesis_seed)["chained"]  # round 0's "signature" is the seed
    assert first == chained.digest(1, INFO.genesis_seed).hex()
    assert "unknown" not in first
    ui = round_explorer(INFO, BEACONS)
    slider, text, _ = ui.children
    slider.value = 1
    assert chained.digest(1, INFO.genesis_seed).hex() in text.value and "unknown" not in text.value
    slider.value = BEACONS[0].round
    assert chained.digest(BEACONS[0].round, BEACONS[0].previous_signature).hex() in text.value


def test_the_round_slider_changes_text_and_figure():
    ui = round_explorer(INFO, BEACONS)
    slider, text, _ = ui.children
    before = text.value
    slider.value = slider.value + 2
    assert text.value != before and f"round {slider.value}" in text.value
    fig = plot_round_messages(INFO, BEACONS, BEACONS[-1].round)
    assert figure_problems(fig) == []
    plt.close(fig)


def test_unlock_status_counts_down_and_then_opens():
    now = INFO.time_of_round(1000) + 1
    assert "0 h 1 min 29 s from now" in unlock_status(INFO, 1003, now)
    assert "can be opened" in unlock_status(INFO, 999, now)
    ui = unlock_explorer(INFO, now)
    slider, text, _ = ui.children
    before = text.value
    slider.value = slider.min
    assert text.value != before and "can be opened" in text.value
    fig = plot_unlock(INFO, 1003, now)
    assert figure_problems(fig) == []
    plt.close(fig)


def test_the_unlock_slider_reaches_a_day_ahead_as_session_8_says():
    now = INFO.time_of_round(1000) + 1
    slider, text, _ = unlock_explorer(INFO, now).children
    day = 24 * 3600
    assert INFO.time_of_round(slider.max) - now >= day  # "a round a day ahead stays shut for a day"
    slider.value = INFO.round_at(now + day)
    assert "23 h" in text.value or "24 h" in text.value
