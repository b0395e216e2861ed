"""A real drand network beside ours: drand's own ``drand`` binary, run as subprocesses on 127.0.0.1.

Nothing in the core imports this module (like :mod:`drand_edu.viz`); it only starts programs. The tests
that let drand judge our API and CLI (``tests/test_real_drand.py``) and notebook 01 use it, when the
binary is there (``make drand``; the course never needs it).

:func:`start_network` does what an operator does with drand v2's own CLI, one command at a time, and
keeps what each command printed (:attr:`RealNetwork.transcript`):

1. ``drand generate-keypair --folder F --id ID --scheme S HOST:PORT`` for every node
   ([`keygenCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L674-L733));
2. ``drand start --folder F --private-listen ... --control ... --public-listen ... --metrics ...``
   (the public HTTP API starts only with ``--public-listen``:
   [`DrandDaemon.init`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L117-L203));
3. on the leader, ``drand dkg generate-proposal --joiner A --joiner B ... --out proposal.toml``, then
   ``drand dkg init --proposal ... --threshold --period --scheme --catchup-period --genesis-delay``
   (every flag is required for a first DKG:
   [`parseInitialProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L261-L301));
   ``drand dkg join`` on every other node; ``drand dkg execute`` on the leader;
4. waits until the public API serves beacons; :meth:`RealNetwork.stop` runs ``drand stop`` on every node
   and kills what is still running after a grace period, also when starting failed half way.

drand v2's nodes talk gRPC over TLS to each other unless the binary was built with the ``conn_insecure``
tag, which is how drand's own demo builds it (``go install -tags=conn_insecure ./cmd/drand`` in
drand's ``demo/main.go``): a loopback network without certificates needs that build, and
``make drand`` makes it. The DKG's phase timeout (10 s) and kick-off grace period (5 s) are drand's
defaults (``internal/core/constants.go``); the CLI cannot change them, so a network takes about half a
minute from the first command to the first beacon.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DrandEduError

#: the environment variable that names the ``drand`` binary to use
BINARY_ENV = "DRAND_EDU_DRAND_BIN"
#: where ``make drand`` builds it, relative to the repository
REPO_BINARY = Path(__file__).resolve().parent.parent / "tests" / "drandref" / "bin" / "drand"
#: an unchained scheme on G1 (quicknet's): tlock works with it, in tle v1.2.0 and in ours
DEFAULT_SCHEME = "bls-unchained-g1-rfc9380"
HOST = "127.0.0.1"


class RealDrandError(DrandEduError):
    """The real ``drand`` binary is missing, or one of its commands failed (the message says which)."""


def find_drand() -> Path | None:
    """The ``drand`` binary: ``$DRAND_EDU_DRAND_BIN``, else ``tests/drandref/bin/drand`` of this repository,
    else ``drand`` on the ``PATH``; ``None`` when there is none."""
    named = os.environ.get(BINARY_ENV)
    if named:
        return Path(named) if Path(named).is_file() else None
    if REPO_BINARY.is_file():
        return REPO_BINARY
    found = shutil.which("drand")
    return Path(found) if found else None


#: Ports for drand's listeners, below Linux's ephemeral range (32768-60999): a port the system hands to
#: "any free port" binds (a Jupyter kernel starting in a test next door, an outgoing connection) is never
#: one a drand daemon is about to listen on, so the two cannot race for it.
PORT_RANGE = (20000, 32000)


def free_port() -> int:
    """A TCP port of 127.0.0.1 in :data:`PORT_RANGE` that nobody listens on right now."""
    for _ in range(200):
        port = random.randrange(*PORT_RANGE)
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RealDrandError(f"no free port between {PORT_RANGE[0]} and {PORT_RANGE[1]} on {HOST}")


def http_get(url: str, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """``GET url``: status, headers, body; an HTTP error status is an answer too (not an exception)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def latest_round(public_url: str) -> int:
    """The newest round a public API (drand's or ours) serves; 0 when none yet, or when it does not answer."""
    try:
        status, _, body = http_get(public_url + "/public/latest", timeout=5.0)
    except OSError:
        return 0
    return int(json.loads(body).get("round", 0)) if status == 200 else 0


@dataclass(frozen=True)
class Command:
    """One command that ran: its arguments (without the binary's path), exit code and output."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def line(self) -> str:
        """The command as an operator types it."""
        return " ".join(("drand", *self.argv))


def run(binary: Path, argv: Sequence[str], *, timeout: float = 60.0, env: dict | None = None) -> Command:
    """Run ``drand ARGV`` to its end; the result holds the exit code and both outputs (no exception)."""
    try:
        done = subprocess.run(
            [str(binary), *argv], capture_output=True, text=True, timeout=timeout,
            env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except subprocess.TimeoutExpired as late:
        out = late.stdout.decode() if isinstance(late.stdout, bytes) else (late.stdout or "")
        return Command(tuple(argv), -1, out, f"timed out after {timeout} s")
    return Command(tuple(argv), done.returncode, done.stdout, done.stderr)


@dataclass
class RealNode:
    """One ``drand start`` daemon: its folder, its four listeners and its process."""

    index: int
    folder: Path
    private: str
    control: int
    public: str
    metrics: str
    process: subprocess.Popen | None = None

    @property
    def public_url(self) -> str:
        return f"http://{self.public}"

    @property
    def log(self) -> Path:
        """What ``drand start`` printed (its log)."""
        return self.folder.parent / f"node{self.index}.log"


@dataclass
class RealNetwork:
    """A running network of real drand daemons (see :func:`start_network`); a context manager."""

    binary: Path
    folder: Path
    nodes: list[RealNode]
    beacon_id: str
    scheme: str
    period: int
    threshold: int
    transcript: list[Command] = field(default_factory=list)
    #: daemons outside the group (:meth:`start_follower`), stopped with the others
    followers: list[RealNode] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory | None = None
    _ports: set[int] = field(default_factory=set)

    def _new_port(self) -> int:
        """A free port, not one given to another listener of this network."""
        while (port := free_port()) in self._ports:
            pass
        self._ports.add(port)
        return port

    def _start_node(self, index: int, name: str) -> RealNode:
        """``drand generate-keypair`` then ``drand start`` for one more daemon, in ``folder/name``."""
        port = self._new_port
        node = RealNode(index, self.folder / name, f"{HOST}:{port()}", port(), f"{HOST}:{port()}",
                        f"{HOST}:{port()}")  # fmt: skip
        self.drand("generate-keypair", "--control", str(node.control), "--folder", str(node.folder),
                   "--id", self.beacon_id, "--scheme", self.scheme, node.private, check=True)  # fmt: skip
        with open(node.log, "w") as log:
            node.process = subprocess.Popen(
                [str(self.binary), "start", "--folder", str(node.folder), "--private-listen", node.private,
                 "--control", str(node.control), "--public-listen", node.public, "--metrics", node.metrics],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        return node

    def start_follower(self) -> RealNode:
        """One more daemon with its own key pair and no part in the group: what ``drand sync --follow`` is
        for (a node that keeps a copy of the chain). Its control port answers when this returns."""
        node = self._start_node(len(self.nodes) + len(self.followers), f"follower{len(self.followers)}")
        self.followers.append(node)
        _wait_for_control(self, [node])
        return node

    def drand(self, *argv: str, timeout: float = 60.0, check: bool = False) -> Command:
        """Run one ``drand`` command, recorded in :attr:`transcript`; ``check``: raise if it failed."""
        command = run(self.binary, argv, timeout=timeout)
        self.transcript.append(command)
        if check and command.returncode != 0:
            said = " ".join((command.stderr or command.stdout).split())[-400:]
            raise RealDrandError(f"`{command.line}` exited {command.returncode}: {said}")
        return command

    def get(self, path: str, node: int = 0, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
        """``GET path`` on a node's public API: status, headers, body (an HTTP error is an answer too)."""
        return http_get(self.nodes[node].public_url + path, timeout)

    def info(self, node: int = 0) -> dict:
        """The chain info JSON (``/info``) of a node."""
        status, _, body = self.get("/info", node)
        if status != 200:
            raise RealDrandError(f"/info answered {status}: {body[:200]!r}")
        return json.loads(body)

    def latest_round(self, node: int = 0) -> int:
        """The newest round a node serves, 0 when it serves none yet (or does not answer)."""
        return latest_round(self.nodes[node].public_url)

    def wait_for_round(self, round_number: int, timeout: float = 120.0) -> int:
        """Wait until every running node of the group serves ``round_number`` (a node stopped on purpose,
        by ``drand stop``, is left out); the newest round the first of them serves."""
        deadline = time.monotonic() + timeout
        while True:
            running = [
                i for i, node in enumerate(self.nodes) if node.process is None or node.process.poll() is None
            ]
            if not running:
                self._check_alive()  # says which node exited, and how
            rounds = [self.latest_round(i) for i in running]
            if min(rounds) >= round_number:
                return rounds[0]
            if time.monotonic() > deadline:
                raise RealDrandError(f"no round {round_number} after {timeout} s (the nodes serve {rounds})")
            time.sleep(0.5)

    def _check_alive(self, nodes: list[RealNode] | None = None) -> None:
        """Raise if one of ``nodes`` (default: the group's) has exited, with the end of its log."""
        for node in self.nodes if nodes is None else nodes:
            if node.process is not None and node.process.poll() is not None:
                tail = node.log.read_text(errors="replace")[-600:] if node.log.exists() else ""
                raise RealDrandError(f"drand node {node.index} exited ({node.process.returncode}): {tail}")

    def stop(self, grace: float = 10.0) -> None:
        """``drand stop`` on every running node, then kill whatever still runs after ``grace`` seconds."""
        for node in self.nodes + self.followers:
            if node.process is not None and node.process.poll() is None:
                self.drand("stop", "--control", str(node.control), timeout=grace)
        deadline = time.monotonic() + grace
        for node in self.nodes + self.followers:
            if node.process is None:
                continue
            try:
                node.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> RealNetwork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_network(
    nodes: int = 3,
    threshold: int | None = None,
    *,
    period: int = 3,
    scheme: str = DEFAULT_SCHEME,
    beacon_id: str = "default",
    genesis_delay: int = 15,
    dkg_timeout: str = "2m",
    wait_round: int = 2,
    binary: Path | None = None,
    folder: Path | None = None,
) -> RealNetwork:
    """Start ``nodes`` real drand daemons on 127.0.0.1, run their first DKG with drand's CLI, and wait until
    every node serves ``wait_round``. Stops everything it started if any step fails.

    ``folder``: where the nodes' folders go (default: a temporary folder removed by :meth:`RealNetwork.stop`).
    Raises :class:`RealDrandError` when the binary is missing or a command fails.
    """
    binary = binary or find_drand()
    if binary is None:
        raise RealDrandError(f"no drand binary: `make drand`, or name one in ${BINARY_ENV}")
    tmp = None
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="realdrand-")
        folder = Path(tmp.name)
    threshold = threshold if threshold is not None else nodes // 2 + 1
    net = RealNetwork(binary, folder, [], beacon_id, scheme, period, threshold, _tmp=tmp)
    try:
        for i in range(nodes):
            net.nodes.append(net._start_node(i, f"node{i}"))
        _wait_for_control(net)
        _run_dkg(net, genesis_delay, dkg_timeout)
        net.wait_for_round(wait_round, timeout=genesis_delay + 120 + wait_round * period)
    except BaseException:
        net.stop()
        raise
    return net


def _wait_for_control(net: RealNetwork, nodes: list[RealNode] | None = None, timeout: float = 120.0) -> None:
    """Until every daemon's control port answers (``drand util ping``)."""
    deadline = time.monotonic() + timeout
    for node in net.nodes if nodes is None else nodes:
        while True:
            net._check_alive([node])
            ping = run(net.binary, ["util", "ping", "--control", str(node.control)], timeout=30)
            if ping.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RealDrandError(
                    f"node {node.index}'s control port does not answer: {ping.stderr.strip()}"
                )
            time.sleep(0.3)


def _run_dkg(net: RealNetwork, genesis_delay: int, dkg_timeout: str) -> None:
    """drand's first-DKG flow: node 0 proposes (``generate-proposal``, ``init``), the others ``join``, node 0
    orders ``execute``."""
    leader, ident = net.nodes[0], ("--id", net.beacon_id)
    proposal = net.folder / "proposal.toml"
    joiners = [arg for node in net.nodes for arg in ("--joiner", node.private)]
    net.drand("dkg", "generate-proposal", "--control", str(leader.control), *ident, *joiners,
              "--out", str(proposal), check=True)  # fmt: skip
    net.drand("dkg", "init", "--control", str(leader.control), *ident, "--proposal", str(proposal),
              "--threshold", str(net.threshold), "--period", f"{net.period}s", "--scheme", net.scheme,
              "--catchup-period", "1s", "--genesis-delay", f"{genesis_delay}s", "--timeout", dkg_timeout,
              check=True)  # fmt: skip
    for node in net.nodes[1:]:
        net.drand("dkg", "join", "--control", str(node.control), *ident, check=True)
    net.drand("dkg", "execute", "--control", str(leader.control), *ident, check=True)
