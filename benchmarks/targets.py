"""The project's performance targets, measured in one run and printed as one table (``make bench``).

    python benchmarks/targets.py [--quick] [--runs N]

* ``drand-edu --help`` <= 0.15 s: the whole process, median of N runs;
* ``drand-edu verify`` of one beacon <= 0.3 s: the whole process (start, read the files, verify, exit);
* ``verify --batch`` of 1,000 chained beacons >= 4x faster than drand-verify: two whole processes run
  in turn, ours and a Python process that checks the same beacons one by one with drand-verify
  (Rust); the median of the pairwise ratios;
* single verify <= 0.7x drand-verify: inside one process, per call, each call on a beacon it has not
  seen (our caches emptied), alternating blocks of theirs and ours;
* simulator, 16 nodes x 1,000 rounds of pedersen-bls-chained <= 30 s: ``LocalNetwork.run_rounds`` on
  the virtual clock (``--quick``: 200 rounds, scaled), its CPU seconds beside. The nodes share one
  ``SharedVerifier`` (each check once per network, not once per node: see drand_edu/node/verifier.py).

Whole processes are timed from outside with ``subprocess`` and ``time.perf_counter``; the CPU seconds
they used (``resource.getrusage`` of the children) are shown beside, because on a shared machine the
wall clock also counts the time others' processes held the cores. The beacons are a mainnet-style
chained chain signed for the run (``common.chained_chain``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import drand_verify
from common import chained_chain, median_ms_each

from drand_edu.chain import Beacon, ChainInfo, verify_beacon
from drand_edu.crypto.backend import current_backend
from drand_edu.crypto.groups import clear_caches
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng

DRAND_VERIFY_SCRIPT = """
import json, sys
import drand_verify
info = json.load(open(sys.argv[1]))
for b in json.load(open(sys.argv[2])):
    drand_verify.verify_pedersen_bls_chained(b["round"], b["previous_signature"], b["signature"],
                                             info["public_key"])
"""


def drand_edu_command() -> list[str]:
    """The console script next to this Python, as a user runs it (else ``python -m drand_edu.cli``)."""
    script = Path(sys.executable).with_name("drand-edu")
    return [str(script)] if script.exists() else [sys.executable, "-m", "drand_edu.cli"]


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (it must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def time_process(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds over ``runs`` runs, after one warm-up run."""
    run_once(command)
    samples = [run_once(command) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def time_pair(ours: list[str], theirs: list[str], runs: int) -> tuple[float, float, float, float]:
    """Both commands in turn (A B A B ...): medians of the wall-time and CPU-time ratios theirs/ours,
    and our median wall and CPU seconds."""
    run_once(ours), run_once(theirs)
    wall_ratios, cpu_ratios, walls, cpus = [], [], [], []
    for _ in range(runs):
        our_wall, our_cpu = run_once(ours)
        their_wall, their_cpu = run_once(theirs)
        wall_ratios.append(their_wall / our_wall)
        cpu_ratios.append(their_cpu / our_cpu)
        walls.append(our_wall)
        cpus.append(our_cpu)
    med = statistics.median
    return med(wall_ratios), med(cpu_ratios), med(walls), med(cpus)


def single_verify_ratio(info: ChainInfo, beacons: list[Beacon], blocks: int) -> tuple[float, float, float]:
    """Our verify_beacon / drand-verify's, per call, on fresh beacons, in alternating blocks of 30."""
    key = info.public_key.hex()

    def theirs(beacon: Beacon) -> None:
        drand_verify.verify_pedersen_bls_chained(
            beacon.round, beacon.previous_signature.hex(), beacon.signature.hex(), key
        )

    clear_caches()
    ours_ms, theirs_ms = [], []
    for block in range(blocks):
        sample = beacons[block * 30 : (block + 1) * 30]
        theirs_ms.append(median_ms_each(theirs, sample))
        ours_ms.append(median_ms_each(lambda beacon: verify_beacon(info, beacon), sample))
    ours, theirs_median = statistics.median(ours_ms), statistics.median(theirs_ms)
    return ours / theirs_median, ours, theirs_median


def simulator_seconds(rounds: int, full: int) -> tuple[float, float]:
    """Wall and CPU seconds of ``run_rounds(rounds)`` on 16 nodes (after the DKG), scaled to ``full``."""
    net = LocalNetwork.create(16, None, "pedersen-bls-chained", rng=seeded_rng(1))
    start, cpu = time.perf_counter(), time.process_time()
    net.run_rounds(rounds)
    scale = full / rounds
    return (time.perf_counter() - start) * scale, (time.process_time() - cpu) * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, a shorter simulation")
    parser.add_argument("--runs", type=int, help="runs of each whole-process figure (default 7, quick 3)")
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    info, beacons, _ = chained_chain(1000)
    rows: list[tuple[str, str, str, float]] = []  # target, measured, detail, share of the target used

    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder)
        (files / "info.json").write_text(json.dumps(info.to_json()))
        (files / "beacons.json").write_text(json.dumps([b.to_json() for b in beacons]))
        (files / "one.json").write_text(json.dumps(beacons[-1].to_json()))
        (files / "drand_verify_all.py").write_text(DRAND_VERIFY_SCRIPT)
        cli = drand_edu_command()
        verify = [*cli, "verify", "--info", str(files / "info.json")]

        wall, cpu = time_process([*cli, "--help"], runs)
        rows.append(("drand-edu --help <= 0.15 s", f"{wall:.3f} s", f"cpu {cpu:.3f} s", wall / 0.15))
        wall, cpu = time_process([*verify, str(files / "one.json")], runs)
        rows.append(("drand-edu verify (1 beacon) <= 0.3 s", f"{wall:.3f} s", f"cpu {cpu:.3f} s", wall / 0.3))
        theirs = [sys.executable, str(files / "drand_verify_all.py"), str(files / "info.json")]
        wall_ratio, cpu_ratio, wall, cpu = time_pair(
            [*verify, "--batch", str(files / "beacons.json")], [*theirs, str(files / "beacons.json")], runs
        )
        detail = f"{wall_ratio:.1f}x wall, {cpu_ratio:.1f}x cpu"
        rows.append(("verify --batch 1,000 >= 4x drand-verify", f"{wall:.3f} s", detail, 4 / wall_ratio))

    ratio, ours_ms, theirs_ms = single_verify_ratio(info, beacons[:300], 4 if args.quick else 10)
    detail = f"{ratio:.2f}x of drand-verify's {theirs_ms:.2f} ms"
    rows.append(("single verify <= 0.7x drand-verify", f"{ours_ms:.2f} ms", detail, ratio / 0.7))
    rounds = 200 if args.quick else 1000
    seconds, cpu = simulator_seconds(rounds, 1000)
    detail = (f"{rounds} rounds, scaled" if rounds != 1000 else "1,000 rounds") + f", cpu {cpu:.1f} s"
    rows.append(("simulator 16 x 1,000 chained <= 30 s", f"{seconds:.1f} s", detail, seconds / 30))

    python_wall, python_cpu = time_process([sys.executable, "-c", "pass"], runs)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"targets (backend {current_backend().name}; whole processes: median of {runs} runs)")
    print(f"for scale: an empty Python process takes {python_wall:.3f} s (cpu {python_cpu:.3f} s) here; "
          f"load average {load}")  # fmt: skip
    print(f"{'target':40} {'measured':>10}  {'of target':>9}  {'verdict':7}  detail")
    for target, measured, detail, used in rows:
        print(f"{target:40} {measured:>10}  {used:9.2f}  {'PASS' if used <= 1 else 'MISS':7}  {detail}")
    print("of target: the measured figure as a share of what the target allows (<= 1.00 passes)")


if __name__ == "__main__":
    main()
