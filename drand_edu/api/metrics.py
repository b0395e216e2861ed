"""A node's metrics on their own listener, as drand serves them (``drand start --metrics ADDR``).

drand never puts its Prometheus metrics on the public API:
[`Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L375-L413)
opens a separate listener (a bare port means ``127.0.0.1:PORT``) whose mux serves ``/metrics``
(plus drand's ``/peer/`` relay and debug handlers, which we leave out). Every beacon process of
the daemon reports into that one registry, told apart by the ``beacon_id`` label. Here each beacon
process has its own :class:`~drand_edu.node.metrics.NodeMetrics` registry, and
:class:`MetricsAPI` merges them into one exposition, so one scrape shows every chain of the node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.metrics_core import Metric

from ..errors import InvalidInput
from ..node.metrics import NodeMetrics
from .server import Server

Sources = Callable[[], Iterable[NodeMetrics]]


class _Merged:
    """A collector whose families are those of several registries, samples of a name together."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for metrics in self.sources():
            for family in metrics.registry.collect():
                into = merged.get(family.name)
                if into is None:
                    into = merged[family.name] = Metric(family.name, family.documentation, family.type)
                into.samples.extend(family.samples)
        yield from merged.values()


class MetricsAPI:
    """``handle(path)`` for the metrics listener: ``/metrics`` only (Prometheus' text format)."""

    def __init__(self, sources: Sources | Iterable[NodeMetrics]) -> None:
        if not callable(sources):
            fixed = list(sources)
            sources = lambda: fixed  # noqa: E731 - a fixed list of beacon processes
        self._collector = _Merged(sources)

    def exposition(self) -> bytes:
        return generate_latest(self._collector)  # type: ignore[arg-type]

    def handle(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.split("?", 1)[0] != "/metrics":
            return 404, {"Content-Type": "text/plain"}, b"404 page not found\n"
        return 200, {"Content-Type": CONTENT_TYPE_LATEST}, self.exposition()


def metrics_address(text: str) -> tuple[str, int]:
    """drand's ``--metrics`` value: ``HOST:PORT``, or a bare ``PORT`` meaning ``127.0.0.1:PORT``."""
    host, _, port = text.rpartition(":") if ":" in text else ("127.0.0.1", ":", text)
    if not port.isdigit() or not host:
        raise InvalidInput(f"--metrics must be PORT or HOST:PORT, got {text!r}")
    return host, int(port)


def serve_metrics(
    sources: Sources | Iterable[NodeMetrics], host: str = "127.0.0.1", port: int = 0
) -> Server:
    """Serve the metrics of ``sources`` (NodeMetrics, or a function listing them) at ``/metrics``."""
    return Server(MetricsAPI(sources), host, port, name="drand-edu-metrics")
