"""Exercise checkers for notebook 06 (networking and monitoring): a metric, an alert, a split, drand's cache.

Each checker tries the learner's function on fresh random cases and edge cases and says "correct" or
"not yet" with a hint about what is wrong; stubs get the first hint only.
"""

from __future__ import annotations

import math
import random
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..api.metrics import MetricsAPI
from ..node.metrics import NodeMetrics
from ..node.network import LocalNetwork
from ..rng import seeded_rng
from .common import Verdict, nudge_if_stub, register_hints, report, safely, type_problem

__all__ = ["check_halting_partition", "check_lagging_alert", "check_latest_max_age", "check_metric_value"]


# -- Exercise 1 (Explore): read a metric ---------------------------------------------------------------

register_hints(
    "metric_value",
    "Print a metrics page (section 5's two-chain daemon serves one) and look at its lines: which ones "
    "hold values, and how does a line say which beacon its value belongs to?",
    "Skip the lines starting with '#'; a sample line is name{label=\"value\",...} number. Match both the "
    'name and beacon_id="..." inside the braces, then convert the number with float().',
    "prefix = f'{name}{{beacon_id=\"{beacon_id}\"}} '; return the float of the rest of the first line "
    "that starts with prefix (None if there is none)",
)


#: Beacon ids that share prefixes and suffixes, as a daemon's chains can ("quick" is in "quicknet", and
#: 'net"' ends both "quicknet" and "net"): only the whole label value names one beacon.
METRIC_IDS = ("quicknet", "quick", "evmnet", "net")
#: Beacon ids that are *not* on the page but are parts of ids that are: the answer is None. A dashboard
#: that reads a missing sample as 0 or as another beacon's value shows a dead chain as alive.
ABSENT_IDS = ("quic", "evm", "ne")


def _metric_page(order: list[str]) -> tuple[str, dict[str, dict[str, float]]]:
    """A daemon's metrics page with the beacons in ``order``, and the value of each metric per beacon."""
    expected: dict[str, dict[str, float]] = {}
    nodes = []
    for beacon_id in order:
        metrics = NodeMetrics(beacon_id, clock=lambda: 0.0)
        last, size = secrets.randbelow(10**6), 3 + secrets.randbelow(20)
        late = (1 + secrets.randbelow(10**5)) * 128 + 1 + secrets.randbelow(127)  # never whole ms
        threshold = size // 2 + 1
        metrics.beacon_stored(last, late / 1024)  # seconds, exact in binary: the ms are k · 125 / 128
        metrics.group(size, threshold)
        nodes.append(metrics)
        expected[beacon_id] = {
            "last_beacon_round": last,
            "beacon_discrepancy_latency": late * 125 / 128,
            "group_size": size,
            "group_threshold": threshold,
        }
    return MetricsAPI(nodes).exposition().decode(), expected


def _metric_slip(
    name: str, beacon_id: str, got: Any, value: float, expected: dict[str, dict[str, float]], order: list[str]
) -> str:
    """Why ``got`` is not the value of ``name`` for ``beacon_id``: a cut fraction, another beacon's sample
    (one whose id overlaps, or any other), or nothing at all."""
    where = f"{name} of beacon {beacon_id!r}"
    if got is not None and float(got) == int(value) != value:
        return (
            f"{where} is {value:g}: you cut off its fraction. A Prometheus value is a float — convert it "
            "with float(), not int()"
        )
    other = next((b for b in order if b != beacon_id and got is not None and expected[b][name] == got), None)
    if other is not None and (beacon_id in other or other in beacon_id):
        return (
            f"{where}: you read the sample of {other!r}. Beacon ids can share a prefix or a suffix: match "
            'the label as a whole, beacon_id="…" with its quotes'
        )
    if other is not None:
        return (
            f"{where}: you read the sample of {other!r}. One page holds every beacon, so match the label too"
        )
    read = "nothing" if got is None else f"{got!r}, not the value on this page"
    return f"{where}: you read {read}. One page holds every beacon, so match the label too (skip # lines)"


def check_metric_value(my_value: Callable[[str, str, str], float] | None) -> Verdict:
    """``my_value(text, name, beacon_id)``: the value (a number) of a metric in Prometheus text format.

    Two pages with four beacons whose ids share prefixes and suffixes (longer ids before shorter ones,
    then the other way round), and a metric with a fractional value, so that substring matching, text
    results and a truncating ``int()`` are refused; beacons that are not on the page must give None
    (not 0, not a neighbour's value).
    """
    if nudge_if_stub(my_value, "metric_value"):
        return Verdict(False)

    def check() -> bool:
        for order in (list(METRIC_IDS), list(reversed(METRIC_IDS))):
            page, expected = _metric_page(order)
            for beacon_id in sorted(order):  # asked in a fixed order (the hint stays the same run to run)
                for name, value in expected[beacon_id].items():
                    got = my_value(page, name, beacon_id)
                    wrong_type = None if got is None else type_problem(got, "number")
                    if wrong_type:
                        return report(False, f"{name} of beacon {beacon_id!r}: {wrong_type}")
                    if got is not None and float(got) == value:
                        continue
                    return report(False, _metric_slip(name, beacon_id, got, value, expected, order))
            for absent in ABSENT_IDS:
                got = my_value(page, "last_beacon_round", absent)
                if got is not None:
                    return report(
                        False,
                        f"beacon {absent!r} is not on this page, yet you returned {got!r}: return None. "
                        "A missing sample read as a number (0, or the value of a beacon whose id contains "
                        "it) makes a chain that stopped reporting look alive on a dashboard",
                    )
        return report(
            True,
            praise="the right sample among four beacons whose ids overlap, in either order, fractions kept: "
            "what a Prometheus scraper does with the labels",
        )

    return safely(check, "my_value failed")


# -- Exercise 2 (Implement): an alert with a "for" -----------------------------------------------------


def _alert(
    scrapes: Sequence[tuple[int, Sequence[int | None]]], tolerance: int, for_scrapes: int
) -> list[int]:
    if len(scrapes) < for_scrapes:
        return []
    recent = scrapes[len(scrapes) - for_scrapes :]
    nodes = len(recent[0][1])

    def lagging(expected: int, head: int | None) -> bool:
        return head is None or expected - head > tolerance

    return [i for i in range(nodes) if all(lagging(expected, heads[i]) for expected, heads in recent)]


def _random_scrapes(chooser: random.Random) -> tuple[list[tuple[int, list[int | None]]], int, int]:
    nodes, count = chooser.randint(3, 7), chooser.randint(1, 7)
    tolerance, for_scrapes = chooser.randint(0, 3), chooser.randint(1, 4)
    heads = [chooser.randint(5, 20) for _ in range(nodes)]
    expected = max(heads) + chooser.randint(0, 2)
    scrapes = []
    for _ in range(count):
        expected += 1
        row: list[int | None] = []
        for i in range(nodes):
            if chooser.random() < 0.7:
                heads[i] = min(expected, heads[i] + chooser.randint(0, 2))
            row.append(None if chooser.random() < 0.1 else heads[i])
        scrapes.append((expected, row))
    return scrapes, tolerance, for_scrapes


#: Hand-made cases: (scrapes, tolerance, for_scrapes, what the case is about).
_ALERT_EDGES = [
    ([(10, [10, 10, 8]), (11, [11, 11, 11])], 1, 2, "node 2 caught up in the last scrape: no alert"),
    ([(10, [10, 9, 8]), (11, [11, 10, 9])], 1, 2, "exactly tolerance behind is not lagging"),
    ([(10, [10, 10, 5])], 1, 2, "fewer scrapes than for_scrapes: nothing has lasted long enough yet"),
    ([(10, [10, None, 10]), (11, [11, None, 11]), (12, [12, None, 12])], 1, 3, "a node that does not answer"),
    ([(10, [5, 10, 10]), (11, [11, 5, 11]), (12, [12, 12, 5])], 0, 1, "with for 1, only the last scrape"),
    ([(10, [5, 5, 10]), (11, [5, 11, 11]), (12, [5, 12, 12])], 1, 2, "the last scrapes, not the first"),
    ([(1, [0, 1, 0]), (1, [0, 1, 1])], 1, 2, "a fresh chain: head 0 is an answer (round 0), not silence"),
    ([(2, [0, 2, 2]), (3, [0, 3, 3])], 1, 2, "head 0 far behind lags like any other head"),
    ([(10, [7, 7, 7]), (11, [7, 7, 7])], 1, 2,
     "the whole chain stalled: every node is behind the round due though none is behind the others. "
     "Lag is measured against expected_round (the clock), not against the best node"),
]  # fmt: skip

register_hints(
    "lagging_alert",
    "For one node, look at the last for_scrapes scrapes only: it fires when it lagged in *every* one "
    "of them.",
    "In a scrape, a node lags when expected - head > tolerance, or when its head is None (no answer). "
    "With fewer than for_scrapes scrapes, nothing fires yet.",
    "recent = scrapes[-for_scrapes:] (after checking len(scrapes) >= for_scrapes); return [i for i in "
    "range(nodes) if all(h[i] is None or e - h[i] > tolerance for e, h in recent)]",
)


def check_lagging_alert(
    my_alert: Callable[[Sequence[tuple[int, Sequence[int | None]]], int, int], Iterable[int]] | None,
) -> Verdict:
    """``my_alert(scrapes, tolerance, for_scrapes)``: the nodes more than ``tolerance`` rounds behind (or
    silent) in each of the last ``for_scrapes`` scrapes; each scrape is ``(expected_round, heads)``."""
    if nudge_if_stub(my_alert, "lagging_alert"):
        return Verdict(False)

    def check() -> bool:
        chooser = random.Random(secrets.randbits(64))
        cases = [(s, tol, k, why) for s, tol, k, why in _ALERT_EDGES]
        cases += [(*_random_scrapes(chooser), "") for _ in range(200)]
        for scrapes, tolerance, for_scrapes, why in cases:
            copy = [(e, list(h)) for e, h in scrapes]
            got = my_alert(copy, tolerance, for_scrapes)
            got_nodes = sorted(set(got)) if got is not None else None
            if got_nodes != _alert(scrapes, tolerance, for_scrapes):
                if why:
                    return report(
                        False,
                        f"a case to think about: {why} (more: drand_edu.exercises.hint('lagging_alert'))",
                    )
                return report(
                    False,
                    f"wrong nodes on a random case (tolerance {tolerance}, for {for_scrapes} scrapes, "
                    f"{len(scrapes)} scrapes); return the indices of the nodes that lagged in every one of "
                    "the last for_scrapes scrapes",
                )
        return report(
            True,
            praise="it fires only on lag that lasts, counts a silent node as lagging, and waits for enough "
            "scrapes: Prometheus' 'for:' clause",
        )

    return safely(check, "my_alert failed")


# -- Exercise 3 (Break): a split into as few islands as possible that stops the chain --------------------

register_hints(
    "halting_partition",
    "An island of the network makes beacons only if it holds t nodes. How large may an island be, then?",
    "Islands of t - 1 nodes each (the last one smaller): that stops the chain with as few islands as "
    "possible — ceil(n / (t - 1)) of them.",
    "nodes = list(range(n)); return [set(nodes[i : i + t - 1]) for i in range(0, n, t - 1)]",
)


def check_halting_partition(my_split: Callable[[int, int], Iterable[Iterable[int]]] | None) -> Verdict:
    """``my_split(n, t)``: islands of nodes 0..n-1, as few as possible, under which no round is made."""
    if nudge_if_stub(my_split, "halting_partition"):
        return Verdict(False)

    def check() -> bool:
        chooser = random.Random(secrets.randbits(64))
        pairs = [(n, t) for n in range(3, 8) for t in range(n // 2 + 1, n + 1) if t >= 2]
        cases = [(5, 3), (5, 4), *chooser.sample(pairs, 3)]
        for n, t in cases:
            islands = [set(group) for group in my_split(n, t)]
            islands = [group for group in islands if group]
            if sorted(node for group in islands for node in group) != list(range(n)):
                return report(False, f"n = {n}: every node 0..{n - 1} must be in exactly one island")
            net = LocalNetwork.create(n, t, rng=seeded_rng(f"exercise-partition-{n}-{t}"))
            net.run_rounds(2)
            net.sim.partition(*islands)
            before = net.head()
            net.run_rounds(3)
            if net.head() > before:
                return report(
                    False,
                    f"n = {n}, t = {t}: the chain went on (round {before} → {net.head()}): an island still "
                    "holds t nodes",
                )
            if len(islands) > math.ceil(n / (t - 1)):
                return report(
                    False,
                    f"n = {n}, t = {t}: the chain stops, but {len(islands)} islands are more than needed; "
                    "how large may one island be? (more: drand_edu.exercises.hint('halting_partition'))",
                )
        return report(
            True,
            praise="islands of at most t - 1 nodes, as few as possible: the higher the threshold, the "
            "fewer cuts stop a chain",
        )

    return safely(check, "running your split failed")


# -- Exercise 4 (Connect): how long may a client cache /public/latest? ---------------------------------

#: drand's LatestRand (handler/http/server.go): next = round time + period; when that is not after now
#: (the next beacon is late) the answer expires at now + period / catchupExpiryFactor (= 2); max-age is
#: sent only when 0 < remaining < period, rounded up (math.Ceil), and written "max-age:%d, public".
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L488-L504
#: https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L30
CATCHUP_EXPIRY_FACTOR = 2


def _max_age(round_time: float, period: float, now: float) -> int | None:
    next_time = round_time + period
    if not next_time > now:
        next_time = now + period / CATCHUP_EXPIRY_FACTOR
    remaining = next_time - now
    if 0 < remaining < period:
        return math.ceil(remaining)
    return None


def _seconds(answer: Any) -> int | float | None:
    """``12``, ``12.0``, ``"12"``, ``"max-age:12, public"`` → the number; None stays None."""
    if answer is None or isinstance(answer, bool):
        return None
    if isinstance(answer, int | float):
        return answer
    found = re.search(r"max-age\s*[:=]\s*(\d+)", str(answer)) or re.fullmatch(r"\s*(\d+)\s*", str(answer))
    return int(found.group(1)) if found else math.nan


def _max_age_cases(chooser: random.Random) -> list[tuple[float, float, float, str]]:
    cases = []
    for period in (3, 30, 1, 25, 5):
        rt = 1_700_000_000 + period * chooser.randint(1, 10**5)
        cases += [
            (rt, period, rt + 0.2 * period + 0.001, "on time, a fraction of a second left over"),
            (rt, period, rt, "asked at the very moment the latest round was due"),
            (rt, period, rt + period, "asked exactly when the next round is due (and it is not there)"),
            (rt, period, rt + 3.7 * period, "the next beacon is late by more than a period"),
            (rt, period, rt - 1, "asked before the latest round's own time"),
        ]
        for _ in range(20):
            cases.append((rt, period, rt + round(chooser.uniform(0, 3 * period), 3), ""))
    return cases


register_hints(
    "latest_max_age",
    "Open LatestRand at the link: find where it computes nextTime, then remaining, then the header.",
    "There are two cases: the next round is still ahead (next.After(now)), or it is late and the answer "
    "expires after period / catchupExpiryFactor (look the constant up at the top of the file). The "
    "header is only set when 0 < remaining < period; the seconds are rounded with math.Ceil.",
)


def check_latest_max_age(my_max_age: Callable[[float, float, float], Any] | None) -> Verdict:
    """``my_max_age(round_time, period, now)``: drand's max-age for ``/public/latest``, or None when
    LatestRand sends no Cache-Control (times in seconds)."""
    if nudge_if_stub(my_max_age, "latest_max_age"):
        return Verdict(False)

    def check() -> bool:
        chooser = random.Random(secrets.randbits(64))
        for round_time, period, now, why in _max_age_cases(chooser):
            got = _seconds(my_max_age(round_time, period, now))
            expected = _max_age(round_time, period, now)
            if got == expected or (got is not None and expected is not None and float(got) == expected):
                continue
            where = why or f"now = round time + {now - round_time:g} s"
            if isinstance(got, int | float) and got >= period and not math.isnan(got):
                return report(
                    False,
                    f"period {period} s, {where}: a max-age of {got:g} s lets a cache hand out this beacon "
                    "after the next one exists. LatestRand sends max-age only while 0 < remaining < "
                    "period (more: drand_edu.exercises.hint('latest_max_age'))",
                )
            return report(
                False,
                f"period {period} s, {where}: drand sends "
                f"{'no max-age' if expected is None else 'another max-age'} — read the lines again "
                "(more: drand_edu.exercises.hint('latest_max_age'))",
            )
        return report(
            True,
            praise="both of LatestRand's cases, the rounding up and the strict bounds, as drand "
            "computes them",
        )

    return safely(check, "my_max_age failed")
