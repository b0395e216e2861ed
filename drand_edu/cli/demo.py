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

Neither destroys what it did not make. ``up`` creates the demo folder owner-only (``0700``, its
``pids`` file ``0600``, whatever the umask), refuses a demo folder that is a link, another user's or
writable by others, and records the node folders it makes (name, device, inode in
``made-by-demo-up``); a later ``up`` removes only those, never through a link and never one a
running node uses, and refuses to go on when a folder it needs is in the way. ``down`` stops only
processes that ``/proc`` shows are ``drand-edu start`` of one of the demo's node folders (a pid in
a file is only a claim), reads nothing through a link and removes only the runtime files of real
node folders.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import stat
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
from .control import (
    RUNTIME_FILES,
    NodeRefused,
    is_running,
    node_pid,
    parse_pid,
    read_pid,
    read_port,
    start_folder,
)
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
    """``drand-edu start`` for one node folder, detached, its output in ``<folder>/node.log``: listening
    for its peers at its key pair's address (``--private-listen``, required as in drand) and serving the
    public API on ``public_port`` (``--public-listen``, without which drand starts none)."""
    from ..node.service import stored_beacon_ids  # here: the CLI's start-up stays light
    from .start import key_pair_address

    private = key_pair_address(folder, stored_beacon_ids(folder))
    if private is None:
        raise InvalidInput(f"{folder}: its key pairs name no single address to listen on")
    log = (folder / "node.log").open("a")
    command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", str(folder)]
    command += ["--private-listen", private, "--public-listen", f"127.0.0.1:{public_port}"]
    command += ["--control", str(control_port)]
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
    if args.nodes < 1:
        raise InvalidInput(f"--nodes must be at least 1, got {args.nodes}")
    _own_folder(folder, create=True)
    if (folder / "pids").exists() or (folder / "pids").is_symlink():
        raise InvalidInput(f"{folder} already runs a demo: 'drand-edu demo down --folder {folder}' first")
    scheme = scheme_by_id(args.scheme)
    threshold = args.threshold or minimum_threshold(args.nodes)
    if not 1 <= threshold <= args.nodes:
        raise InvalidInput(f"the threshold must be between 1 and {args.nodes}, got {threshold}")
    folders = [folder / f"node{i}" for i in range(args.nodes)]
    earlier = _remove_earlier(folder, folders)
    if earlier:
        print(f"removed the {earlier} node folders of an earlier demo in {folder}")
    addresses = []
    for node_folder in folders:  # drand-edu generate-keypair --folder nodeI 127.0.0.1:PORT
        addresses.append(f"127.0.0.1:{_free_port()}")
        node_folder.mkdir(mode=0o700)
        _record(folder, node_folder)
        FileStore.generate(scheme, address=addresses[-1]).save(node_folder)
    pids = [start_node(node_folder, _free_port()).pid for node_folder in folders]
    _write_private(folder / "pids", "\n".join(str(p) for p in pids) + "\n")
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
    _own_folder(folder, create=False)
    pid_file = folder / "pids"
    if pid_file.is_symlink():
        raise InvalidInput(f"{pid_file} is a symbolic link, not a file demo up wrote: refusing it")
    running = demo_processes(folder)
    if not running and not pid_file.exists():
        raise InvalidInput(f"no demo running from {args.folder}")
    _stop(sorted(running))
    stale = 0
    for node_folder in _node_folders(folder):  # what a killed or restarted node left behind
        if (node_folder / "node.pid").exists():
            stale += read_pid(node_folder / "node.pid") not in running
        for name in RUNTIME_FILES:
            (node_folder / name).unlink(missing_ok=True)  # a link itself, never what it points at
    pid_file.unlink(missing_ok=True)
    note = f" (and {stale} stale pid file(s) removed)" if stale else ""
    print(f"stopped {len(running)} node processes{note}")
    return EXIT_OK


#: the file where ``demo up`` records the node folders it made: (name, device, inode) per line
RECORD_FILE = "made-by-demo-up"


def demo_processes(folder: Path) -> set[int]:
    """Every running node process of the demo in ``folder``, however it was started: the pids that
    ``demo up`` recorded, each node folder's ``node.pid`` (a node restarted by hand writes its own),
    and on Linux every ``drand-edu start --folder <a node folder of this demo>`` found in ``/proc``.
    On Linux a pid counts only if ``/proc`` shows it is a ``drand-edu start`` of one of this demo's
    node folders: a pid in a file is a claim, and ``demo down`` must not stop another node."""
    recorded = (parse_pid(p) for p in (_read_text(folder / "pids") or "").split())
    candidates = [pid for pid in recorded if pid is not None]
    node_folders = {f.resolve() for f in _node_folders(folder)}
    for node_folder in node_folders:
        pid = read_pid(node_folder / "node.pid") if not (node_folder / "node.pid").is_symlink() else None
        if pid is not None:
            candidates.append(pid)
    candidates += [pid for pid, started_in in _start_processes() if started_in in node_folders]
    if sys.platform == "linux":
        return {pid for pid in candidates if is_running(pid) and start_folder(pid) in node_folders}
    return {pid for pid in candidates if is_running(pid) and _ours(pid)}


def _start_processes() -> list[tuple[int, Path]]:
    """(pid, resolved --folder) of every ``drand_edu ... start --folder F`` process of ours in /proc."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        started_in = start_folder(int(proc.name)) if proc.name.isdigit() else None
        if started_in is not None:
            found.append((int(proc.name), started_in))
    return found


# -- never destroy what demo up did not make ---------------------------------------------------------
def _own_folder(folder: Path, *, create: bool) -> None:
    """The demo folder: created owner-only (``0700``, whatever the umask) when missing; refused when it
    is a symbolic link, and (``create``: for ``demo up``, which writes keys in it) when it is another
    user's or writable by others, who could swap a node folder for a link of theirs."""
    if folder.is_symlink():
        raise InvalidInput(f"{folder} is a symbolic link: a demo folder must be a real folder")
    if not folder.exists():
        if not create:
            raise InvalidInput(f"no demo running from {folder}")
        folder.mkdir(mode=0o700, parents=True)
        folder.chmod(0o700)  # mkdir's mode passes through the umask, chmod's does not
        return
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{folder} is not a folder")
    # demo up writes keys here; demo down only reads pids it then checks in /proc, and unlinks
    if create and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        mode = stat.S_IMODE(info.st_mode)
        raise InvalidInput(f"{folder} is another user's or writable by others (mode {mode:o}): "
                           "'chmod go-w' it or choose another --folder")  # fmt: skip


def _write_private(path: Path, text: str, *, append: bool = False) -> None:
    """Write a small file of the demo owner-only (``0600`` whatever the umask), never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if append else os.O_EXCL)
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        raise InvalidInput(f"cannot write {path} ({error.strerror}): is it a link?") from None
    with os.fdopen(descriptor, "w") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)


def _record(folder: Path, node_folder: Path) -> None:
    """Note that ``demo up`` made ``node_folder`` (its name, device and inode) in the record file."""
    info = node_folder.lstat()
    _write_private(folder / RECORD_FILE, f"{node_folder.name} {info.st_dev} {info.st_ino}\n", append=True)


def _recorded(folder: Path) -> dict[str, tuple[int, int]]:
    """The node folders an earlier ``demo up`` made here: name → (device, inode)."""
    if (folder / RECORD_FILE).is_symlink():
        return {}
    made = {}
    for line in (_read_text(folder / RECORD_FILE) or "").splitlines():
        name, *numbers = line.split()
        if len(numbers) == 2 and all(n.isdigit() for n in numbers) and name.startswith("node"):
            made[name] = (int(numbers[0]), int(numbers[1]))
    return made


def _remove_earlier(folder: Path, wanted: list[Path]) -> int:
    """Remove the node folders an earlier ``demo up`` made here (and only those); refuse, touching
    nothing, when a folder this demo needs is in the way and is not one of them (another node's, a
    link, one a node still runs from). Returns how many were removed."""
    made = _recorded(folder)
    removable = []
    for node_folder in sorted({*_node_folders(folder, links=True), *wanted}):
        if not (node_folder.exists() or node_folder.is_symlink()):
            continue
        why = _why_kept(node_folder, made.get(node_folder.name))
        if why is None:
            removable.append(node_folder)
        elif node_folder in wanted:
            raise InvalidInput(f"{node_folder} {why}: demo up removes only the node folders it made; "
                               f"remove it yourself or choose another --folder")  # fmt: skip
    for node_folder in removable:
        shutil.rmtree(node_folder)  # its top is a real folder (checked); rmtree never follows links
    if (folder / RECORD_FILE).exists():
        (folder / RECORD_FILE).unlink()
    return len(removable)


def _why_kept(node_folder: Path, made: tuple[int, int] | None) -> str | None:
    """Why ``node_folder`` must not be removed, or None if an earlier ``demo up`` made it and no node
    runs from it."""
    if node_folder.is_symlink():
        return "is a symbolic link"
    info = node_folder.lstat()
    if made is None or (info.st_dev, info.st_ino) != made:
        return "was not made by an earlier demo up here"
    pid = node_pid(node_folder)
    if pid is None:
        pid = next((p for p, f in _start_processes() if f == node_folder.resolve()), None)
    if pid is not None:
        return f"is used by a running node (pid {pid}): 'drand-edu demo down' first"
    return None


def _node_folders(folder: Path, *, links: bool = False) -> list[Path]:
    """The ``node*`` folders of the demo; symbolic links are left out unless ``links``."""
    return sorted(p for p in folder.glob("node*") if (links and p.is_symlink()) or (p.is_dir()
                                                                                      and not p.is_symlink()))


def _read_text(path: Path) -> str | None:
    """A small runtime file's text (undecodable bytes replaced), None if it cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # a link planted by someone else: refused
        with os.fdopen(descriptor, "rb") as file:
            return file.read(1 << 16).decode("ascii", "replace").strip()
    except OSError:
        return None


def _ours(pid: int) -> bool:
    """Only signal a pid that still runs drand-edu (a pid may have been reused since)."""
    try:
        return b"drand_edu" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return sys.platform != "linux"


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
