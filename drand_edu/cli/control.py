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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ..errors import InvalidInput, parse_json


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
        return f"http://127.0.0.1:{args.control}", token
    port_file = Path(args.folder) / "control.port"
    if not port_file.exists() or token is None:
        raise InvalidInput(f"no node runs from {args.folder} (no control.port): 'drand-edu start' it first")
    return f"http://127.0.0.1:{port_file.read_text().strip()}", token


def running(args: argparse.Namespace) -> bool:
    """Whether the flags name a running node (a control port, or a folder with one)."""
    return args.control is not None or (Path(args.folder) / "control.port").exists()


def call(
    url: str, path: str, body: dict | None = None, token: str | None = None, *, beacon_id: str = ""
) -> dict:
    """One control call: GET without a body, POST with one, for ``beacon_id`` (empty: the default);
    InvalidInput with the node's reason."""
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
        reason = _json_object(error.read(1 << 16) or b"{}").get("error", error.reason)
        raise InvalidInput(f"the node refused: {reason}") from None
    except (OSError, http.client.HTTPException) as error:
        raise InvalidInput(f"cannot reach the node's control port {url}: {error}") from None


def _json_object(data: bytes) -> dict:
    value = parse_json(data, what="the control port's answer")
    if not isinstance(value, dict):
        raise InvalidInput("the control port's answer is not a JSON object")
    return value
