"""The control port: how ``drand-edu dkg ...`` talks to a running node (drand's ``control.proto``).

drand's operator commands are gRPC calls to the daemon's control port, which listens on localhost
only (``--control 8888``). Ours are HTTP/JSON on 127.0.0.1 (any free port unless ``--control`` says
otherwise: 8888 is also JupyterLab's), found by the CLI in the node folder's ``control.port``:

===========================  ===================================================================
``GET  /dkg/status``         the DKG state (``drand dkg status``)
``POST /dkg/init``           lead a first DKG: ``joiners``, ``threshold``, ``period``, ``scheme``,
                             ``genesis_delay``, ``timeout``, ``catchup_period``
``POST /dkg/reshare``        lead a resharing: ``joiners``, ``remainers``, ``leavers``,
                             ``threshold``, ``timeout``, ``transition_delay``
``POST /dkg/join``           join a proposal (``group``: the current group file, after epoch 1)
``POST /dkg/accept|reject``  answer a proposal as a member of the current group
``POST /dkg/execute``        the leader starts the execution
``POST /dkg/abort``          the leader calls the proposal off
===========================  ===================================================================

A refused command answers ``400 {"error": "..."}`` with drand's reason; the CLI prints it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..errors import DrandEduError
from ..net.http_transport import reply_json
from ..node.dkg_process import PROPOSAL_TIMEOUT, DKGProcess
from ..threshold.group import Group


class ControlServer:
    """A node's control endpoint on ``host:port`` (port 0: any free port)."""

    def __init__(self, dkg: DKGProcess, host: str = "127.0.0.1", port: int = 0) -> None:
        self.dkg = dkg
        server = self

        class Endpoint(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/dkg/status":
                    reply_json(self, 200, server.dkg.status())
                else:
                    reply_json(self, 404, {"error": f"no such control call: {self.path}"})

            def do_POST(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    body = json.loads(self.rfile.read(length) or b"{}")
                    if not isinstance(body, dict):
                        raise ValueError("the body must be a JSON object")
                    reply_json(self, 200, server.call(self.path, body))
                except (DrandEduError, ValueError, TypeError, KeyError) as error:
                    reply_json(self, 400, {"error": str(error)})

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer((host, port), Endpoint)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, name="control")
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run one control call; raises :class:`DrandEduError` (or ``ValueError``) when refused."""
        dkg = self.dkg
        if path == "/dkg/init":
            terms = dkg.propose_initial(
                list(body["joiners"]), int(body["threshold"]), int(body["period"]),
                scheme_id=body.get("scheme"), genesis_delay=float(body.get("genesis_delay", 10)),
                timeout=float(body.get("timeout", PROPOSAL_TIMEOUT)),
                catchup_period=body.get("catchup_period"),
            )  # fmt: skip
            return {"epoch": terms.epoch, "participants": list(terms.joining)}
        if path == "/dkg/reshare":
            terms = dkg.propose_reshare(
                list(body.get("joiners", [])), list(body.get("remainers", [])), list(body.get("leavers", [])),
                int(body["threshold"]), timeout=float(body.get("timeout", PROPOSAL_TIMEOUT)),
                transition_delay=float(body.get("transition_delay", 30)),
            )  # fmt: skip
            return {"epoch": terms.epoch, "transition_time": terms.transition_time}
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
        self._httpd.shutdown()
        self._httpd.server_close()
