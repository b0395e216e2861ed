"""A node's Prometheus metrics, with drand's names (``internal/metrics/metrics.go``).

Each node gets its own registry (drand has one per process; we may run many nodes in one notebook).
The gauges drand's dashboards watch, labelled by ``beacon_id`` as in drand:

* ``last_beacon_round`` — the last round stored locally (what ``/health`` reports);
* ``beacon_discrepancy_latency`` — milliseconds between a round's due time and the moment it was stored;
* ``group_size``, ``group_threshold`` — the group the node is in;
* ``drand_node_db`` — which store backend the node runs (labels ``beaconID``, ``db_type``): drand's
  [`DrandStorageBackend`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L220-L224)
  with the codes of [`BoltTrimmedMetrics`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L59-L66)
  and the rest (1 bolt-trimmed, 2 postgres, 3 memdb, 4 bolt-untrimmed); our SQLite says 1 (trimmed) or 4
  (untrimmed), memdb 3. :meth:`NodeMetrics.storage` sets it, from :func:`~drand_edu.store.new_chain_store`;
* ``dkg_state`` — the number of the DKG state machine's status
  (:class:`~drand_edu.threshold.lifecycle.Status`: ``Fresh`` 0 … ``Complete`` 7 … ``Failed`` 11), which is
  what drand's
  [`DKGStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L464-L474)
  sets on every transition. The gauge's help text, kept word for word from drand's
  [`dkgState`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L171-L175),
  still lists an older numbering (0-Not Started … 5-Shutdown) that no code sets any more: read the value
  against the
  [`Status`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L21-L62)
  constants instead (a finished DKG shows 7, not 3). drand calls it on every transition of a node's DKG
  state; our nodes set it when they install a group (``Complete``), which is the one value the course's
  dashboards read;
* ``error_sending_partial`` — per peer address (labels ``beaconID``, ``address``): 1 when the last
  partial this node sent to that peer failed, 0 when it went through. drand's
  [`ErrorSendingPartialCounter`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L244-L248)
  (a gauge, despite its name), set by
  [`ErrorSendingPartial` and `SuccessfulPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L476-L482)
  from each send of
  [`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L509-L545).
  :meth:`NodeMetrics.partial_sent` sets it; a failure also goes to the node's :class:`ThresholdMonitor`.

Besides the registry (scraped at ``/metrics``), :class:`NodeMetrics` keeps a ``history`` of samples
against the (possibly virtual) clock, so a notebook can plot how a node did over time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from ..threshold.lifecycle import Status

LAG_ALERT_ROUNDS = 1
"""The course's alert rule (sessions 6 and 7): a node more than this many rounds behind the round due
fires. One round of slack absorbs a beacon that is late by less than a period; two rounds behind is a
node that has stopped keeping up. The incident of session 6 and :class:`~drand_edu.viz.panel.NetworkPanel`
both read it, so the text, the panel and the figure alert on the same lag."""


@dataclass(frozen=True)
class Sample:
    """One recorded value of one metric at one time."""

    time: float
    name: str
    value: float


class NodeMetrics:
    """The metrics of one node for one beacon id."""

    def __init__(self, beacon_id: str = "default", clock: Callable[[], float] = time.time) -> None:
        self.beacon_id = beacon_id
        self.clock = clock
        self.registry = CollectorRegistry()
        labels = ["beacon_id"]
        self._last_round = Gauge(
            "last_beacon_round", "Last locally stored beacon", labels, registry=self.registry
        )
        self._discrepancy = Gauge(
            "beacon_discrepancy_latency",
            "Discrepancy between beacon creation time and calculated round time",
            labels,
            registry=self.registry,
        )
        self._group_size = Gauge(
            "group_size", "Number of peers in the current group", labels, registry=self.registry
        )
        self._threshold = Gauge(
            "group_threshold",
            "Number of shares needed for beacon reconstruction",
            labels,
            registry=self.registry,
        )
        self._dkg_state = Gauge(
            "dkg_state",
            "DKG state: 0-Not Started, 1-Waiting, 2-In Progress, 3-Done, 4-Unknown, 5-Shutdown",
            labels,
            registry=self.registry,
        )
        self._db = Gauge(
            "drand_node_db",
            "The database type the node is running with. "
            "1=bolt-trimmed, 2=postgres, 3=memdb, 4=bolt-untrimmed",
            ["beaconID", "db_type"],
            registry=self.registry,
        )
        self._partial_errors = Gauge(
            "error_sending_partial",
            "Number of errors sending partial beacons to nodes. A good proxy for whether nodes are up or "
            "down. 1 = Error occurred, 0 = No error occurred",
            ["beaconID", "address"],
            registry=self.registry,
        )
        self.history: list[Sample] = []

    def _set(self, gauge: Gauge, name: str, value: float) -> None:
        gauge.labels(beacon_id=self.beacon_id).set(value)
        self.history.append(Sample(self.clock(), name, float(value)))

    def beacon_stored(self, round_number: int, discrepancy_seconds: float) -> None:
        """A beacon was stored ``discrepancy_seconds`` after its round's due time."""
        self._set(self._last_round, "last_beacon_round", round_number)
        self._set(self._discrepancy, "beacon_discrepancy_latency", discrepancy_seconds * 1000)

    def group(self, size: int, threshold: int) -> None:
        self._set(self._group_size, "group_size", size)
        self._set(self._threshold, "group_threshold", threshold)

    def storage(self, db_type: str, code: int) -> None:
        """The backend this node stores its chain in (``drand_node_db``; see :mod:`drand_edu.store`)."""
        self._db.labels(beaconID=self.beacon_id, db_type=db_type).set(code)
        self.history.append(Sample(self.clock(), "drand_node_db", float(code)))

    def dkg_state(self, status: Status) -> None:
        """The DKG state machine's ``status`` (its number is the gauge's value, as drand sets it)."""
        self._set(self._dkg_state, "dkg_state", int(Status(status)))

    def partial_sent(self, address: str, ok: bool) -> None:
        """The partial just sent to ``address`` went through (``ok``) or failed: ``error_sending_partial``
        is 0 or 1 for that peer, as drand's ``SuccessfulPartial`` / ``ErrorSendingPartial`` set it."""
        self._partial_errors.labels(beaconID=self.beacon_id, address=address).set(0 if ok else 1)
        self.history.append(Sample(self.clock(), "error_sending_partial", 0.0 if ok else 1.0))

    def series(self, name: str) -> tuple[list[float], list[float]]:
        """``(times, values)`` of one metric's history, for plotting."""
        points = [(s.time, s.value) for s in self.history if s.name == name]
        return [t for t, _ in points], [v for _, v in points]

    def exposition(self) -> bytes:
        """The Prometheus text format, as served at ``/metrics``."""
        return generate_latest(self.registry)


@dataclass(frozen=True)
class ThresholdReport:
    """What one look of a :class:`ThresholdMonitor` found: ``level`` is ``"error"`` (as many failing
    peers as the group can lose, ``n - t``, or more), ``"warn"`` (at least half that many, with Go's
    integer division) or ``"ok"``; ``failing`` lists the peers whose partials failed since the last look."""

    level: str
    failing: tuple[str, ...]
    group_size: int
    threshold: int


@dataclass
class ThresholdMonitor:
    """drand's threshold monitor: counts the peers a node failed to send a partial to, and once a
    period (a minute in drand) logs how close that is to the number of nodes the group can lose, then
    forgets them.

    drand calls ``ReportFailure`` from ``broadcastNextPartial`` when a send fails, and its ticker runs
    the look; here :meth:`report_failure` does the first and :meth:`look` the second, called by whoever
    keeps time (a test, the notebook, a node's clock). The levels are drand's, quirks included: with
    ``maxFailures = n - t``, ``failures >= maxFailures`` is an error and ``failures >= maxFailures / 2``
    (integer division) a warning — so when ``n - t`` is 1, half of it is 0 and a healthy group warns on
    every look. Only failed sends count: a peer that accepts partials but is far behind is not seen
    here (``last_beacon_round`` shows that).

    drand's:
    [`ThresholdMonitor`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/threshold_monitor.go#L39-L113).
    """

    group_size: int
    threshold: int
    failed: set[str] = field(default_factory=set)

    def report_failure(self, address: str) -> None:
        """A partial could not be sent to ``address`` (drand's ``ReportFailure``)."""
        self.failed.add(address)

    def update(self, threshold: int, group_size: int) -> None:
        """A resharing changed the group (drand's ``Update``, called from ``TransitionNewGroup``)."""
        self.threshold, self.group_size = threshold, group_size

    def look(self) -> ThresholdReport:
        """One tick of drand's loop: the level for the failures seen since the last look, which it forgets."""
        max_failures = self.group_size - self.threshold
        failing = tuple(sorted(self.failed))
        if len(failing) >= max_failures:
            level = "error"
        elif len(failing) >= max_failures // 2:
            level = "warn"
        else:
            level = "ok"
        self.failed = set()
        return ThresholdReport(level, failing, self.group_size, self.threshold)
