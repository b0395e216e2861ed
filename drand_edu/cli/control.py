"""How the operator's commands reach a running node: its control port on 127.0.0.1.

drand's CLI talks to the daemon's control port (``--control``, default 8888) and names the beacon
process with ``--id`` (default: the default beacon). Ours does the same; ``--folder`` is our way to
find the port and the owner's token: the node that ``drand-edu start`` runs from that folder wrote
its port to ``control.port`` and its secret token to ``control.token`` (see
:mod:`drand_edu.api.control`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ..errors import InvalidInput, parse_json


class NodeRefused(InvalidInput):
    """A running node answered a control call with a refusal (an HTTP error: no token, a DKG step
    that its state does not allow): an operator's request that cannot be used, so exit code 2, as
    for an unreachable node; the message is the node's reason."""


def read_port(path: Path) -> int:
    """The port number in a runtime file (``control.port``); :class:`InvalidInput` naming the file if it
    is unreadable or not a port (a node killed mid-write, a file edited by hand)."""
    try:
        with path.open("rb") as file:
            data = file.read(64)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    text = data.strip()
    if not (text.isdigit() and 0 < int(text) < 65536):
        shown = text[:20].decode("ascii", "replace")
        raise InvalidInput(f"{path} does not hold a port number (it has {shown!r}): restart the node")
    return int(text)


def parse_pid(text: str) -> int | None:
    """A process id written as ASCII digits, in the range Linux uses; None for anything else."""
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 1 << 22 else None


def read_pid(path: Path) -> int | None:
    """The process id in a ``node.pid`` file, or None when there is none or it is not a number."""
    try:
        with path.open("rb") as file:
            text = file.read(64).strip()
    except OSError:
        return None
    return parse_pid(text.decode("ascii", "replace"))


#: the files a running node keeps in its folder, pointing at it (``drand-edu start`` removes them when it
#: stops; a node killed with SIGKILL leaves them behind)
RUNTIME_FILES = ("control.port", "public.url", "metrics.url", "node.pid", "control.token")


def is_running(pid: int) -> bool:
    """True while ``pid`` runs. A child of this process (``demo up`` in the same Python, as in the
    tests) is reaped here, or it would linger as a zombie."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not our child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as another user
    return True


def _cmdline(pid: int) -> list[str] | None:
    """``pid``'s command line if it is a process of this user (``[]`` while a new process is still
    being set up), else None: gone or another user's."""
    proc = Path(f"/proc/{pid}")
    try:
        if proc.stat().st_uid != os.getuid():
            return None
        text = (proc / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    return text.rstrip("\0").split("\0") if text else []


def _start_args(pid: int) -> list[str] | None:
    """The arguments after ``start`` if ``pid`` is a ``drand-edu start`` process of this user (its
    ``/proc`` command line), else None: gone, another user's, another program (a pid reused), another
    command."""
    args = _cmdline(pid)
    if not args or not any("drand_edu" in a or "drand-edu" in a for a in args) or "start" not in args:
        return None
    return args[args.index("start") + 1 :]


def _folder_flag(args: list[str]) -> str | None:
    """The value of ``--folder`` in ``start``'s arguments, as argparse reads it (``--folder X``,
    ``--folder=X``, or an abbreviation such as ``--fold X``)."""
    for i, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if len(name) >= 3 and "--folder".startswith(name):
            return value if equals else (args[i + 1] if i + 1 < len(args) else None)
    return None


def start_folder(pid: int) -> Path | None:
    """The resolved ``--folder`` of ``pid`` if it is a ``drand-edu start`` process of this user, else None."""
    args = _start_args(pid)
    value = _folder_flag(args) if args is not None else None
    if value is None:
        return None
    try:
        return (Path(os.readlink(f"/proc/{pid}/cwd")) / value).resolve()
    except OSError:
        return None


def node_pid(folder: Path) -> int | None:
    """The pid of the node that runs from ``folder`` (its ``node.pid``, checked in ``/proc``), or None."""
    pid = read_pid(Path(folder) / "node.pid")
    if pid is None:
        return None
    if sys.platform != "linux":
        return pid if is_running(pid) else None
    return pid if start_folder(pid) == Path(folder).resolve() else None


def _unplaced_node(pid: int | None) -> bool:
    """``pid`` may be a node of this user whose folder cannot be told (a ``drand-edu start`` without a
    readable ``--folder``, or a process whose command line is not set up yet): leave its files."""
    if pid is None or sys.platform != "linux" or start_folder(pid) is not None:
        return False
    return _start_args(pid) is not None or _cmdline(pid) == []


def _port_answers(port_file: Path) -> bool:
    try:
        port = read_port(port_file)
    except InvalidInput:
        return False
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return True
    except OSError:
        return False


def clear_stale_runtime_files(folder: Path) -> bool:
    """Remove the runtime files of a node that no longer runs (killed with SIGKILL, the machine
    rebooted): its ``control.port`` is there, but the pid in ``node.pid`` is gone, or is another
    process now (without a ``node.pid``: nothing answers on the port). True if it removed them."""
    folder = Path(folder)
    if not (folder / "control.port").exists() or node_pid(folder) is not None:
        return False
    pid = read_pid(folder / "node.pid")
    if pid is None and _port_answers(folder / "control.port"):
        return False  # no pid to check, but something serves the port: leave it
    if _unplaced_node(pid):
        return False
    for name in RUNTIME_FILES:
        path = folder / name
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
    return True


def add_control_flags(parser: argparse.ArgumentParser) -> None:
    """``--folder`` and/or ``--control``, and drand's ``--id``."""
    parser.add_argument("--folder", help="the node's folder (control.port, control.token)")
    parser.add_argument("--control", type=int, help="the node's control port on 127.0.0.1")
    add_id_flag(parser)


def add_id_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--id", "--beacon-id", dest="beacon_id", default="",
                        help="the beacon id the command is for (default: the default beacon)")  # fmt: skip


def control_url(args: argparse.Namespace) -> tuple[str, str | None]:
    """The control URL and token: ``--folder`` gives both (``--control`` may name the port)."""
    if args.folder is None and args.control is None:
        raise InvalidInput("say which node: --folder (its folder) or --control PORT")
    token = None
    if args.folder is not None:
        from ..api.control import read_token  # here: the CLI's start-up stays light

        token = read_token(Path(args.folder)) if (Path(args.folder) / "control.token").exists() else None
    if args.control is not None:
        if not 0 < args.control < 65536:
            raise InvalidInput(f"--control must be a port number (1-65535), got {args.control}")
        return f"http://127.0.0.1:{args.control}", token
    port_file = Path(args.folder) / "control.port"
    if clear_stale_runtime_files(Path(args.folder)):
        raise InvalidInput("no node runs from that folder: its node is gone (killed?); its stale "
                           "control.port and node.pid were removed: 'drand-edu start' it again")  # fmt: skip
    if not port_file.exists() or token is None:
        raise InvalidInput(f"no node runs from {args.folder} (no control.port): 'drand-edu start' it first")
    return f"http://127.0.0.1:{read_port(port_file)}", token


def running(args: argparse.Namespace) -> bool:
    """Whether the flags name a running node (a control port, or a folder with one); a folder's stale
    runtime files (its node was killed) are removed on the way (:func:`clear_stale_runtime_files`)."""
    if args.control is not None:
        return True
    if args.folder is None:
        return False
    clear_stale_runtime_files(Path(args.folder))
    return (Path(args.folder) / "control.port").exists()


def call(
    url: str, path: str, body: dict | None = None, token: str | None = None, *, beacon_id: str = ""
) -> dict:
    """One control call: GET without a body, POST with one, for ``beacon_id`` (empty: the default).
    :class:`NodeRefused` with the node's reason when it refuses, :class:`InvalidInput` when it cannot
    be reached or its answer is not a JSON object."""
    if body is None and beacon_id:
        path += "?" + urllib.parse.urlencode({"beacon_id": beacon_id})
    elif body is not None and beacon_id:
        body = {**body, "beacon_id": beacon_id}
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url + path, data=data, method="GET" if body is None else "POST",
                                     headers=headers)  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return _json_object(answer.read(1 << 20))
    except urllib.error.HTTPError as error:
        try:
            reason = _json_object(error.read(1 << 16) or b"{}").get("error", error.reason)
        except (InvalidInput, OSError, http.client.HTTPException):
            reason = error.reason
        raise NodeRefused(f"the node refused: {reason}") from None
    except (OSError, http.client.HTTPException) as error:
        raise InvalidInput(f"cannot reach the node's control port {url}: {error}") from None


def _json_object(data: bytes) -> dict:
    value = parse_json(data, what="the control port's answer")
    if not isinstance(value, dict):
        raise InvalidInput("the control port's answer is not a JSON object")
    return value
