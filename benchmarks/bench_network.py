"""Node-system figures: a simulated network, a big sync, and the HTTP API on loopback.

    python benchmarks/bench_network.py [--quick]

1. **Simulated network** — 16 nodes (t = 9) producing 1,000 rounds on the virtual clock, fast backend
   (target: under 30 s). ``--quick`` runs 200 rounds and extrapolates.
2. **Sync** — a fresh SQLite store syncing 10,000 chained rounds from a peer with batch verification
   (2 processes), in rounds/s, against verifying each round with drand-verify (measured on 1,000
   rounds and scaled, to keep the run short).
3. **HTTP** — ``GET /public/latest`` on 127.0.0.1 for 3 s with 1 and 4 client threads: requests/s, p99.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import drand_verify
from common import chained_chain

from drand_edu.api import ServedChain, serve
from drand_edu.crypto.groups import clear_caches
from drand_edu.node.network import LocalNetwork
from drand_edu.node.sync import BatchSync
from drand_edu.rng import seeded_rng
from drand_edu.store import MemoryStore, SQLiteStore, StoreSource


def bench_simulation(rounds: int, full: int) -> None:
    for scheme_id in ("bls-unchained-g1-rfc9380", "pedersen-bls-chained"):
        net = LocalNetwork.create(16, None, scheme_id, rng=seeded_rng(1))
        start = time.perf_counter()
        net.run_rounds(rounds)
        elapsed = time.perf_counter() - start
        estimate = elapsed * full / rounds
        verdict = "PASS" if estimate < 30 else "MISS"
        print(f"  {scheme_id:26} {rounds} rounds in {elapsed:6.1f} s → {full} rounds ≈ {estimate:6.1f} s "
              f"(target < 30 s) {verdict}; messages {len(net.sim.trace)}")  # fmt: skip


def bench_sync(rounds: int) -> None:
    info, beacons, _ = chained_chain(rounds, seed="sync-bench")
    peer = MemoryStore(max(rounds, 10))  # drand's memdb keeps the last N: room for all of them
    for beacon in beacons:
        peer.put(beacon)
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "sync.db", trimmed=False)
        clear_caches()  # a joining node has never seen these beacons
        start = time.perf_counter()
        report = BatchSync(info, store, [StoreSource(peer)], chunk=1000, workers=2).sync(rounds)
        elapsed = time.perf_counter() - start
        store.close()
    assert report.ok and report.stored == rounds
    sample = beacons[:1000]
    start = time.perf_counter()
    for beacon in sample:
        drand_verify.verify_pedersen_bls_chained(
            beacon.round, beacon.previous_signature.hex(), beacon.signature.hex(), info.public_key.hex()
        )
    per_round = (time.perf_counter() - start) / len(sample)
    rate, theirs = rounds / elapsed, 1 / per_round
    print(f"  synced {rounds} rounds (verified, stored in SQLite) in {elapsed:.1f} s: {rate:,.0f} rounds/s")
    print(f"  drand-verify one by one: {theirs:,.0f} rounds/s → ours is {rate / theirs:.1f}x faster")


def bench_http(seconds: float) -> None:
    info, beacons, _ = chained_chain(50)
    store = MemoryStore()
    for beacon in beacons:
        store.put(beacon)
    now = info.time_of_round(50) + 1
    with serve(ServedChain(info, store), clock=lambda: now) as server:
        for threads in (1, 4):
            latencies: list[float] = []
            lock = threading.Lock()
            stop = time.perf_counter() + seconds
            args = (server.url + "/public/latest", stop, latencies, lock)
            workers = [threading.Thread(target=_hammer, args=args) for _ in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            p99 = statistics.quantiles(latencies, n=100)[98] * 1000
            print(
                f"  {threads} client thread(s): {len(latencies) / seconds:,.0f} requests/s, p99 {p99:.1f} ms"
            )


def _hammer(url: str, stop: float, latencies: list[float], lock: threading.Lock) -> None:
    mine = []
    while time.perf_counter() < stop:
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=5) as answer:
            answer.read()
        mine.append(time.perf_counter() - start)
    with lock:
        latencies.extend(mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print("simulated network, 16 nodes, t = 9, fast backend")
    bench_simulation(200 if args.quick else 1000, 1000)
    print("sync with batch verification (pedersen-bls-chained)")
    bench_sync(2000 if args.quick else 10_000)
    print("HTTP /public/latest on 127.0.0.1")
    bench_http(1.0 if args.quick else 3.0)


if __name__ == "__main__":
    main()
