"""The daemon: one per node, owning every layer of it (drand's ``internal/core/drand_daemon.go``).

drand runs one daemon process per operator. It holds the node's key folder (the file store), one
beacon process per chain it takes part in (each signing through its vault: share, public polynomial,
group, in memory), that chain's store, its metrics, and the public HTTP API that serves the store to
clients. The layers only talk downwards::

    Daemon ── FileStore (key folder: key pair, share, group file)
           ── BeaconProcess ── Vault (share, polynomial, group, chain info: signs partials)
                           ── network (partials in and out) ── store stack (verified beacons only):
                              callback → append → scheme → discrepancy → backend (memdb ring or SQLite)
           ── NodeMetrics
           ── public API (reads the store) ──► clients

:meth:`Daemon.layers` lists them, for the architecture picture of session 5. The API lives one layer
up (``drand_edu.api``: it imports the node, never the other way round); ``drand_edu.api.serve_node``
starts it for a daemon and records it in :attr:`Daemon.api`.
"""

from __future__ import annotations

from typing import Any

from .beacon_process import BeaconProcess
from .key_store import FileStore
from .metrics import NodeMetrics


class Daemon:
    """A node: its key store, its beacon process (with vault, store, metrics), optionally its public API."""

    def __init__(self, key_store: FileStore, process: BeaconProcess) -> None:
        if key_store.share is not None and key_store.share != process.share:
            raise ValueError("the key store's share and the beacon process's vault's share differ")
        self.key_store = key_store
        self.process = process
        self.api: Any = None  # the running public API server, set by drand_edu.api.serve_node

    @property
    def index(self) -> int:
        return self.process.index

    @property
    def store(self):
        return self.process.store

    @property
    def metrics(self) -> NodeMetrics | None:
        return self.process.metrics

    def stop_api(self) -> None:
        if self.api is not None:
            self.api.close()
            self.api = None

    def layers(self) -> list[tuple[str, str]]:
        """(layer, what this node has there), top to bottom."""
        return [
            ("daemon", f"node {self.index}"),
            ("key store", repr(self.key_store)),
            (
                "beacon process",
                f"round loop of chain {self.process.info.hash_hex[:8]}…, t = {self.process.threshold}",
            ),
            ("vault", repr(self.process.vault)),
            ("store", self._store_line()),
            (
                "metrics",
                "last_beacon_round, beacon_discrepancy_latency, group_size, group_threshold, dkg_state",
            ),
            ("public API", self.api.url if self.api else "not started"),
        ]

    def _store_line(self) -> str:
        """The store stack, outermost layer first, down to its backend, and the last round."""
        store = self.store
        layers = store.layers() if hasattr(store, "layers") else [repr(store)]
        return f"{' → '.join(layers)}, last round {store.last_round()}"

    def __repr__(self) -> str:
        api = "on" if self.api else "off"
        return f"Daemon(node {self.index}, last round {self.store.last_round()}, api={api})"
