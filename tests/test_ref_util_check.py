"""drand's own ``drand util check`` as the referee of ours (``drand_edu/cli/util.py``).

drand's ``checkConnection`` (``internal/drand-cli/cli.go``) runs a gRPC health check
(``remotePingToNode``) for bare addresses and an identity check (``checkIdentityAddress``) only with
``--id`` or ``--group``. A running drand daemon that has a key for the beacon id ``other`` only shows
the difference: a bare check passes (it never asks for an identity), an identity check for the default
beacon fails. Ours must do the same against one of our nodes that has an identity for ``other`` only.
The ``drand_binary`` fixture's build carries drand's ``conn_insecure`` tag (tests/drandref.py): without
it drand's client dials TLS while a daemon started without certificates listens in plain text.
"""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from drand_edu.cli import main

from .drandref import stop_process


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drand(binary, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def drand_daemon(drand_binary, tmp_path):
    """A drand daemon with keys for the beacon id ``other`` only (none for ``default``), no DKG."""
    folder, port, control = tmp_path / "drand", _free_port(), _free_port()
    address = f"127.0.0.1:{port}"
    made = _drand(drand_binary, "generate-keypair", "--folder", str(folder), "--id", "other", address)
    assert made.returncode == 0, made.stderr
    start = [str(drand_binary), "start", "--folder", str(folder), "--private-listen", address]
    daemon = subprocess.Popen(
        [*start, "--control", str(control)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while _drand(drand_binary, "util", "check", address).returncode != 0:
            if daemon.poll() is not None or time.monotonic() > deadline:
                pytest.fail("drand's daemon did not start serving")
            time.sleep(0.5)
        yield address
    finally:
        stop_process(daemon, timeout=20)


def test_bare_addresses_get_a_health_check_and_id_an_identity_check_as_in_drand(
    drand_binary, drand_daemon, capsys
) -> None:
    from drand_edu.net.http_transport import HttpNetwork

    # drand: the health check passes; the identity check of the id it has a key for passes, of the default
    # beacon (which it has no key for) fails
    theirs = {
        "bare": _drand(drand_binary, "util", "check", drand_daemon),
        "default": _drand(drand_binary, "util", "check", "--id", "default", drand_daemon),
        "other": _drand(drand_binary, "util", "check", "--id", "other", drand_daemon),
    }
    assert "answers correctly" in theirs["bare"].stdout and "answers correctly" in theirs["other"].stdout
    assert "error checking id" in theirs["default"].stdout
    node = HttpNetwork(-1, {})
    address = node.url.removeprefix("http://")
    identity = {"address": address, "key": "ab" * 48, "scheme": "pedersen-bls-chained"}
    node.identities = lambda beacon_id: identity if beacon_id == "other" else None
    try:
        ours = {
            "bare": main(["util", "check", address]),
            "default": main(["util", "check", "--id", "default", address]),
            "other": main(["util", "check", "--id", "other", address]),
        }
    finally:
        node.close()
    capsys.readouterr()
    answered = {k: v.returncode == 0 and "answers correctly" in v.stdout for k, v in theirs.items()}
    assert {k: v == 0 for k, v in ours.items()} == answered == {"bare": True, "default": False, "other": True}
