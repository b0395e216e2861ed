"""The control port: how ``drand-edu dkg|show|stop ...`` talk to a running node (drand's ``control.proto``).

drand's operator commands are gRPC calls to the daemon's control port, which listens on localhost
only (``--control 8888``). Ours are HTTP/JSON on 127.0.0.1 (any free port unless ``--control`` says
otherwise: 8888 is also JupyterLab's), found by the CLI in the node folder's ``control.port``.
One control port serves every beacon process of the daemon: each call names its beacon id
(``beacon_id`` in the body, or ``?beacon_id=`` on a GET; empty: the default one), as drand's
``Metadata.BeaconID`` does, and the daemon routes it (:meth:`~drand_edu.node.service.NodeDaemon.service`).

===========================  ===================================================================
``GET  /beacons``            the beacon ids the daemon runs
``GET  /public-key``         the node's long-term key for the beacon id (``drand show public``)
``GET  /group``              the group file (``drand show group``)
``GET  /chain-info``         the chain info (``drand show chain-info``)
``POST /shutdown``           stop one beacon process (``beacon_id``) or the whole daemon
                             (``drand stop [--id]``, drand's ``Shutdown`` call)
``GET  /dkg/status``         the DKG state (``drand dkg status``)
``POST /dkg/init``           lead a first DKG: ``joiners``, ``threshold``, ``period``, ``scheme``,
                             ``genesis_delay``, ``timeout``, ``catchup_period``
``POST /dkg/reshare``        lead a resharing: ``joiners``, ``remainers``, ``leavers``,
                             ``threshold``, ``timeout``, ``transition_delay``
``POST /dkg/join``           join a proposal (``group``: the current group file, after epoch 1)
``POST /dkg/accept|reject``  answer a proposal as a member of the current group
``POST /dkg/execute``        the leader starts the execution
``POST /dkg/abort``          the leader calls the proposal off
``POST /dkg/nuke``           forget the beacon's DKG state (``drand dkg nuke``; see
                             :meth:`~drand_edu.node.dkg_process.DKGProcess.nuke`)
===========================  ===================================================================

A refused command answers ``400 {"error": "..."}`` with drand's reason; the CLI prints it.

drand's ``stop`` reaches the daemon the same way: the CLI's
[`stopDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/daemon.go#L52-L78)
sends ``Shutdown`` with or without a beacon id; we do not signal a pid.

**Only the node's owner may use it** — here we go beyond drand, whose control port trusts anyone who
can reach localhost: on a shared machine (a class's JupyterHub) any other user could read the DKG
status, propose a resharing or abort one. Every call must carry ``Authorization: Bearer <token>``,
the secret the node writes to ``control.token`` in its folder, readable by its owner only (0600); the
CLI reads it from ``--folder``. A call without it, or with another, is refused with 401.
"""

from __future__ import annotations

import hmac
import os
import secrets
import urllib.parse
from pathlib import Path
from typing import Any

from ..chain.info import ChainInfo
from ..errors import DrandEduError, InvalidInput
from ..net.http_server import Answer, HttpError, HttpServer, Request, json_answer
from ..node.dkg_process import PROPOSAL_TIMEOUT, DKGProcess
from ..node.service import NodeDaemon, NodeService
from ..threshold.group import Group

#: the node folder's file holding the control port's secret token (mode 0600)
TOKEN_FILE = "control.token"


def write_token(folder: Path, token: str) -> Path:
    """Write ``token`` to ``folder/control.token``, readable and writable by the owner only."""
    path = Path(folder) / TOKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a new file: os.open's mode applies only on creation
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token + "\n")
    return path


#: the longest token file read (ours are 43 characters)
MAX_TOKEN_CHARS = 512


def read_token(folder: Path) -> str:
    """The control token of the node in ``folder``; :class:`InvalidInput` if there is none or the file
    is not a token (binary, empty, too long: a message that names the file, never its content)."""
    path = Path(folder) / TOKEN_FILE
    try:
        with path.open("rb") as file:
            data = file.read(MAX_TOKEN_CHARS + 1)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    token = data.strip()
    if not token or len(data) > MAX_TOKEN_CHARS or not all(33 <= byte < 127 for byte in token):
        raise InvalidInput(f"{path} is not a control token (printable ASCII, one line): restart the node")
    return token.decode("ascii")


class ControlServer:
    """A node's control endpoint on ``host:port`` (port 0: any free port).

    ``node``: the daemon (its beacon processes are picked by beacon id), or a single DKG process.
    A fresh secret token is written to ``control.token`` in the node's folder (the daemon's or the
    DKG process's, or ``folder``); every call must present it.
    """

    def __init__(
        self,
        node: NodeDaemon | DKGProcess,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        folder: Path | None = None,
    ) -> None:
        self.node = node
        self.token = secrets.token_urlsafe(32)
        self.token_file = write_token(Path(folder) if folder is not None else node.folder, self.token)
        self._httpd = HttpServer(self._answer, host, port, name="control")

    @property
    def port(self) -> int:
        return self._httpd.port

    def _answer(self, request: Request) -> Answer:
        path = request.path
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            refusal = f"this control port serves the node's owner only: send the token in {TOKEN_FILE}"
            raise HttpError(401, refusal + " of the node's folder (drand-edu dkg ... --folder)")
        if request.method == "GET":
            path, _, query = path.partition("?")
            beacon_id = urllib.parse.parse_qs(query).get("beacon_id", [""])[0]
            try:
                return json_answer(200, self.query(path, beacon_id))
            except LookupError:
                raise HttpError(404, f"no such control call: {path[:80]}") from None
            except DrandEduError as error:
                raise HttpError(400, str(error)) from None
        if request.method != "POST":
            raise HttpError(405, f"{request.method} is not a control call")
        body = request.json("the control call")
        try:
            return json_answer(200, self.call(path, body))
        except (DrandEduError, ValueError, TypeError, KeyError) as error:
            raise HttpError(400, str(error)) from None

    # -- routing by beacon id ----------------------------------------------------------------------
    def _service(self, beacon_id: str) -> NodeService | None:
        return self.node.service(beacon_id) if isinstance(self.node, NodeDaemon) else None

    def dkg(self, beacon_id: str = "") -> DKGProcess:
        """The DKG process of ``beacon_id`` (the daemon's default one when empty)."""
        service = self._service(beacon_id)
        return service.dkg if service is not None else self.node  # type: ignore[return-value]

    def query(self, path: str, beacon_id: str = "") -> Any:
        """Answer one GET; ``LookupError`` for an unknown path."""
        if path == "/dkg/status":
            return self.dkg(beacon_id).status()
        if path == "/beacons" and isinstance(self.node, NodeDaemon):
            return {"beacons": sorted(self.node.services)}
        service = self._service(beacon_id)
        if service is None or path not in ("/public-key", "/group", "/chain-info"):
            raise LookupError(path)
        key_store = service.key_store
        if path == "/public-key":
            return {**service.network.identity, "beacon_id": service.beacon_id}
        if key_store.group is None:
            raise InvalidInput(f"beacon id [{service.beacon_id}]: no DKG has run yet (no group file)")
        if path == "/group":
            return {"group": key_store.group.to_toml()}
        return ChainInfo.from_group(key_store.group).to_json()

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run one control call; raises :class:`DrandEduError` (or ``ValueError``) when refused."""
        beacon_id = str(body.get("beacon_id") or "")
        if path == "/shutdown":
            if not isinstance(self.node, NodeDaemon):
                raise ValueError("this control port has no daemon to stop")
            return {"status": self.node.stop(beacon_id)}
        dkg = self.dkg(beacon_id)
        if path == "/dkg/init":
            _check_proposal(dkg, body.get("proposal"))
            # the numbers are checked by the DKG process (whole_number, duration) before anything changes
            terms = dkg.propose_initial(
                _addresses(body, "joiners", required=True), body.get("threshold"), body.get("period"),
                scheme_id=body.get("scheme"), genesis_delay=body.get("genesis_delay", 10),
                timeout=body.get("timeout", PROPOSAL_TIMEOUT), catchup_period=body.get("catchup_period"),
            )  # fmt: skip
            return {"epoch": terms.epoch, "participants": list(terms.joining)}
        if path == "/dkg/reshare":
            terms = dkg.propose_reshare(
                _addresses(body, "joiners"), _addresses(body, "remainers"), _addresses(body, "leavers"),
                body.get("threshold"), timeout=body.get("timeout", PROPOSAL_TIMEOUT),
                transition_delay=body.get("transition_delay", 30),
            )  # fmt: skip
            return {"epoch": terms.epoch, "transition_time": terms.transition_time}
        if path == "/dkg/nuke":
            return {"status": str(dkg.nuke())}
        if path == "/dkg/join":
            group = Group.from_toml(body["group"]) if body.get("group") else None
            dkg.join(group)
        elif path == "/dkg/accept":
            dkg.accept()
        elif path == "/dkg/reject":
            dkg.reject()
        elif path == "/dkg/execute":
            dkg.execute()
        elif path == "/dkg/abort":
            dkg.abort()
        else:
            raise ValueError(f"no such control call: {path}")
        return {"status": str(dkg.state.status)}

    def close(self) -> None:
        self._httpd.close()
        self.token_file.unlink(missing_ok=True)


def _addresses(body: dict[str, Any], key: str, *, required: bool = False) -> list[str]:
    """``body[key]`` as a list of ``host:port`` strings (a bare string would be split into letters)."""
    if key not in body and not required:
        return []
    value = body[key]
    if not isinstance(value, list) or not all(isinstance(a, str) and ":" in a for a in value):
        raise InvalidInput(f"{key} must be a list of node addresses (host:port)")
    return value


def _check_proposal(dkg: DKGProcess, participants: Any) -> None:
    """With a proposal file (``dkg init --proposal``): each joiner must still have the key written there."""
    if participants is not None and not (
        isinstance(participants, list)
        and all(isinstance(p, dict) and isinstance(p.get("address"), str) for p in participants)
    ):
        raise InvalidInput("proposal must be a list of {address, key} objects")
    for participant in participants or []:
        identity = dkg.identity_of(participant["address"])
        if identity["key"] != participant["key"]:
            raise InvalidInput(f"{participant['address']} now has another key than the proposal file says")
