"""Crypto figures for both backends, measured against the independent drand-verify (Rust) in the same run.

    python benchmarks/bench_crypto.py [--quick]

Prints the median time per operation (ms) of sign, verify, hash-to-G1, hash-to-G2 and batch
verification of chained beacons, then the BN254 scheme's (evmnet) verify and hash-to-G1 on every
backend that has BN254, then checks the project's two targets:

* our fast single verify takes at most 0.7x drand-verify's time for the same beacon;
* batch-verifying 1,000 chained beacons is at least 4x faster than verifying them one by one with
  drand-verify.

The beacons are a real-style chained chain (pedersen-bls-chained, like mainnet) signed for the run.
Every timed call meets a beacon (or message) it has not seen before, with our decoding and hashing
caches emptied first (``clear_caches``): the cost of fresh work, as drand-verify pays it.
py_ecc is a reference implementation in pure Python: its batch uses fewer beacons (and says so).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import drand_verify
from common import chained_chain, median_ms_each

from drand_edu.chain import Beacon, ChainInfo, verify_batch, verify_beacon
from drand_edu.crypto import bls, scheme_by_id, use_backend
from drand_edu.crypto.backend import available_backends
from drand_edu.crypto.constants import BN254
from drand_edu.crypto.groups import BN254_G1, G1, G2, clear_caches
from drand_edu.crypto.schemes import DST_G1, DST_G2
from drand_edu.rng import seeded_rng

SCHEME = scheme_by_id("pedersen-bls-chained")


def drand_verify_one(info: ChainInfo, beacon: Beacon) -> None:
    drand_verify.verify_pedersen_bls_chained(
        beacon.round, beacon.previous_signature.hex(), beacon.signature.hex(), info.public_key.hex()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a smaller py_ecc batch")
    args = parser.parse_args()
    batch_size = 1000
    info, beacons, secret = chained_chain(batch_size)
    blocks = 4 if args.quick else 10
    fresh = beacons[: blocks * 30]  # the single-verify blocks never see a beacon twice
    clear_caches()

    print(f"drand-verify (Rust), {SCHEME.id}, median ms")
    # alternate blocks of ours and theirs, so slow phases of a noisy (virtual) machine hit both alike;
    # blocks rather than single calls, so that neither runs with caches the other just evicted
    ours, theirs = [], []
    for block in range(blocks):
        sample = fresh[block * 30 : (block + 1) * 30]
        theirs.append(median_ms_each(lambda beacon: drand_verify_one(info, beacon), sample))
        ours.append(median_ms_each(lambda beacon: verify_beacon(info, beacon), sample))
    dv_verify, our_verify = statistics.median(theirs), statistics.median(ours)
    start = time.perf_counter()
    for beacon in beacons:
        drand_verify_one(info, beacon)
    dv_batch = (time.perf_counter() - start) * 1000
    print(f"  verify one beacon                     {dv_verify:9.3f}")
    print(f"  verify {batch_size} one by one                {dv_batch:9.1f}")

    results: dict[str, dict[str, float]] = {}
    for backend, repeats, py_batch in (
        ("blst", 30 if args.quick else 100, batch_size),
        ("arkworks", 30 if args.quick else 100, batch_size),
        ("py_ecc", 2 if args.quick else 3, 8 if args.quick else 32),
    ):
        with use_backend(backend):
            clear_caches()
            messages = [f"{backend} message {i}".encode() for i in range(3 * repeats)]
            figures = {
                "sign": median_ms_each(lambda m: bls.sign(SCHEME, secret, m), messages[:repeats]),
                "verify (verify_beacon)": median_ms_each(
                    lambda b: verify_beacon(info, b), beacons[-repeats:]
                ),
                "hash to G1": median_ms_each(lambda m: G1.hash_to_curve(m, DST_G1), messages[repeats:]),
                "hash to G2": median_ms_each(lambda m: G2.hash_to_curve(m, DST_G2), messages[2 * repeats :]),
            }
            segment = beacons[:py_batch]
            for workers in (1, 2):
                clear_caches()
                start = time.perf_counter()
                bad = verify_batch(info, segment, rng=seeded_rng(1), workers=workers)
                label = f"batch verify {len(segment)}, {workers} process{'es' if workers > 1 else ''} (total)"
                figures[label] = (time.perf_counter() - start) * 1000
                assert bad == [], bad
            results[backend] = figures
        print(f"\n{backend}, median ms")
        for name, value in figures.items():
            print(f"  {name:36} {value:9.3f}")

    bench_bn254(repeats=3 if args.quick else 7)

    fast = results["blst"]
    verify_ratio = our_verify / dv_verify
    batch_speedup = dv_batch / fast[f"batch verify {batch_size}, 2 processes (total)"]
    sequential_speedup = dv_batch / fast[f"batch verify {batch_size}, 1 process (total)"]
    print("\ntargets")
    print(
        f"  single verify: ours / drand-verify = {verify_ratio:.2f}x   (target <= 0.7x) "
        f"{'PASS' if verify_ratio <= 0.7 else 'MISS'}"
    )
    print(
        f"  batch of {batch_size}: drand-verify one by one / our batch = {batch_speedup:.1f}x"
        "   (target >= 4x) "
        f"{'PASS' if batch_speedup >= 4 else 'MISS'}"
    )
    print(f"  (one process: {sequential_speedup:.1f}x; the 2-core laptop of the brief runs 2)")
    py_batch_n = next(k for k in results["py_ecc"] if k.startswith("batch"))
    print(
        f"  (py_ecc: {py_batch_n} = {results['py_ecc'][py_batch_n]:.0f} ms;"
        " pure Python, for reading, not speed)"
    )


def bench_bn254(repeats: int) -> None:
    """evmnet's scheme: verify its real beacon (caches emptied each time) and hash fresh messages to G1."""
    evmnet = json.loads((Path(__file__).parent.parent / "tests/data/beacons-evmnet.json").read_text())
    info = ChainInfo.from_json(evmnet["info"])
    beacon = Beacon.from_json(evmnet["beacons"][0])

    def fresh_verify(_: object) -> None:
        clear_caches()
        verify_beacon(info, beacon)

    for backend in available_backends(BN254):
        with use_backend(backend):
            clear_caches()
            messages = [f"{backend} bn254 message {i}".encode() for i in range(repeats)]
            figures = {
                "verify the real evmnet beacon": median_ms_each(fresh_verify, range(repeats)),
                "hash to G1 (Keccak-256, SvdW)": median_ms_each(
                    lambda m: BN254_G1.hash_to_curve(m, info.scheme.dst), messages
                ),
            }
        print(f"\n{backend}, BN254 ({info.scheme.id}), median ms")
        for name, value in figures.items():
            print(f"  {name:36} {value:9.3f}")


if __name__ == "__main__":
    main()
