"""Issue 15's table, re-measured: every probe of a hostile byte or a careless user, run again.

    PYTHONPATH=. python benchmarks/probe_hostile.py [--cases 2000] [--folder /tmp/probe-demo]

Starts a real 4-node network (``drand-edu demo up``: four ``drand-edu start`` processes, the DKG over
their ports), runs each probe of the issue against it or against the library and the CLI, then stops
it with ``drand-edu demo down`` after one node was restarted by hand (the last row). Prints the
issue's table: probe | cases | untyped errors / failures, each row measured now.

Issue 23's peer-port rows (``probe_sync_reflector`` … ``probe_sync_from_round_one``) say, per attack
class, how many cases held and failed, and the attacked node's RSS and CPU (from ``/proc``) under it.

Generated cases come from the fuzz suite's seeded mutators (``tests/test_fuzz_decoders.py``), so a
run is reproducible. The forged-abort row drives in-process DKG nodes (the same ``DKGProcess`` code
the node processes run, on ``tests/test_dkg_process.py``'s virtual network), because a forged abort
matters only while a DKG is under way. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_http import event_loop_load  # noqa: E402
from drand_edu.chain.beacon import Beacon  # noqa: E402
from drand_edu.chain.info import ChainInfo  # noqa: E402
from drand_edu.cli import main as cli  # noqa: E402
from drand_edu.cli.control import read_pid  # noqa: E402
from drand_edu.errors import DrandEduError  # noqa: E402
from drand_edu.net.messages import from_bytes  # noqa: E402
from drand_edu.node.key_store import PRIVATE_FILE, SHARE_FILE, FileStore  # noqa: E402
from drand_edu.threshold.group import Group  # noqa: E402
from tests import test_fuzz_decoders as fuzz  # noqa: E402

DEEP = b"[" * 100_000 + b"]" * 100_000


# -- the network -------------------------------------------------------------------------------------
class Network:
    """The 4 node processes of ``demo up`` in ``folder``: their ports, tokens and pids."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.nodes = sorted(p for p in folder.glob("node*") if p.is_dir())
        self.public = [(n / "public.url").read_text().strip() for n in self.nodes]
        self.control = [int((n / "control.port").read_text()) for n in self.nodes]
        self.token = [(n / "control.token").read_text().strip() for n in self.nodes]
        self.peer = [FileStore.load(n).address for n in self.nodes]
        self.info = ChainInfo.from_json(json.loads(urllib.request.urlopen(self.public[0] + "/info").read()))

    def pids(self) -> list[int | None]:
        return [read_pid(n / "node.pid") for n in self.nodes]

    def alive(self) -> int:
        """How many nodes answer ``/identity`` on their peer port and ``/health`` on the public one."""
        count = 0
        for peer, public in zip(self.peer, self.public, strict=True):
            try:
                urllib.request.urlopen(f"http://{peer}/identity", timeout=3).close()
                urllib.request.urlopen(public + "/info", timeout=3).close()
                count += 1
            except OSError:
                pass
        return count


def quiet_cli(argv: list[str]) -> tuple[int | None, str]:
    """Run ``drand-edu ARGV`` in this process: (exit code or None if it raised, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
        except BaseException as error:
            return None, f"{type(error).__name__}: {error}"
    return code, err.getvalue()


def untyped_cli(code: int | None, err: str) -> bool:
    """A failure of the CLI contract: no exit code 0/1/2, a traceback, the bug line, or several lines."""
    return (
        code not in (0, 1, 2)
        or "Traceback" in err
        or "internal error" in err
        or len(err.strip().splitlines()) > 1
    )


def typed(decode, *args) -> bool:
    """True when ``decode`` succeeds or raises one of ours."""
    try:
        decode(*args)
    except DrandEduError:
        pass
    except Exception:
        return False
    return True


def raw_request(url: str, data: bytes, timeout: float = 5) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := conn.recv(65536):
                answer += chunk
    return answer


# -- the probes, in the order ------------------------------------------------------------------
def probe_deep_json(net: Network) -> tuple[str, int, str]:
    died, not_400 = 0, 0
    cases = 0
    for i in range(len(net.nodes)):
        for url, path, token in ((f"http://127.0.0.1:{net.control[i]}", "/dkg/status", net.token[i]),
                                 (f"http://{net.peer[i]}", "/protocol", None)):  # fmt: skip
            head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(DEEP)}\r\n"
            head += f"Authorization: Bearer {token}\r\n" if token else ""
            answer = raw_request(url, head.encode() + b"\r\n" + DEEP)
            cases += 1
            not_400 += not answer.startswith(b"HTTP/1.1 4")
    time.sleep(0.5)
    died = len(net.nodes) - net.alive()
    return ("a ~200 KB body of nested JSON to the control port or to the peer port `/protocol`", cases,
            f"{died} node processes died, {not_400} answers not a 4xx")  # fmt: skip


def probe_control_without_token(net: Network) -> tuple[str, int, str]:
    accepted, cases = 0, 0
    calls = [
        ("GET", "/dkg/status"),
        ("POST", "/dkg/reshare"),
        ("POST", "/dkg/accept"),
        ("POST", "/dkg/abort"),
    ]
    for port in net.control:
        for method, path in calls:
            for token in (None, "wrong-token"):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                body = b"{}" if method == "POST" else None
                url = f"http://127.0.0.1:{port}{path}"
                request = urllib.request.Request(url, method=method, data=body, headers=headers)
                cases += 1
                try:
                    urllib.request.urlopen(request, timeout=5).close()
                    accepted += 1
                except urllib.error.HTTPError as error:
                    accepted += error.code != 401
    private = sum((node / "control.token").stat().st_mode & 0o777 == 0o600 for node in net.nodes)
    return ("DKG commands on the control port without the owner's token (status, reshare, accept, abort)",
            cases, f"{accepted} accepted (not 401); token files readable by the owner only (0600): "
            f"{private} of {len(net.nodes)}")  # fmt: skip


def probe_forged_abort(tmp: Path) -> tuple[str, int, str]:
    from drand_edu.net.dkg_packets import sign_packet
    from drand_edu.net.messages import DKGPacket
    from drand_edu.rng import seeded_rng
    from drand_edu.threshold.lifecycle import Status
    from tests.test_dkg_process import SCHEME, VirtualNet, make_nodes

    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp, seeded_rng("probe-abort"))
    leader = nodes[0]
    leader.propose_initial([n.address for n in nodes[1:]], 3, period=3)
    net.run(1)
    for node in nodes[1:]:
        node.join()
    net.run(1)
    forged = [
        DKGPacket(leader.address, "abort", {"reason": "forged"}),
        sign_packet(
            SCHEME, nodes[2].key_store.secret_key, DKGPacket(leader.address, "abort", {}), leader.terms
        ),
        sign_packet(
            SCHEME, nodes[3].key_store.secret_key, DKGPacket("127.0.0.1:9", "abort", {}), leader.terms
        ),
    ]
    joined = sum(node.state.status == Status.JOINED for node in nodes[1:])
    aborted = 0
    for node in nodes[1:]:
        for packet in forged:
            node.receive(packet)
            aborted += node.state.status == Status.ABORTED
    leader.abort()  # the control: the leader's own, signed abort does abort them
    net.run(1)
    real = sum(node.state.status == Status.ABORTED for node in nodes[1:])
    return ("a forged DKG `abort` with a self-declared sender (unsigned, signed by another, a stranger)",
            len(forged) * 3, f"{aborted} accepted (DKG aborted) of {joined} nodes in a DKG; "
            f"the leader's real abort: {real} of 3 aborted")  # fmt: skip


def dkg_key_store() -> FileStore:
    from drand_edu.crypto import scheme_by_id
    from drand_edu.rng import seeded_rng
    from drand_edu.threshold.dkg import run_dkg

    scheme = scheme_by_id("pedersen-bls-chained")
    outcome = run_dkg(4, 3, scheme, rng=seeded_rng("probe-vault"))
    group = outcome.to_group(period=3, genesis_time=1_700_000_000)
    return FileStore.generate(scheme, rng=seeded_rng("probe-node")).with_share(outcome.shares()[0], group)


def probe_stray_secret(tmp: Path, keys: FileStore) -> tuple[str, int, str]:
    folder = keys.save(tmp / "stray")
    secret = f"{keys.secret_key:064x}"
    path = folder / PRIVATE_FILE
    original = path.read_text()
    leaked, untyped, cases = 0, 0, 0
    for position in range(0, 64, 4):
        for stray in ("g", "!", " ", "\x00", "é"):
            path.write_text(original.replace(secret, secret[:position] + stray + secret[position + 1 :]))
            cases += 1
            try:
                FileStore.load(tmp / "stray")
            except DrandEduError as error:
                message = str(error)
                leaked += any(secret[i : i + 8] in message for i in range(0, 57, 8))
            except Exception:
                untyped += 1
    path.write_text(original)
    return ("a secret key file with one stray character", cases,
            f"{leaked} messages show part of the secret, {untyped} untyped")  # fmt: skip


def probe_bad_share(tmp: Path, keys: FileStore) -> tuple[str, int, str]:
    from drand_edu.crypto.constants import CURVE_ORDER

    folder = keys.save(tmp / "share")
    path = folder / SHARE_FILE
    original = path.read_text()
    value = f"{keys.share.value:064x}"
    index = f"Index = {keys.share.index}"
    edits = [(index, "Index = -1"), (index, f"Index = {2**40}"), (index, "Index = 1"), (index, "Index = 9"),
             (index, "Index = 1.9"), (value, "0"), (value, f"{CURVE_ORDER:x}"),
             (value, f"{CURVE_ORDER + 5:x}"), (value, f"{keys.share.value + 1:064x}")]  # fmt: skip
    accepted = 0
    for old, new in edits:
        path.write_text(original.replace(old, new))
        accepted += typed(FileStore.load, tmp / "share") and _loads(tmp / "share")
    path.write_text(original)
    return ("vault load of a bad share (index -1, 2^40, another's, not in the group, 1.9, value 0, >= r, "
            "off the polynomial)", len(edits), f"{accepted} accepted")  # fmt: skip


def _loads(folder: Path) -> bool:
    try:
        FileStore.load(folder)
        return True
    except DrandEduError:
        return False


def probe_verify_cli(tmp: Path, cases: int) -> tuple[str, int, str]:
    rng = random.Random("probe-verify")
    info, beacons = tmp / "info.json", tmp / "beacons.json"
    bad = 0
    for _ in range(cases):
        choice = rng.choice(["info", "beacons", "bytes", "info-bytes"])
        info_blob = json.dumps(fuzz.fast_mutated(fuzz.INFO, rng) if choice == "info" else fuzz.INFO).encode()
        info.write_bytes(fuzz.fast_flipped(info_blob, rng) if choice == "info-bytes" else info_blob)
        if choice == "beacons":
            beacons.write_text(
                json.dumps([fuzz.fast_mutated(fuzz.BEACON, rng), fuzz.BEACON][: rng.randint(1, 2)])
            )
        else:
            beacons.write_bytes(fuzz.fast_flipped(json.dumps([fuzz.BEACON]).encode(), rng))
        bad += untyped_cli(*quiet_cli(["verify", "--info", str(info), str(beacons), "--quiet"]))
    return "`drand-edu verify` on malformed files", cases, f"{bad} tracebacks or untyped errors"


def probe_tlock_cli(tmp: Path, cases: int) -> tuple[str, int, str]:
    rng = random.Random("probe-tlock")
    (tmp / "tinfo.json").write_text(json.dumps(fuzz.INFO))
    beacon = {"round": int(fuzz.TLOCK["round"]), "signature": fuzz.TLOCK["signature"]}
    (tmp / "tbeacons.json").write_text(json.dumps([beacon]))
    argv = ["tlock", "decrypt", "--chain-info", str(tmp / "tinfo.json"), "--beacons",
            str(tmp / "tbeacons.json"), str(tmp / "in.age"), "-o", str(tmp / "out")]  # fmt: skip
    bad = 0
    for case in range(cases):
        blob = fuzz.fast_flipped(rng.choice([fuzz.ARMORED, fuzz.BINARY]), rng)
        if case % 10 == 0:  # a stanza with a 5,000-digit round
            blob = fuzz.BINARY.replace(str(fuzz.TLOCK["round"]).encode(), b"7" * 5000, 1)
        (tmp / "in.age").write_bytes(blob)
        bad += untyped_cli(*quiet_cli(argv))
    return "`drand-edu tlock decrypt` on malformed input", cases, f"{bad} tracebacks or untyped errors"


def probe_library(tmp: Path, cases: int, keys: FileStore) -> tuple[str, int, str]:
    rng = random.Random("probe-library")
    group_toml = keys.group.to_toml().encode()
    folder = keys.save(tmp / "lib")
    files = {name: (folder / name).read_bytes() for name in (PRIVATE_FILE, SHARE_FILE)}
    untyped, total = 0, 0
    for case in range(cases):
        checks = [
            (ChainInfo.from_json, fuzz.fast_mutated(fuzz.INFO, rng)),
            (ChainInfo.from_json, fuzz.fast_json(rng)),
            (Beacon.from_json, fuzz.fast_mutated(fuzz.BEACON, rng)),
            (Beacon.from_json, fuzz.fast_json(rng)),
            (Group.from_toml, fuzz.fast_flipped(group_toml, rng).decode("utf-8", "replace")),
            (from_bytes, json.dumps(fuzz.fast_mutated({"kind": "partial", "round": 3}, rng)).encode()),
        ]
        for decode, value in checks:
            untyped += not typed(decode, value)
        total += len(checks)
        if case % 5 == 0:  # vault files: one key or share file with bytes flipped (curve checks: slower)
            name = rng.choice(list(files))
            (folder / name).write_bytes(fuzz.fast_flipped(files[name], rng))
            untyped += not typed(FileStore.load, tmp / "lib")
            (folder / name).write_bytes(files[name])
            total += 1
    return ("chain info / beacon / group TOML / vault files / node messages through the library", total,
            f"{untyped} untyped")  # fmt: skip


def probe_public_paths(net: Network) -> tuple[str, int, str]:
    paths = ["/public/²", "/public/١٢", "/public/-1", "/public/" + "9" * 30, "/public/18446744073709551616",
             "/public/0x10", "/%ff%fe/info", "/" + "a" * 64 + "/info", "/public/latest?x=" + "y" * 5000,
             "/public/1.5", "/\x00", "/health/x"]  # fmt: skip
    dropped, errors = 0, 0
    for url in net.public:
        for path in paths:
            answer = raw_request(url, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            dropped += not answer.startswith(b"HTTP/1.1 ")
            errors += answer.startswith(b"HTTP/1.1 5")
    logged = sum(_log(n).count("Traceback") for n in net.nodes)
    return ("public API: `GET /public/²` and other odd paths", len(paths) * len(net.public),
            f"{dropped} dropped, {errors} answered 5xx, {logged} tracebacks in the node logs")  # fmt: skip


def _log(node: Path) -> str:
    try:
        return (node / "node.log").read_text(errors="replace")
    except OSError:
        return ""


def probe_peer_port(net: Network, cases: int) -> tuple[str, int, str]:
    rng = random.Random("probe-peer")
    sizes = [len(_log(n)) for n in net.nodes]
    dropped = 0
    for case in range(cases):
        method = rng.choice(["POST", "POST", "GET", "PUT", "G\x00T"])
        length = rng.choice(
            [None, "-1", "abc", "", "99999999999999", "²", " 5", "1e3", str(rng.randint(0, 40))]
        )
        sender = rng.choice([None, "1", "-1", "²", "x"])
        body = rng.choice(
            [rng.randbytes(rng.randrange(40)), b'{"kind": "sync", "from_round": 1}', DEEP[:2000]]
        )
        raw = fuzz.build_request(method, "/protocol", length, sender, [], body)
        answer = raw_request(f"http://{net.peer[case % len(net.peer)]}", raw)
        dropped += not answer.startswith(b"HTTP/1.")
    # threads held: right after, 16 normal requests at once must all be answered
    answered = []

    def ask(i: int) -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://{net.peer[i % 4]}/identity", timeout=5).close()
            answered.append(i)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    growth = max(len(_log(n)) - size for n, size in zip(net.nodes, sizes, strict=True))
    return ("peer port: missing, non-numeric, negative `Content-Length` and other fuzzed requests", cases,
            f"{dropped} dropped without an answer, {16 - len(answered)} of 16 normal requests unanswered "
            f"after, logs grew by at most {growth} bytes")  # fmt: skip


def probe_slowloris(net: Network) -> tuple[str, int, str]:
    host, port = net.public[0].removeprefix("http://").split(":")
    held = []
    for _ in range(200):
        try:
            conn = socket.create_connection((host, int(port)), timeout=2)
            conn.sendall(b"GET /public/lat")
            held.append(conn)
        except OSError:
            break
    time.sleep(1)
    meanwhile = event_loop_load(host, int(port), 8, 2.0)
    time.sleep(14)  # the server's idle timeout is 10 s
    still = 0
    for conn in held:
        conn.settimeout(0.05)
        try:
            still += conn.recv(1) != b""
        except TimeoutError:
            still += 1
        except OSError:
            pass
        conn.close()
    return ("200 half-open (slowloris) connections", len(held),
            f"{still} still held after 15 s; 8 normal clients meanwhile: p99 {meanwhile['p99 ms']:.0f} ms, "
            f"{meanwhile['timeouts']} timeouts")  # fmt: skip


def probe_concurrency(net: Network) -> tuple[str, int, str]:
    host, port = net.public[0].removeprefix("http://").split(":")
    parts = []
    for clients in (32, 64):
        runs = [event_loop_load(host, int(port), clients, 3.0) for _ in range(3)]
        p99 = sorted(r["p99 ms"] for r in runs)[1]
        parts.append(
            f"{clients}: p99 {p99:.0f} ms (median of 3), {max(r['timeouts'] for r in runs)} timeouts"
        )
    return ("32-64 concurrent clients on `/public/latest` (closed loop, a node process)", 2,
            "; ".join(parts) + f"; load {os.getloadavg()[0]:.1f}")  # fmt: skip


def probe_hostile_endpoints(net: Network) -> tuple[str, int, str]:
    from drand_edu.client import Client
    from tests.test_client_hostile import MODES, Hostile

    failures = []
    for mode in MODES:
        hostile = Hostile(mode)
        started = time.monotonic()
        try:
            client = Client(
                [hostile.url, net.public[0]], chain_hash=net.info.hash_hex, timeout=1.0, retries=0
            )
            client.latest()
            if client.stats.failovers < 1:
                failures.append(f"{mode}: no failover")
        except Exception as error:
            failures.append(f"{mode}: {type(error).__name__}")
        finally:
            hostile.close()
        if time.monotonic() - started > 10:
            failures.append(f"{mode}: hung {time.monotonic() - started:.0f} s")
    return ("client vs a hostile first endpoint (bad status line, truncated/endless/huge/slow body, ...)",
            len(MODES), f"{len(failures)} failed" + (f" ({'; '.join(failures)})" if failures else "") +
            ", every other one failed over to the healthy node")  # fmt: skip


def probe_demo_down(net: Network) -> tuple[str, int, str]:
    from drand_edu.cli.demo import _free_port, is_running, start_node

    first = net.pids()
    os.kill(first[1], signal.SIGTERM)  # node 1 stopped and restarted by hand, outside `demo up`
    deadline = time.monotonic() + 15
    while is_running(first[1]) and time.monotonic() < deadline:
        time.sleep(0.2)
    (net.nodes[1] / "control.port").unlink(missing_ok=True)
    again = start_node(net.nodes[1], _free_port())
    deadline = time.monotonic() + 60
    while not (net.nodes[1] / "control.port").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    code, _ = quiet_cli(["demo", "down", "--folder", str(net.folder)])
    time.sleep(1)
    left = [pid for pid in [*first, again.pid] if pid and is_running(pid)]
    return ("`demo down` after a node was restarted by hand", 1,
            f"exit {code}; {len(left)} node processes left running")  # fmt: skip


# -- issue 23, deliverable 1: the peer port (authenticated senders, bounded state) ------------------------
def node_usage(pid: int) -> tuple[int, float]:
    """(resident bytes, CPU seconds used so far) of process ``pid``, from /proc (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(status.split("VmRSS:")[1].split()[0]) * 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Usage:
    """A node's RSS and CPU over an attack: ``with Usage(pid) as usage: ...``, then ``str(usage)``."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def __enter__(self) -> Usage:
        self.rss0, self.cpu0 = node_usage(self.pid)
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.rss1, cpu1 = node_usage(self.pid)
        self.cpu = (cpu1 - self.cpu0) / max(time.monotonic() - self.t0, 1e-3)

    def __str__(self) -> str:
        return (f"node RSS {self.rss0 >> 20} → {self.rss1 >> 20} MB, CPU {self.cpu:.0%} of a core over "
                "the attack")  # fmt: skip


def _post(url: str, body: bytes, sender: str = "-1", timeout: float = 30) -> int:
    request = urllib.request.Request(url + "/protocol", data=body, method="POST",
                                     headers={"X-Drand-Edu-From": sender})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return -1


def _latest(net: Network, i: int = 0) -> int:
    try:
        with urllib.request.urlopen(net.public[i] + "/public/latest", timeout=10) as answer:
            return json.loads(answer.read())["round"]
    except (OSError, ValueError, KeyError):
        return 0


def _dkg_status(net: Network, i: int) -> bytes:
    request = urllib.request.Request(f"http://127.0.0.1:{net.control[i]}/dkg/status",
                                     headers={"Authorization": f"Bearer {net.token[i]}"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read()


def _handled(net: Network, i: int) -> None:
    """Wait (bounded) until node ``i``'s event thread handled everything posted before (in order)."""
    _post(f"http://{net.peer[i]}", json.dumps({"kind": "dkg", "sender": "sentinel", "packet": "execute",
                                               "body": {}, "beacon_id": "default"}).encode())  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and b"sentinel" not in _dkg_status(net, i):
        time.sleep(0.5)


def _dkg_body(sender: str, packet: str, body: dict) -> bytes:
    return json.dumps({"kind": "dkg", "sender": sender, "packet": packet, "body": body,
                       "beacon_id": "default", "signature": ""}).encode()  # fmt: skip


def probe_sync_reflector(net: Network, cases: int) -> tuple[str, int, str]:
    """A 57-byte POST {"kind": "sync"} naming another member as its sender: was a push of the whole
    chain to that member (amplification = chain length). Held: refused (400) at the door."""
    body = b'{"kind": "sync", "from_round": 1, "beacon_id": "default"}'
    held = 0
    with Usage(net.pids()[0]) as usage:
        for case in range(cases):
            held += _post(f"http://{net.peer[0]}", body, sender=str(1 + case % 3)) == 400
    return ("peer port as a reflector: `POST /protocol {kind: sync}` naming another member (57 bytes each)",
            cases, f"held {held}, failed {cases - held}; {usage}")  # fmt: skip


def probe_spoofed_sync_ids(net: Network, cases: int) -> tuple[str, int, str]:
    """A sync request per spoofed sender id, and sync-stream ends and beacons claiming to be from peers:
    each left a store callback (0.9M ids: 971 MB, 95% CPU) or steered a sync. Held: 400."""
    kinds = [b'{"kind": "sync", "from_round": 1}', b'{"kind": "sync_end", "by_server": true}',
             b'{"kind": "beacon", "round": 1, "signature": "00"}']  # fmt: skip
    held = 0
    with Usage(net.pids()[1]) as usage:
        for case in range(cases):
            held += _post(f"http://{net.peer[1]}", kinds[case % 3], sender=str(case % 999_999)) == 400
    return ("spoofed `X-Drand-Edu-From` ids on sync requests, stream ends and beacons", cases,
            f"held {held}, failed {cases - held}; {usage}")  # fmt: skip


def probe_dkg_huge_sender(net: Network, cases: int = 100) -> tuple[str, int, str]:
    """100 refused DKG packets with a 3.9 MB `sender`: grew a node by 390 MB, /dkg/status 47 MB."""
    sender = "s" * 3_900_000
    packets = [("accept", {"acceptor": "a"}), ("proposal", {"terms": {}}), ("execute", {})]
    with Usage(net.pids()[2]) as usage:
        for case in range(cases):
            packet, body = packets[case % 3]
            _post(f"http://{net.peer[2]}", _dkg_body(sender, packet, body))
        _handled(net, 2)
    size = len(_dkg_status(net, 2))
    grown = usage.rss1 - usage.rss0
    held = size < 64 << 10 and grown < 39 << 20
    return ("DKG packets with a 3.9 MB `sender` (refused, logged)", cases,
            f"{'held' if held else 'FAILED'}: /dkg/status {size / 1024:.1f} KB, node grew "
            f"{grown / 2**20:.0f} MB for {cases * 3.9:.0f} MB sent; {usage}")  # fmt: skip


def probe_unsigned_deals(net: Network, cases: int = 200) -> tuple[str, int, str]:
    """200 unsigned 3.9 MB deals with no DKG under way: grew a node by 380 MB."""
    members = list(net.peer)
    with Usage(net.pids()[3]) as usage:
        for case in range(cases):
            deal = {"dealer_index": case, "deals": [{"share_index": 0, "encrypted_share": "ab" * 1_950_000}],
                    "public": [], "session_id": "00", "signature": "00"}  # fmt: skip
            _post(f"http://{net.peer[3]}", _dkg_body(members[case % 4], "deal", deal))
        _handled(net, 3)
    grown = usage.rss1 - usage.rss0
    kept = b"a bundle is not kept" in _dkg_status(net, 3)
    held = kept and grown < 38 << 20
    return ("unsigned 3.9 MB DKG deals, no DKG under way, senders named as members", cases,
            f"{'held' if held else 'FAILED'}: node grew {grown / 2**20:.0f} MB for {cases * 3.9:.0f} MB sent "
            f"(refused as 'no DKG under way': {kept}); {usage}")  # fmt: skip


def _sync_once(peer: str, from_round: int, timeout: float = 60) -> bool:
    """One ``GET /sync?from=ROUND`` to ``peer``: True when answered (any HTTP status), False if not."""
    try:
        with urllib.request.urlopen(f"http://{peer}/sync?from={from_round}", timeout=timeout) as answer:
            answer.read()
    except urllib.error.HTTPError:
        pass  # 404: that node has not stored the round before yet; an answer all the same
    except OSError:
        return False
    return True


def probe_waiting_sync_loops(net: Network, loops: int = 60, seconds: float = 32) -> tuple[str, int, str]:
    """``loops`` clients per node, each asking ``GET /sync?from=<next>`` again as soon as answered: held
    every worker of the peer port (5 of 16 rounds in 32 s). Now: rounds made during the attack."""
    stop = threading.Event()
    answers, errors = [0], [0]

    def loop(peer: str) -> None:
        while not stop.is_set():  # the next round by the clock: a request that waits for it
            ok = _sync_once(peer, net.info.round_at(time.time()) + 1)
            answers[0] += ok
            errors[0] += not ok

    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in net.peer for _ in range(loops)]
    first = _latest(net)
    with Usage(net.pids()[0]) as usage:
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        made = _latest(net) - first
        stop.set()
        for thread in threads:
            thread.join(40)
    expected = int(seconds // net.info.period)
    behind = max(0, net.info.round_at(time.time()) - min(_latest(net, i) for i in range(len(net.peer))))
    held = made >= expected - 1 and behind <= 1
    return (f"{loops} `GET /sync?from=<next>` loops per node for {seconds:.0f} s", expected,
            f"{'held' if held else 'FAILED'}: {made} of {expected} rounds made during the attack "
            f"({answers[0]} answers, {errors[0]} client errors); slowest node {behind} rounds behind after; "
            f"{usage}")  # fmt: skip


def probe_sync_connections(net: Network, connections: int = 300) -> tuple[str, int, str]:
    """``connections`` concurrent ``GET /sync?from=<next>`` (each its own connection, its own "peer"):
    at most a few wait (store callbacks), the others are answered at once; nothing is left after."""
    answered, failed = [0], [0]

    def ask() -> None:
        ok = _sync_once(net.peer[1], net.info.round_at(time.time()) + 1)
        answered[0] += ok
        failed[0] += not ok

    first = _latest(net, 1)
    with Usage(net.pids()[1]) as usage:
        threads = [threading.Thread(target=ask, daemon=True) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
    time.sleep(2 * net.info.period)
    made = _latest(net, 1) - first
    return (f"{connections} concurrent sync streams from distinct connections", connections,
            f"held {answered[0]}, failed {failed[0]}; {made} rounds made meanwhile; {usage}")  # fmt: skip


def probe_sync_from_round_one(tmp: Path, rounds: int = 1_000_000) -> tuple[str, int, str]:
    """``GET /sync?from=1`` on a chain of ``rounds`` rounds (in-process, the node's own code over an
    SQLite store): was 2.3 s and 233 MB per request at 1M rounds, ``last()`` blocked 0.55 s."""
    import tracemalloc

    from drand_edu.net.http_server import Request
    from drand_edu.node.sync_http import sync_answer
    from drand_edu.store.sqlite import SQLiteStore
    from drand_edu.store.stack import CallbackStore

    store = SQLiteStore(tmp / "long.db", genesis_seed=b"\x00" * 32)
    step = 50_000
    for start in range(0, rounds + 1, step):
        end = min(start + step, rounds + 1)
        store.put_many(Beacon(r, r.to_bytes(8, "big") * 12, b"") for r in range(start, end))
    stack = CallbackStore(store)
    blocked = [0.0]
    stop = threading.Event()

    def probe_last() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            store.last()
            blocked[0] = max(blocked[0], time.perf_counter() - t0)
            time.sleep(0.001)

    watcher = threading.Thread(target=probe_last)
    watcher.start()
    tracemalloc.start()
    t0 = time.perf_counter()
    status, _, body = sync_answer(Request("GET", "/sync?from=1", peer="127.0.0.1:1"), lambda _id: stack)
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stop.set()
    watcher.join()
    store.close()
    lines = body.count(b"\n")
    return (f"`GET /sync?from=1` on a {rounds:,}-round SQLite chain (in-process)", 1,
            f"{'held' if peak < 16 << 20 and status == 200 else 'FAILED'}: {lines} beacons in the answer, "
            f"{took:.2f} s, peak {peak / 2**20:.1f} MB allocated, `last()` blocked at most "
            f"{blocked[0] * 1000:.0f} ms meanwhile")  # fmt: skip


# -- issue 23, deliverables 3 and 5: clients and followers against hostile peers; errors that say what ----
def _timed_cli(argv: list[str], limit: float = 180.0) -> tuple[int | None, str, float]:
    """``quiet_cli(argv)`` in a thread: (exit code, stderr, seconds); code None and "hung" past ``limit``."""
    box: list = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: box.append(quiet_cli(argv)), daemon=True)
    thread.start()
    thread.join(limit)
    if not box:
        return None, f"hung over {limit:.0f} s", time.monotonic() - started
    return *box[0], time.monotonic() - started


def probe_dripping_endpoint(net: Network, tmp: Path) -> tuple[str, int, str]:
    from tests.recorded_server import RecordedServer
    from tests.test_client_hostile import BEACON, HASH, INFO, Hostile

    vector = json.loads((ROOT / "tests" / "data" / "tlock-quicknet-go-r12040883.json").read_text())
    (tmp / "drip.age").write_text(vector["ciphertext"])
    routes = {f"/{HASH}/info": (200, INFO), f"/{HASH}/public/{BEACON['round']}": (200, BEACON)}
    hostile = Hostile("http/1.0 drip", drip_every=2.0)  # one byte every 2 s: no read ever times out
    parts, failed = [], 0
    with RecordedServer(routes) as relay:  # the demo chain is chained: tlock needs quicknet's
        get = ["client", "get", "public", "--url", hostile.url, "--url", net.public[0],
               "--hash", net.info.hash_hex]  # fmt: skip
        decrypt = ["tlock", "decrypt", "--url", hostile.url, "--url", relay.url, "--chain-hash", HASH,
                   str(tmp / "drip.age"), "-o", str(tmp / "drip.out")]  # fmt: skip
        runs = [("client get", get), ("tlock decrypt", decrypt)]
        try:
            for name, argv in runs:
                code, _err, seconds = _timed_cli(argv)
                failed += code != 0
                parts.append(f"{name}: exit {code} after {seconds:.0f} s")
        finally:
            hostile.close()
    return ("`client get` and `tlock decrypt` with a first endpoint that speaks HTTP/1.0 and drips a byte "
            "every 2 s (5 s deadline a request, one retry)", len(runs),
            f"{failed} failed; " + "; ".join(parts))  # fmt: skip


def probe_follow_hostile_peers(net: Network, tmp: Path, runs: int = 10) -> tuple[str, int, str]:
    from tests.test_client_hostile import Hostile

    (tmp / "follow-info.json").write_text(json.dumps(net.info.to_json()))
    deep, drip = Hostile("deep json"), Hostile("http/1.0 drip", drip_every=2.0)
    peers = ",".join([deep.url.removeprefix("http://"), drip.url.removeprefix("http://"), net.peer[0]])
    bad, times = [], []
    try:
        for run in range(runs):
            target = net.info.round_at(time.time()) + 1
            db = tmp / f"follow-{run}.db"
            code, err, seconds = _timed_cli(["sync", "--follow", "--sync-nodes", peers, "--info",
                                             str(tmp / "follow-info.json"), "--db", str(db),
                                             "--up-to", str(target)])  # fmt: skip
            times.append(seconds)
            if code != 0 or untyped_cli(code, err):
                bad.append(f"exit {code}: {err.strip()[:80]}")
    finally:
        deep.close()
        drip.close()
    return ("`sync --follow` from 2 hostile peers (deeply nested answer; HTTP/1.0 drip) and node 0, "
            "shuffled", runs, f"{len(bad)} did not reach the target" + (f" ({'; '.join(bad)})" if bad else "")
            + f"; {min(times):.0f}-{max(times):.0f} s a run; the nested peer was asked {deep.connections} "
            f"times, the dripping one {drip.connections}")  # fmt: skip


def probe_stale_latest() -> tuple[str, int, str]:
    from tests.recorded_server import RecordedServer
    from tests.test_client_hostile import BEACON, HASH, INFO

    routes = {f"/{HASH}/info": (200, INFO), f"/{HASH}/public/latest": (200, BEACON)}
    with RecordedServer(routes) as relay:
        code, err = quiet_cli(["client", "get", "public", "--url", relay.url, "--hash", HASH])
    warned = code == 0 and err.startswith("warning:") and len(err.strip().splitlines()) == 1
    return (
        f"`client get public` from a relay whose latest is quicknet's round {BEACON['round']:,}",
        1,
        "warned (one line on stderr)" if warned else f"not warned: exit {code}, {err.strip()[:80]!r}",
    )


def probe_disk_full(tmp: Path) -> tuple[str, int, str]:
    from drand_edu.store.sqlite import SQLiteStore

    path = tmp / "full.db"
    path.unlink(missing_ok=True)
    messages = []
    with SQLiteStore(path) as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages + 2}")  # a disk with two pages left
        for number in range(1, 400):
            try:
                store.put(Beacon(number, bytes([number % 251]) * 96, b""))
            except Exception as error:
                messages.append(f"{type(error).__name__}: {error}")
    clear = sum("disk full" in m and "rollback" not in m for m in messages)
    return (
        "a full disk (SQLite's max_page_count) under a store taking beacons (each refused write a case)",
        len(messages),
        f"{len(messages) - clear} errors not saying 'disk full' (first: {messages[0][:80]!r})",
    )


def probe_corrupt_head(net: Network) -> tuple[str, int, str]:
    import sqlite3

    from drand_edu.cli.demo import is_running, start_node

    index = 2
    node, pid = net.nodes[index], net.pids()[index]
    quiet_cli(["stop", "--folder", str(node)])
    deadline = time.monotonic() + 20
    while pid and is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.closing(sqlite3.connect(node / "multibeacon" / "default" / "chain.db")) as db, db:
        last = "SELECT round, signature FROM beacons ORDER BY round DESC LIMIT 1"
        number, signature = db.execute(last).fetchone()
        db.execute("UPDATE beacons SET signature = ? WHERE round = ?", (bytes(signature)[::-1], number))
    logged = len(_log(node))
    process = start_node(node, int(net.public[index].rsplit(":", 1)[1]))
    started, caught_up = time.monotonic(), None
    while time.monotonic() - started < 60 and caught_up is None:
        time.sleep(1)
        with contextlib.suppress(OSError, ValueError, KeyError):
            answer = urllib.request.urlopen(net.public[index] + "/health", timeout=2).read()
            current = json.loads(answer)["current"]
            if current >= net.info.round_at(time.time()) - 1 and current > number:
                caught_up = time.monotonic() - started
    said = f"stored beacon of round {number} is corrupt" in _log(node)[logged:]
    after = f"caught up in {caught_up:.0f} s" if caught_up is not None else "still behind after 60 s"
    try:
        rss, cpu = node_usage(process.pid)
        usage = f"{rss >> 20} MB resident, {cpu:.1f} s CPU"
    except OSError:
        usage = "gone"
    return ("a node restarted over a chain.db whose last beacon is corrupt", 1,
            f"{'said so' if said else 'silent'} at start; {after}; that node: {usage}")  # fmt: skip


def probe_tlock_ranges(tmp: Path) -> tuple[str, int, str]:
    (tmp / "ranges-info.json").write_text(json.dumps(fuzz.INFO))
    (tmp / "ranges.txt").write_text("x")
    cases = [["-r", str(2**64)], ["-r", str(10**30)], ["-D", "1000000000y"], ["-D", "99999999999999999999s"],
             ["-D", "0s"]]  # fmt: skip
    bad = []
    for flags in cases:
        code, err = quiet_cli(["tlock", "encrypt", "--chain-info", str(tmp / "ranges-info.json"), *flags,
                               str(tmp / "ranges.txt"), "-o", str(tmp / "ranges.age")])  # fmt: skip
        if code != 2 or untyped_cli(code, err):
            bad.append(" ".join(flags))
    return ("`tlock encrypt` with a round >= 2^64, a billion years, `-D 0s`", len(cases),
            f"{len(bad)} not one line with exit 2" + (f" ({', '.join(bad)})" if bad else ""))  # fmt: skip


def probe_info_metadata() -> tuple[str, int, str]:
    values = ["default", [], 5, 0, True, False, ""]
    accepted = 0
    for value in values:
        try:
            ChainInfo.from_json(dict(fuzz.INFO, metadata=value))
            accepted += 1
        except DrandEduError:
            pass
    what = "chain info whose `metadata` is not an object (drand refuses it)"
    return what, len(values), f"{accepted} accepted"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="generated cases per fuzzing row")
    parser.add_argument("--folder", default="/tmp/drand-edu-probe", help="where the demo's nodes go")
    args = parser.parse_args()
    folder = Path(args.folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    tmp = folder / "scratch"
    tmp.mkdir()
    started = time.monotonic()
    code, err = quiet_cli(["demo", "up", "--folder", str(folder / "net"), "--nodes", "4", "--period", "3"])
    if code != 0:
        sys.exit(f"demo up failed: {err}")
    print(
        f"4-node network up in {time.monotonic() - started:.0f} s; load {os.getloadavg()[0]:.1f}", flush=True
    )
    net = Network(folder / "net")
    deadline = time.monotonic() + 90  # the first beacon: genesis is a few periods after the DKG
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(net.public[0] + "/public/latest", timeout=2).close()
            break
        except OSError:
            time.sleep(0.5)
    keys = dkg_key_store()
    rows = []
    try:
        probes = [
            lambda: probe_deep_json(net),
            lambda: probe_control_without_token(net),
            lambda: probe_forged_abort(tmp),
            lambda: probe_stray_secret(tmp, keys),
            lambda: probe_bad_share(tmp, keys),
            lambda: probe_verify_cli(tmp, args.cases),
            lambda: probe_tlock_cli(tmp, args.cases),
            lambda: probe_library(tmp, args.cases, keys),
            lambda: probe_public_paths(net),
            lambda: probe_peer_port(net, min(args.cases, 1000)),
            lambda: probe_slowloris(net),
            lambda: probe_concurrency(net),
            lambda: probe_hostile_endpoints(net),
            lambda: probe_sync_reflector(net, min(args.cases, 1000)),
            lambda: probe_spoofed_sync_ids(net, min(args.cases, 3000)),
            lambda: probe_dkg_huge_sender(net),
            lambda: probe_unsigned_deals(net),
            lambda: probe_sync_connections(net),
            lambda: probe_waiting_sync_loops(net),
            lambda: probe_sync_from_round_one(tmp),
            lambda: probe_dripping_endpoint(net, tmp),
            lambda: probe_follow_hostile_peers(net, tmp),
            lambda: probe_stale_latest(),
            lambda: probe_disk_full(tmp),
            lambda: probe_tlock_ranges(tmp),
            lambda: probe_info_metadata(),
            lambda: probe_corrupt_head(net),
            lambda: ("nodes that still answer after all the probes above", 4, f"{4 - net.alive()} do not"),
            lambda: probe_demo_down(net),
        ]
        for probe in probes:
            t0 = time.monotonic()
            rows.append(probe())
            print(
                f"  ({time.monotonic() - t0:.0f} s) {rows[-1][0]}: {rows[-1][2]}", file=sys.stderr, flush=True
            )
    finally:
        quiet_cli(["demo", "down", "--folder", str(folder / "net")])
    print(f"\nwhole run {time.monotonic() - started:.0f} s, load {os.getloadavg()[0]:.1f}\n")
    print("| probe | cases | untyped errors / failures |\n|---|---|---|")
    for probe_name, cases, result in rows:
        print(f"| {probe_name} | {cases:,} | {result} |")


if __name__ == "__main__":
    main()
