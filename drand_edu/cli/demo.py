"""``drand-edu demo up|down``: a whole local network as real processes on 127.0.0.1.

    drand-edu demo up --nodes 4 --threshold 3 --period 3 [--folder demo]
    drand-edu demo down [--folder demo]

``up`` does what an operator team does, with the same commands: a key pair per node in
``<folder>/node<i>`` (``generate-keypair``), one ``drand-edu start`` process per node, then a DKG
over the network: node 0 proposes (``dkg init``), the others join (``dkg join``), node 0 orders
``dkg execute``. It waits until every node has its share and its public API answers, and prints
the URLs. ``down`` stops every node process of the demo, however it was started: the pids ``up``
recorded in ``<folder>/pids``, each node folder's ``node.pid`` (a node restarted by hand), and any
``drand-edu start --folder <folder>/nodeI`` still running; stale pid files are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ..crypto.schemes import scheme_by_id
from ..errors import InvalidInput
from ..node.key_store import FileStore
from ..threshold.poly import minimum_threshold
from . import EXIT_OK
from .control import NodeRefused, parse_pid, read_pid, read_port
from .dkg import call


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="start or stop a local network of node processes")
    commands = parser.add_subparsers(dest="demo_command", metavar="up|down", required=True)
    up = commands.add_parser("up", help="DKG + one process per node")
    up.add_argument("--nodes", type=int, default=4, help="how many node processes (default: %(default)s)")
    up.add_argument("--threshold", type=int, help="partials per beacon (default: n/2 + 1)")
    up.add_argument("--period", type=int, default=3, help="seconds between rounds (default: %(default)s)")
    up.add_argument("--scheme", default="pedersen-bls-chained", help="default: %(default)s")
    up.add_argument("--folder", default="demo", help="where the node folders go (default: %(default)s)")
    up.set_defaults(func=demo_up)
    down = commands.add_parser("down", help="stop the processes 'demo up' started")
    down.add_argument("--folder", default="demo", help="the folder 'demo up' used (default: %(default)s)")
    down.set_defaults(func=demo_down)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_node(folder: Path, public_port: int, control_port: int = 0) -> subprocess.Popen:
    """``drand-edu start`` for one node folder, detached, its output in ``<folder>/node.log``."""
    log = (folder / "node.log").open("a")
    command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", str(folder)]
    command += ["--public-listen", f"127.0.0.1:{public_port}", "--control", str(control_port)]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise InvalidInput(f"timed out waiting for {what}; see the node.log files")
        time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
        return True
    except OSError:
        return False


def _control_answers(url: str, token: str) -> bool:
    try:
        call(url, "/dkg/status", token=token)
        return True
    except (InvalidInput, NodeRefused):
        return False


def demo_up(args: argparse.Namespace) -> int:
    from ..api.control import read_token  # here: the CLI's start-up stays light

    folder = Path(args.folder)
    if (folder / "pids").exists():
        raise InvalidInput(f"{folder} already runs a demo: 'drand-edu demo down --folder {folder}' first")
    scheme = scheme_by_id(args.scheme)
    threshold = args.threshold or minimum_threshold(args.nodes)
    if not 1 <= threshold <= args.nodes:
        raise InvalidInput(f"the threshold must be between 1 and {args.nodes}, got {threshold}")
    folders = [folder / f"node{i}" for i in range(args.nodes)]
    earlier = [f for f in folder.glob("node*") if (f / "multibeacon").is_dir()]
    for node_folder in earlier:  # an earlier demo's nodes: their keys, shares and chains start over
        shutil.rmtree(node_folder)
    if earlier:
        print(f"removed the {len(earlier)} node folders of an earlier demo in {folder}")
    addresses = []
    for node_folder in folders:  # drand-edu generate-keypair --folder nodeI 127.0.0.1:PORT
        addresses.append(f"127.0.0.1:{_free_port()}")
        FileStore.generate(scheme, address=addresses[-1]).save(node_folder)
    pids = [start_node(node_folder, _free_port()).pid for node_folder in folders]
    (folder / "pids").write_text("\n".join(str(p) for p in pids) + "\n")
    try:
        controls = []  # (url, token) of each node's control port
        for node_folder in folders:
            _wait(lambda f=node_folder: (f / "control.port").exists(), f"{node_folder} to start")
            port = read_port(node_folder / "control.port")
            controls.append((f"http://127.0.0.1:{port}", read_token(node_folder)))
        _wait(lambda: all(_control_answers(*control) for control in controls), "the control ports")
        # the DKG, as operators run it: propose, join, execute
        genesis_delay = 2 * args.period + 4
        leader_url, leader_token = controls[0]
        terms = {"joiners": addresses[1:], "threshold": threshold, "period": args.period,
                 "genesis_delay": genesis_delay}  # fmt: skip
        call(leader_url, "/dkg/init", terms, leader_token)
        for url, token in controls[1:]:
            _wait(
                lambda u=url, t=token: call(u, "/dkg/status", token=t)["status"] == "Proposed", "the proposal"
            )
            call(url, "/dkg/join", {}, token)
        call(leader_url, "/dkg/execute", {}, leader_token)
        for url, token in controls:
            _wait(lambda u=url, t=token: call(u, "/dkg/status", token=t)["status"] == "Complete", "the DKG")
        urls = []
        for node_folder in folders:
            _wait(lambda f=node_folder: (f / "public.url").exists(), f"{node_folder}'s public API")
            urls.append((node_folder / "public.url").read_text().strip())
        _wait(lambda: all(_answers(url + "/info") for url in urls), "the public APIs")
    except BaseException:
        _stop(pids)
        (folder / "pids").unlink()
        raise
    genesis = json.loads(urllib.request.urlopen(urls[0] + "/info", timeout=2).read())["genesis_time"]
    print(f"{args.nodes} nodes, threshold {threshold}, period {args.period} s, DKG done over the network; "
          f"round 1 in {max(genesis - int(time.time()), 0)} s")  # fmt: skip
    for i, url in enumerate(urls):
        print(f"node {i}: {url}")
    return EXIT_OK


def demo_down(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    pid_file = folder / "pids"
    running = demo_processes(folder)
    if not running and not pid_file.exists():
        raise InvalidInput(f"no demo running from {args.folder}")
    _stop(sorted(running))
    stale = 0
    for node_folder in _node_folders(folder):  # what a killed or restarted node left behind
        if (node_folder / "node.pid").exists():
            stale += read_pid(node_folder / "node.pid") not in running
        for name in RUN_FILES:
            (node_folder / name).unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)
    note = f" (and {stale} stale pid file(s) removed)" if stale else ""
    print(f"stopped {len(running)} node processes{note}")
    return EXIT_OK


#: the files a running node keeps in its folder, pointing at it
RUN_FILES = ("node.pid", "control.port", "public.url", "control.token")


def demo_processes(folder: Path) -> set[int]:
    """Every running node process of the demo in ``folder``, however it was started: the pids that
    ``demo up`` recorded, each node folder's ``node.pid`` (a node restarted by hand writes its own),
    and on Linux every ``drand-edu start --folder <a node folder of this demo>`` found in ``/proc``."""
    recorded = (parse_pid(p) for p in (_read_text(folder / "pids") or "").split())
    candidates = [pid for pid in recorded if pid is not None]
    node_folders = {f.resolve() for f in _node_folders(folder)}
    for node_folder in node_folders:
        pid = read_pid(node_folder / "node.pid")
        if pid is not None:
            candidates.append(pid)
    candidates += [pid for pid, started_in in _start_processes() if started_in in node_folders]
    return {pid for pid in candidates if is_running(pid) and _ours(pid)}


def _start_processes() -> list[tuple[int, Path]]:
    """(pid, resolved --folder) of every ``drand_edu ... start --folder F`` process visible in /proc."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if proc.stat().st_uid != os.getuid():
                continue  # another user's process: never ours to stop
            args = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            if not any("drand_edu" in a or "drand-edu" in a for a in args) or "start" not in args:
                continue
            value = args[args.index("--folder") + 1]
            found.append((int(proc.name), (Path(os.readlink(proc / "cwd")) / value).resolve()))
        except (OSError, ValueError, IndexError):
            continue  # gone, not ours to read, or not a start with --folder
    return found


def _node_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("node*") if p.is_dir())


def _read_text(path: Path) -> str | None:
    """A small runtime file's text (undecodable bytes replaced), None if it cannot be read."""
    try:
        with path.open("rb") as file:
            return file.read(1 << 16).decode("ascii", "replace").strip()
    except OSError:
        return None


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
    except PermissionError:
        return True  # it runs, as another user (and _ours will not let us signal it)
    return True


def _stop(pids: list[int]) -> None:
    """SIGTERM every process of ours at once, wait up to 5 s for them, SIGKILL what is left."""
    ours = [pid for pid in pids if _ours(pid)]
    for pid in ours:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.time() + 5
    while any(is_running(pid) for pid in ours) and time.time() < deadline:
        time.sleep(0.1)
    for pid in ours:
        if is_running(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
