"""Timelock and client figures: tlock encrypt/decrypt on both backends, client get with and without cache.

    python benchmarks/bench_tlock.py [--quick]

Prints medians in milliseconds. The client figures use a local HTTP server on 127.0.0.1 that serves
signed beacons of a chain made up for the benchmark (no network beyond loopback).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import median_ms_each

from drand_edu.chain import Beacon, ChainInfo
from drand_edu.client import Client
from drand_edu.crypto import bls, scheme_by_id, use_backend
from drand_edu.crypto.groups import clear_caches
from drand_edu.rng import seeded_rng
from drand_edu.tlock import decrypt, encrypt


def make_chain(scheme_id: str) -> tuple[ChainInfo, int]:
    scheme = scheme_by_id(scheme_id)
    keys = bls.keygen(scheme, rng=seeded_rng(1))
    return ChainInfo(keys.public.to_bytes(), 3, 1_600_000_000, b"bench", scheme, "bench"), keys.secret


def bench_tlock(quick: bool) -> None:
    print("tlock (16-byte message), median ms")
    print(f"{'scheme':28} {'backend':9} {'encrypt':>9} {'decrypt':>9}")
    for scheme_id in ("bls-unchained-g1-rfc9380", "pedersen-bls-unchained"):
        info, secret = make_chain(scheme_id)
        for backend, repeats in (("arkworks", 20 if quick else 100), ("py_ecc", 1 if quick else 3)):
            # every call meets a round it has not seen, with the decoding/hashing caches emptied:
            # the cost a user pays for a fresh ciphertext
            to_encrypt = range(10_000, 10_000 + repeats)
            to_decrypt = range(20_000, 20_000 + repeats)
            beacons = {r: Beacon(r, bls.sign(info.scheme, secret, info.scheme.digest(r))) for r in to_decrypt}
            with use_backend(backend):
                sealed = {r: encrypt(info, r, b"sixteen byte msg", rng=seeded_rng(r)) for r in to_decrypt}
                clear_caches()
                enc = median_ms_each(lambda r, i=info: encrypt(i, r, b"sixteen byte msg"), to_encrypt)
                pairs = [(sealed[r], beacons[r]) for r in to_decrypt]
                dec = median_ms_each(lambda pair, i=info: decrypt(pair[0], i, lambda _: pair[1]), pairs)
            print(f"{scheme_id:28} {backend:9} {enc:9.2f} {dec:9.2f}")


def serve(info: ChainInfo, beacons: dict[int, Beacon]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if parts[-1] == "info":
                body = info.to_json()
            else:
                body = beacons[int(parts[-1])].to_json()
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bench_client(quick: bool) -> None:
    info, secret = make_chain("bls-unchained-g1-rfc9380")
    rounds = range(1, 101 if quick else 501)
    beacons = {r: Beacon(r, bls.sign(info.scheme, secret, info.scheme.digest(r))) for r in rounds}
    server = serve(info, beacons)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with use_backend("arkworks"):
        client = Client(url, chain_hash=info.hash())
        start = time.perf_counter()
        for r in rounds:
            client.get(r)
        cold = len(rounds) / (time.perf_counter() - start)
        start = time.perf_counter()
        for r in rounds:
            client.get(r)
        warm = len(rounds) / (time.perf_counter() - start)
    server.shutdown()
    print(f"\nclient.get over HTTP on 127.0.0.1, {len(rounds)} rounds (arkworks, verification on)")
    print(f"  cache cold (fetch + verify): {cold:10.0f} beacons/s")
    print(f"  cache warm (verified cache): {warm:10.0f} beacons/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    bench_tlock(args.quick)
    bench_client(args.quick)
