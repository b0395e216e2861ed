"""DKG figures: wall time and messages of a whole in-process DKG as the group grows.

    python benchmarks/bench_dkg.py [--quick] [--progress]

Runs :func:`drand_edu.threshold.dkg.run_dkg` with ``t = n // 2 + 1`` and no faults (fast sync, as
drand runs it) for n = 4, 16, 64, 128 on arkworks and n = 4, 8 on py_ecc, plus one resharing.
``--quick`` skips n = 128 and py_ecc n = 8. Every node runs in this one process, one after the
other, so the time is the sum of all nodes' work (a real network runs them in parallel); the
target is n = 64 in under 20 s on arkworks.

The work grows like n² (each of n dealers encrypts n shares, each of n holders checks n deals and n
signatures), and the share checks like n²·t; messages grow like n (one broadcast bundle per node
per phase) while the bytes grow like n² (a deal bundle carries n encrypted shares).
"""

from __future__ import annotations

import argparse
import time

from drand_edu.crypto import DEFAULT_SCHEME, use_backend
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg import run_dkg, run_reshare


def row(label: str, backend: str, n: int, t: int, seconds: float, outcome) -> None:
    counts = outcome.message_counts
    print(
        f"{label:8} {backend:9} {n:5} {t:4} {seconds:9.2f} {outcome.messages:9} "
        f"{counts['deal']:6} {counts['response']:6} {outcome.bytes_sent / 1024:10.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip n=128 and py_ecc n=8")
    parser.add_argument("--progress", action="store_true", help="show a progress bar per run")
    args = parser.parse_args()

    print(f"DKG ({DEFAULT_SCHEME.id}, t = n//2 + 1, fast sync, no faults): wall time of all n nodes")
    header = ("run", "backend", "n", "t", "seconds", "messages", "deals", "resps", "KiB sent")
    print("{:8} {:9} {:>5} {:>4} {:>9} {:>9} {:>6} {:>6} {:>10}".format(*header))
    runs = [("arkworks", n) for n in (4, 16, 64, 128)] + [("py_ecc", n) for n in (4, 8)]
    if args.quick:
        runs = [(b, n) for b, n in runs if not (n == 128 or (b == "py_ecc" and n == 8))]
    for backend, n in runs:
        t = n // 2 + 1
        with use_backend(backend):
            start = time.perf_counter()
            outcome = run_dkg(n, t, rng=seeded_rng(n), progress=args.progress)
            row("dkg", backend, n, t, time.perf_counter() - start, outcome)

    with use_backend("arkworks"):
        old = run_dkg(16, 9, rng=seeded_rng(1))
        start = time.perf_counter()
        new = run_reshare(old, 24, 13, rng=seeded_rng(2), progress=args.progress)
        row("reshare", "arkworks", 24, 13, time.perf_counter() - start, new)
        assert new.group_key == old.group_key


if __name__ == "__main__":
    main()
