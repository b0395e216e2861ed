"""The public API under load, on loopback: many concurrent clients, then slow (slowloris) clients.

    python benchmarks/bench_http.py [--seconds 3] [--baseline]

1. **64 concurrent clients** on ``GET /public/latest`` (a new connection per request, as urllib does),
   for ``--seconds``: requests/s, p50/p99 latency, timeouts (2 s). Target: 0 timeouts, p99 <= 100 ms.
   Twice: a closed loop (each client asks again as soon as it has an answer: a saturation test, where
   latency = clients / throughput) and paced at 5 requests/s per client (320 requests/s offered).
2. **200 slow clients** hold half-sent requests while 8 normal clients measure again: the slow ones
   must not delay the others.

The server runs in a child process (the clients' threads would otherwise share its interpreter lock).

``--baseline`` runs the same against the standard library's ``ThreadingHTTPServer`` (what the API
used before issue 15: listen backlog 5, one thread per connection) for comparison. Loopback only;
every loop is bounded by time.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from drand_edu.api import ServedChain, serve
from drand_edu.api.server import PublicAPI
from drand_edu.node.network import LocalNetwork
from drand_edu.rng import seeded_rng

TIMEOUT = 2.0


def load(url: str, clients: int, seconds: float, rate: float = 0.0) -> dict[str, float]:
    """``clients`` threads GET ``url`` in a loop for ``seconds`` (each at most ``rate`` requests/s;
    0: as fast as it can, a closed loop); latencies and timeouts."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        next_at = time.monotonic() + (random.random() / rate if rate else 0.0)  # clients not in step
        while time.monotonic() < stop:
            if rate:
                next_at += 1 / rate
                time.sleep(max(0.0, next_at - time.monotonic()))
            start = time.perf_counter()
            try:
                urllib.request.urlopen(url, timeout=TIMEOUT).read()
            except (OSError, urllib.error.URLError):
                with lock:
                    failures[0] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "requests/s": len(latencies) / seconds,
        "p50 ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99 ms": 1000 * p99,
        "timeouts": failures[0],
    }


def slow_clients(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` connections that send half a request line and then nothing."""
    held = []
    for _ in range(count):
        try:
            conn = socket.create_connection((host, port), timeout=2)
            conn.sendall(b"GET /public/lat")
            held.append(conn)
        except OSError:
            break
    return held


def baseline_server(api: PublicAPI) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = api.handle(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def report(name: str, figures: dict[str, float]) -> None:
    print(f"  {name:34} " + "  ".join(f"{k} {v:8.1f}" for k, v in figures.items()))


def run(url: str, host: str, port: int, seconds: float) -> None:
    report("64 clients, closed loop", load(url, 64, seconds))
    report("64 clients, 5 requests/s each", load(url, 64, seconds, rate=5))
    report("8 clients (reference)", load(url, 8, seconds))
    held = slow_clients(host, port, 200)
    try:
        report(f"8 clients beside {len(held)} slow ones", load(url, 8, seconds))
    finally:
        for conn in held:
            conn.close()


def serve_in_this_process(kind: str) -> None:
    """The server side (``--serve KIND``): a child process, so that the 64 client threads of the
    benchmark do not share the server's interpreter lock. Prints its URL, serves until stdin closes."""
    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", period=3, rng=seeded_rng("bench-http"))
    net.run_rounds(5)
    chain = ServedChain(net.info, net.processes[0].store)
    if kind == "waitress":
        server = serve(chain, clock=net.now)
        print(server.url, flush=True)
        sys.stdin.read()
        server.close()
    else:
        old = baseline_server(PublicAPI([chain], net.now))
        host, port = old.server_address[:2]
        print(f"http://{host}:{port}", flush=True)
        sys.stdin.read()
        old.shutdown()
        old.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--baseline", action="store_true", help="also measure http.server (before)")
    parser.add_argument("--serve", choices=["waitress", "http.server"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_in_this_process(args.serve)
        return
    kinds = ["waitress", "http.server"] if args.baseline else ["waitress"]
    for kind in kinds:
        child = subprocess.Popen([sys.executable, __file__, "--serve", kind], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)  # fmt: skip
        try:
            url = child.stdout.readline().strip()
            name = (
                "drand-edu API (waitress, net/http_server.py)"
                if kind == "waitress"
                else "baseline: http.server"
            )
            print(f"{name} at {url}, in its own process")
            host, port = url.removeprefix("http://").split(":")
            run(url + "/public/latest", host, int(port), args.seconds)
        finally:
            child.stdin.close()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
