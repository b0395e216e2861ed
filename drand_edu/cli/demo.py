"""``drand-edu demo up|down``: a whole local network as real processes on 127.0.0.1.

    drand-edu demo up --nodes 4 --threshold 3 --period 3 [--folder demo]
    drand-edu demo down [--folder demo]

``up`` runs the DKG (in this process, as session 4 shows), writes each node's vault into
``<folder>/node<i>``, starts one ``drand-edu start`` process per node, waits until every public API
answers, and prints the URLs. ``down`` stops exactly the processes that ``up`` started (their pids are
in ``<folder>/pids``).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..crypto.schemes import scheme_by_id
from ..errors import InvalidInput
from ..node.vault import Vault
from ..threshold.dkg import run_dkg
from . import EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="start or stop a local network of node processes")
    commands = parser.add_subparsers(dest="demo_command", metavar="up|down", required=True)
    up = commands.add_parser("up", help="DKG + one process per node")
    up.add_argument("--nodes", type=int, default=4)
    up.add_argument("--threshold", type=int)
    up.add_argument("--period", type=int, default=3)
    up.add_argument("--scheme", default="pedersen-bls-chained")
    up.add_argument("--folder", default="demo")
    up.set_defaults(func=demo_up)
    down = commands.add_parser("down", help="stop the processes 'demo up' started")
    down.add_argument("--folder", default="demo")
    down.set_defaults(func=demo_down)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_node(folder: Path, public_port: int) -> subprocess.Popen:
    """``drand-edu start`` for one node folder, detached, its output in ``<folder>/node.log``."""
    log = (folder / "node.log").open("a")
    command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", str(folder)]
    command += ["--public", f"127.0.0.1:{public_port}"]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def demo_up(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if (folder / "pids").exists():
        raise InvalidInput(f"{folder} already runs a demo: 'drand-edu demo down --folder {folder}' first")
    scheme = scheme_by_id(args.scheme)
    outcome = run_dkg(args.nodes, args.threshold, scheme)
    addresses = [f"127.0.0.1:{_free_port()}" for _ in range(args.nodes)]
    genesis = int(time.time()) + 2 * args.period + 3  # every process is up before round 1
    group = outcome.to_group(args.period, genesis, addresses=addresses)
    urls, pids = [], []
    for i in range(args.nodes):
        node_folder = folder / f"node{i}"
        keys = outcome.keys[i]
        Vault(scheme, keys.secret, keys.public.to_bytes(), outcome.share(i), group).save(node_folder)
        port = _free_port()
        pids.append(start_node(node_folder, port).pid)
        urls.append(f"http://127.0.0.1:{port}")
    (folder / "pids").write_text("\n".join(str(p) for p in pids) + "\n")
    deadline = time.time() + 30
    for url in urls:
        while True:
            try:
                urllib.request.urlopen(url + "/info", timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise InvalidInput(f"node at {url} did not start; see its node.log") from None
                time.sleep(0.2)
    print(f"{args.nodes} nodes, threshold {group.threshold}, period {args.period} s; round 1 in "
          f"{genesis - int(time.time())} s")  # fmt: skip
    for i, url in enumerate(urls):
        print(f"node {i}: {url}")
    return EXIT_OK


def demo_down(args: argparse.Namespace) -> int:
    pid_file = Path(args.folder) / "pids"
    if not pid_file.exists():
        raise InvalidInput(f"no demo running from {args.folder}")
    pids = [int(line) for line in pid_file.read_text().split()]
    _stop(pids)
    pid_file.unlink()
    print(f"stopped {len(pids)} node processes")
    return EXIT_OK


def _ours(pid: int) -> bool:
    """Only signal a pid that still runs drand-edu (a pid may have been reused since)."""
    try:
        return b"drand_edu" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return sys.platform != "linux"


def is_running(pid: int) -> bool:
    """True while ``pid`` runs. A child of this process (``demo up`` in the same Python, as in the
    tests) is reaped here, or it would linger as a zombie."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not our child: ``demo up`` ran in another process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(pids: list[int]) -> None:
    """SIGTERM every process of ours at once, wait up to 5 s for them, SIGKILL what is left."""
    ours = [pid for pid in pids if _ours(pid)]
    for pid in ours:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + 5
    while any(is_running(pid) for pid in ours) and time.time() < deadline:
        time.sleep(0.1)
    for pid in ours:
        if is_running(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
