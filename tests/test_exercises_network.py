"""Notebook-06 checkers, figure: stubs get the first hint only, wrong answers "not yet", right ones pass."""

from __future__ import annotations

import math
import re

import matplotlib
import pytest

matplotlib.use("Agg")

from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.common import _HINTS
from drand_edu.exercises.network import (
    check_halting_partition,
    check_lagging_alert,
    check_latest_max_age,
    check_metric_value,
)
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng
from drand_edu.viz.network import plot_round_flow

from .conftest import verdict


def stub(*args): ...  # your code


@pytest.mark.parametrize(
    ("check", "name"),
    [
        (check_metric_value, "metric_value"),
        (check_lagging_alert, "lagging_alert"),
        (check_halting_partition, "halting_partition"),
        (check_latest_max_age, "latest_max_age"),
    ],
)
def test_a_stub_gets_the_nudge_only(capsys, check, name) -> None:
    for answer in (None, stub):
        out = verdict(capsys, check, answer)
        steps = _HINTS[name]
        assert out.startswith(NOT_YET) and steps[0] in out and steps[-1] not in out


def test_metric_value(capsys) -> None:
    def right(text, name, beacon_id):
        prefix = f'{name}{{beacon_id="{beacon_id}"}} '
        values = [float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix)]
        return values[0] if values else None

    def ignores_the_label(text, name, beacon_id):
        lines = [line for line in text.splitlines() if line.startswith("last_beacon_round")]
        return float(lines[0].split()[-1])

    def with_a_regex(text, name, beacon_id):
        match = re.search(rf'^{re.escape(name)}\{{[^}}]*beacon_id="{re.escape(beacon_id)}"[^}}]*\}} (\S+)$',
                          text, re.MULTILINE)  # fmt: skip
        return float(match.group(1)) if match else None

    def first_sample_of_the_metric(text, name, beacon_id):  # right for one beacon, wrong for several
        lines = [line for line in text.splitlines() if line.startswith(name + "{")]
        return float(lines[0].split()[-1])

    def last_sample_of_the_metric(text, name, beacon_id):
        lines = [line for line in text.splitlines() if line.startswith(name + "{")]
        return float(lines[-1].split()[-1])

    def reads_the_help_line(text, name, beacon_id):
        return next(line for line in text.splitlines() if name in line).split()[-1]

    assert NOT_YET in verdict(capsys, check_metric_value, ignores_the_label)
    assert "match the label" in verdict(capsys, check_metric_value, first_sample_of_the_metric)
    assert "match the label" in verdict(capsys, check_metric_value, last_sample_of_the_metric)
    assert NOT_YET in verdict(capsys, check_metric_value, reads_the_help_line)
    assert CORRECT in verdict(capsys, check_metric_value, right)
    assert CORRECT in verdict(capsys, check_metric_value, with_a_regex)

    def substring_of_the_id(text, name, beacon_id):  # "quick" is in 'beacon_id="quicknet"'
        line = next((x for x in text.splitlines() if x.startswith(name + "{") and beacon_id in x), None)
        return None if line is None else float(line.split()[-1])

    def id_without_its_opening_quote(text, name, beacon_id):  # 'net"' ends "quicknet" too
        line = next((x for x in text.splitlines() if x.startswith(name) and f'{beacon_id}"}}' in x), None)
        return None if line is None else float(line.split()[-1])

    def as_text(text, name, beacon_id):
        prefix = f'{name}{{beacon_id="{beacon_id}"}} '
        return next((x[len(prefix) :] for x in text.splitlines() if x.startswith(prefix)), None)

    def truncated(text, name, beacon_id):
        found = right(text, name, beacon_id)
        return None if found is None else int(found)

    assert "share a prefix or a suffix" in verdict(capsys, check_metric_value, substring_of_the_id)
    assert "share a prefix or a suffix" in verdict(capsys, check_metric_value, id_without_its_opening_quote)
    assert "not text" in verdict(capsys, check_metric_value, as_text)
    assert "not int()" in verdict(capsys, check_metric_value, truncated)
    assert CORRECT in verdict(capsys, check_metric_value, with_a_regex)

    def zero_when_missing(text, name, beacon_id):  # insecure-but-plausible: an absent chain reads as 0
        found = right(text, name, beacon_id)
        return 0.0 if found is None else found

    def exact_else_closest(text, name, beacon_id):  # a "forgiving" lookup: falls back to a longer id
        found = right(text, name, beacon_id)
        if found is not None:
            return found
        line = next((x for x in text.splitlines() if x.startswith(f'{name}{{beacon_id="{beacon_id}')), None)
        return None if line is None else float(line.split()[-1])

    assert "not on this page" in verdict(capsys, check_metric_value, zero_when_missing)
    assert "not on this page" in verdict(capsys, check_metric_value, exact_else_closest)


def right_alert(scrapes, tolerance, for_scrapes):
    if len(scrapes) < for_scrapes:
        return []
    recent = scrapes[-for_scrapes:]
    return [i for i in range(len(recent[0][1]))
            if all(h[i] is None or e - h[i] > tolerance for e, h in recent)]  # fmt: skip


def alert_as_a_set(scrapes, tolerance, for_scrapes):
    firing = None
    for expected, heads in scrapes[::-1][:for_scrapes]:
        lagging = {i for i, head in enumerate(heads) if head is None or head < expected - tolerance}
        firing = lagging if firing is None else firing & lagging
    return firing if len(scrapes) >= for_scrapes else set()


def test_lagging_alert(capsys) -> None:
    assert CORRECT in verdict(capsys, check_lagging_alert, right_alert)
    assert CORRECT in verdict(capsys, check_lagging_alert, alert_as_a_set)

    def latest_only(scrapes, tolerance, for_scrapes):  # the notebook's one-scrape rule
        expected, heads = scrapes[-1]
        return [i for i, h in enumerate(heads) if h is None or expected - h > tolerance]

    assert NOT_YET in verdict(capsys, check_lagging_alert, latest_only)

    def off_by_one(scrapes, tolerance, for_scrapes):
        if len(scrapes) < for_scrapes:
            return []
        recent = scrapes[-for_scrapes:]
        return [
            i
            for i in range(len(recent[0][1]))
            if all(h[i] is None or e - h[i] >= tolerance for e, h in recent)
        ]

    assert "exactly tolerance" in verdict(capsys, check_lagging_alert, off_by_one)

    def any_scrape(scrapes, tolerance, for_scrapes):
        recent = scrapes[-for_scrapes:] if len(scrapes) >= for_scrapes else []
        return [
            i
            for i in range(len(scrapes[0][1]))
            if any(h[i] is None or e - h[i] > tolerance for e, h in recent)
        ]

    assert "caught up" in verdict(capsys, check_lagging_alert, any_scrape)

    def zero_is_silent(scrapes, tolerance, for_scrapes):  # `not head` takes round 0 for no answer
        if len(scrapes) < for_scrapes:
            return []
        recent = scrapes[-for_scrapes:]
        return [
            i for i in range(len(recent[0][1])) if all(not h[i] or e - h[i] > tolerance for e, h in recent)
        ]

    assert "head 0 is an answer" in verdict(capsys, check_lagging_alert, zero_is_silent)

    def silent_is_fine(scrapes, tolerance, for_scrapes):  # insecure-but-plausible: fails open on a dead node
        if len(scrapes) < for_scrapes:
            return []
        recent = scrapes[-for_scrapes:]
        return [i for i in range(len(recent[0][1]))
                if all(h[i] is not None and e - h[i] > tolerance for e, h in recent)]  # fmt: skip

    assert "does not answer" in verdict(capsys, check_lagging_alert, silent_is_fine)

    def behind_the_best_node(scrapes, tolerance, for_scrapes):  # insecure: a stalled chain pages nobody
        if len(scrapes) < for_scrapes:
            return []
        recent = scrapes[-for_scrapes:]
        best = [max((h for h in heads if h is not None), default=0) for _, heads in recent]
        pairs = list(zip(best, (heads for _, heads in recent), strict=True))
        nodes = range(len(recent[0][1]))
        return [i for i in nodes if all(h[i] is None or b - h[i] > tolerance for b, h in pairs)]

    assert "whole chain stalled" in verdict(capsys, check_lagging_alert, behind_the_best_node)

    def first_scrapes(scrapes, tolerance, for_scrapes):
        if len(scrapes) < for_scrapes:
            return []
        early = scrapes[:for_scrapes]
        return [
            i for i in range(len(early[0][1])) if all(h[i] is None or e - h[i] > tolerance for e, h in early)
        ]

    assert "the last scrape" in verdict(capsys, check_lagging_alert, first_scrapes)


def islands_of_t_minus_1(n, t):
    nodes = list(range(n))
    return [set(nodes[i : i + t - 1]) for i in range(0, n, t - 1)]


def islands_round_robin(n, t):  # other islands, as many: node i on island i mod k
    k = math.ceil(n / (t - 1))
    return [[i for i in range(n) if i % k == j] for j in range(k)]


def test_halting_partition(capsys) -> None:
    assert CORRECT in verdict(capsys, check_halting_partition, islands_of_t_minus_1)
    assert CORRECT in verdict(capsys, check_halting_partition, islands_round_robin)
    halves = lambda n, t: [set(range(n // 2)), set(range(n // 2, n))]  # noqa: E731
    assert "went on" in verdict(capsys, check_halting_partition, halves)
    singletons = lambda n, t: [{i} for i in range(n)]  # noqa: E731  stops the chain, but n islands
    assert "more than needed" in verdict(capsys, check_halting_partition, singletons)
    islands_of_t = lambda n, t: [set(range(t)), set(range(t, n))]  # noqa: E731
    assert "went on" in verdict(capsys, check_halting_partition, islands_of_t)
    forgets_a_node = lambda n, t: islands_of_t_minus_1(n - 1, t)  # noqa: E731
    assert "exactly one island" in verdict(capsys, check_halting_partition, forgets_a_node)
    fixed = lambda n, t: [{0, 1}, {2, 3}, {4}]  # noqa: E731  right for n = 5, t = 3 only
    assert NOT_YET in verdict(capsys, check_halting_partition, fixed)
    # the most plausible hurried answer: cut off t - 1 nodes, as if losing t - 1 stopped the chain
    cut_off_t_minus_1 = lambda n, t: [set(range(t - 1)), set(range(t - 1, n))]  # noqa: E731
    assert "went on" in verdict(capsys, check_halting_partition, cut_off_t_minus_1)
    # and its mirror: cut off n - t + 1 nodes, the number the group can afford to lose plus one
    cut_off_n_minus_t_plus_1 = lambda n, t: [set(range(n - t + 1)), set(range(n - t + 1, n))]  # noqa: E731
    assert "went on" in verdict(capsys, check_halting_partition, cut_off_n_minus_t_plus_1)


def right_max_age(round_time, period, now):
    next_time = round_time + period
    if not next_time > now:
        next_time = now + period / 2
    remaining = next_time - now
    return math.ceil(remaining) if 0 < remaining < period else None


def as_header(round_time, period, now):  # drand's own header text is accepted too
    seconds = right_max_age(round_time, period, now)
    return None if seconds is None else f"max-age:{seconds}, public"


def test_latest_max_age(capsys) -> None:
    assert CORRECT in verdict(capsys, check_latest_max_age, right_max_age)
    assert CORRECT in verdict(capsys, check_latest_max_age, as_header)

    def no_catch_up(round_time, period, now):
        remaining = round_time + period - now
        return math.ceil(remaining) if 0 < remaining < period else None

    assert "late" in verdict(capsys, check_latest_max_age, no_catch_up)

    def floors(round_time, period, now):
        next_time = round_time + period if round_time + period > now else now + period / 2
        remaining = next_time - now
        return math.floor(remaining) if 0 < remaining < period else None

    assert "another max-age" in verdict(capsys, check_latest_max_age, floors)

    def up_to_a_period(round_time, period, now):
        next_time = round_time + period if round_time + period > now else now + period / 2
        remaining = next_time - now
        return math.ceil(remaining) if 0 < remaining <= period else None

    assert "very moment" in verdict(capsys, check_latest_max_age, up_to_a_period)

    def next_round_counts_as_on_time(round_time, period, now):
        next_time = round_time + period if round_time + period >= now else now + period / 2
        remaining = next_time - now
        return math.ceil(remaining) if 0 < remaining < period else None

    assert "exactly when the next" in verdict(capsys, check_latest_max_age, next_round_counts_as_on_time)

    def a_whole_period_when_late(round_time, period, now):
        next_time = round_time + period if round_time + period > now else now + period
        remaining = next_time - now
        return math.ceil(remaining) if 0 < remaining <= period else None

    assert NOT_YET in verdict(capsys, check_latest_max_age, a_whole_period_when_late)

    # insecure-but-plausible: cache the latest like a past round, or for a whole period
    assert "after the next one exists" in verdict(capsys, check_latest_max_age, lambda rt, p, now: 604800)
    assert "after the next one exists" in verdict(capsys, check_latest_max_age, lambda rt, p, now: p)

    def until_the_next_round_even_when_late(round_time, period, now):  # a stale beacon cached a period on
        return math.ceil(round_time + period - now) if round_time + period > now else period

    assert "after the next one exists" in verdict(capsys, check_latest_max_age,
                                                  until_the_next_round_even_when_late)  # fmt: skip


def test_round_flow_figure() -> None:
    net = LocalNetwork.create(3, 2, rng=seeded_rng(1))
    net.run_rounds(2)
    assert plot_round_flow(net.sim.trace, 2, 3).axes
