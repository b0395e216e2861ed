"""The public API under load, on loopback: many concurrent clients, then slow (slowloris) clients.

    python benchmarks/bench_http.py [--seconds 3] [--repeat 5] [--baseline]

1. **64 concurrent clients** on ``GET /public/latest`` for ``--seconds``: requests/s, p50/p99
   latency, timeouts (2 s). Target: 0 timeouts, p99 <= 100 ms. A closed loop (each client asks again
   as soon as it has an answer: a saturation test, where latency = clients / throughput), measured
   three ways:

   * by **one event-loop client** holding 64 connections (a new connection per request, as urllib
     does, then keep-alive): it costs the server's machine little and adds no queueing of its own, so
     the latency is the server's;
   * by **64 urllib threads** in one process: these threads share one interpreter lock, so their
     figure also holds the time an answered thread waits for its turn (the client's own queue);
   * paced at 5 requests/s per urllib client (320 requests/s offered).
2. **200 slow clients** hold half-sent requests while 8 normal clients measure again: the slow ones
   must not delay the others.

Each measurement starts with :data:`WARM_UP` seconds whose requests are not counted. Each row is
measured ``--repeat`` times; the table gives the median of each figure (timeouts: the
largest), and the load average when the row ended, because this 2-core machine is shared.

The server runs in a child process (the clients' threads would otherwise share its interpreter lock).

``--baseline`` runs the same against the standard library's ``ThreadingHTTPServer`` (what the API
used before issue 15: listen backlog 5, one thread per connection) for comparison. Loopback only;
every loop is bounded by time.
"""

from __future__ import annotations

import argparse
import os
import random
import selectors
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
#: seconds at the start of each measurement whose requests are not counted: the first connections of
#: 64 clients arrive at once on a server that has not served yet (steady state is what is measured)
WARM_UP = 0.5


def load(url: str, clients: int, seconds: float, rate: float = 0.0) -> dict[str, float]:
    """``clients`` threads GET ``url`` in a loop for ``seconds`` (each at most ``rate`` requests/s;
    0: as fast as it can, a closed loop), after :data:`WARM_UP`; latencies and timeouts."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    counted_from = time.perf_counter() + WARM_UP
    stop = time.monotonic() + WARM_UP + seconds

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
                    failures[0] += start >= counted_from
                continue
            if start >= counted_from:
                with lock:
                    latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _figures(latencies, failures[0], seconds)


def event_loop_load(
    host: str, port: int, clients: int, seconds: float, keep_alive: bool = False
) -> dict[str, float]:
    """``clients`` connections driven by one thread (``selectors``), each sending ``GET /public/latest``
    again as soon as its answer is complete, for ``seconds``: the same figures as :func:`load`."""
    request = (f"GET /public/latest HTTP/1.1\r\nHost: {host}:{port}\r\n"
               + ("" if keep_alive else "Connection: close\r\n") + "\r\n").encode()  # fmt: skip
    selector = selectors.DefaultSelector()
    started: dict[socket.socket, float] = {}
    received: dict[socket.socket, bytearray] = {}
    latencies: list[float] = []
    failures = 0
    counted_from = time.perf_counter() + WARM_UP
    stop = time.monotonic() + WARM_UP + seconds

    def begin(conn: socket.socket | None = None) -> None:
        if conn is None:
            conn = socket.socket()
            conn.setblocking(False)
            conn.connect_ex((host, port))
            selector.register(conn, selectors.EVENT_WRITE)
        else:
            selector.modify(conn, selectors.EVENT_WRITE)
        started[conn], received[conn] = time.perf_counter(), bytearray()

    def end(conn: socket.socket, ok: bool) -> None:
        nonlocal failures
        if started[conn] < counted_from:
            pass  # begun during the warm-up
        elif ok:
            latencies.append(time.perf_counter() - started[conn])
        else:
            failures += 1
        again = time.monotonic() < stop
        if ok and keep_alive and again:
            begin(conn)
            return
        selector.unregister(conn)
        conn.close()
        del started[conn], received[conn]
        if again:
            begin()

    for _ in range(clients):
        begin()
    while started:
        for key, events in selector.select(timeout=0.05):
            conn = key.fileobj
            if events & selectors.EVENT_WRITE:
                try:
                    conn.sendall(request)
                except OSError:
                    end(conn, False)
                    continue
                selector.modify(conn, selectors.EVENT_READ)
                continue
            try:
                data = conn.recv(65536)
            except OSError:
                end(conn, False)
                continue
            received[conn] += data
            if data and keep_alive:
                head, _, body = bytes(received[conn]).partition(b"\r\n\r\n")
                length = [line.split(b":", 1)[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]  # fmt: skip
                if not length or len(body) < int(length[0]):
                    continue
            elif data:
                continue
            end(conn, bytes(received[conn]).startswith(b"HTTP/1.1 200"))
        now = time.perf_counter()
        for conn in [c for c, t in started.items() if now - t > TIMEOUT]:
            end(conn, False)
    return _figures(latencies, failures, seconds)


def _figures(latencies: list[float], failures: int, seconds: float) -> dict[str, float]:
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    return {
        "requests/s": len(latencies) / seconds,
        "p50 ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99 ms": 1000 * p99,
        "timeouts": failures,
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


def report(name: str, runs: list[dict[str, float]]) -> None:
    """One row: the median of each figure over the runs (timeouts: the largest), and the load now."""
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    figures["timeouts"] = max(run["timeouts"] for run in runs)
    p99s = " ".join(f"{run['p99 ms']:.0f}" for run in runs)
    print(f"  {name:44} " + "  ".join(f"{k} {v:7.1f}" for k, v in figures.items())
          + f"  (p99 of each run: {p99s}; load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


def run(url: str, host: str, port: int, seconds: float, repeat: int) -> None:
    def times(measure) -> list[dict[str, float]]:
        return [measure() for _ in range(repeat)]

    report("64 clients, closed loop, event-loop client",
           times(lambda: event_loop_load(host, port, 64, seconds)))  # fmt: skip
    report("64 clients, closed loop, keep-alive",
           times(lambda: event_loop_load(host, port, 64, seconds, keep_alive=True)))  # fmt: skip
    report("64 urllib threads, closed loop", times(lambda: load(url, 64, seconds)))
    report("64 urllib threads, 5 requests/s each", times(lambda: load(url, 64, seconds, rate=5)))
    report("8 urllib threads (reference)", times(lambda: load(url, 8, seconds)))
    held = slow_clients(host, port, 200)
    try:
        report(f"8 urllib threads beside {len(held)} slow clients", times(lambda: load(url, 8, seconds)))
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
    parser.add_argument("--repeat", type=int, default=5, help="runs of each row (the median is shown)")
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
            run(url + "/public/latest", host, int(port), args.seconds, args.repeat)
        finally:
            child.stdin.close()
            child.wait(timeout=30)


if __name__ == "__main__":
    main()
