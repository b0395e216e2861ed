"""The real transport between node processes: messages delivered on one event thread, identities served."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from drand_edu.errors import InvalidInput
from drand_edu.net.http_transport import HttpNetwork, fetch_identity
from drand_edu.net.messages import PartialBeaconPacket


def test_a_failing_handler_does_not_stop_the_event_thread(capfd) -> None:
    a, b = HttpNetwork(0, {}), HttpNetwork(1, {})
    try:
        a.peers = {1: b.url}
        seen: list[int] = []
        done = threading.Event()

        def handler(src: int, message: PartialBeaconPacket) -> None:
            if message.round == 1:
                raise RuntimeError("a bug in one handler")
            seen.append(message.round)
            done.set()

        b.register(1, handler)
        a.send(0, 1, PartialBeaconPacket(1, b"", b"\x00\x01"))
        logged = ""
        deadline = time.time() + 5
        while "a bug in one handler" not in logged and time.time() < deadline:
            time.sleep(0.05)
            logged += capfd.readouterr().err
        assert "a bug in one handler" in logged  # logged, not swallowed silently
        a.send(0, 1, PartialBeaconPacket(2, b"", b"\x00\x01"))  # and the node still takes the next message
        assert done.wait(5), "the second message never arrived"
        assert seen == [2]
    finally:
        a.close()
        b.close()


def test_identity_is_served_once_the_node_has_one() -> None:
    node = HttpNetwork(-1, {})
    address = node.url.removeprefix("http://")
    try:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(node.url + "/identity", timeout=2)
        with pytest.raises(InvalidInput, match="cannot reach the node"):
            fetch_identity(address)
        node.identity = {"address": address, "key": "ab" * 48, "scheme": "pedersen-bls-chained"}
        assert fetch_identity(address) == node.identity
        assert (
            json.loads(urllib.request.urlopen(node.url + "/identity", timeout=2).read())["address"] == address
        )
    finally:
        node.close()
