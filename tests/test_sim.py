"""Node messages round-trip through bytes; the simulator delivers them deterministically with latency,
loss, partitions and crashes, and records every one."""

from __future__ import annotations

import pytest

from drand_edu.errors import InvalidInput
from drand_edu.net import (
    BeaconPacket,
    Link,
    PartialBeaconPacket,
    Simulator,
    SyncRequest,
    from_bytes,
    to_bytes,
)
from drand_edu.rng import seeded_rng


@pytest.mark.parametrize(
    "message",
    [
        PartialBeaconPacket(7, b"\x01" * 96, b"\x00\x02" + b"\x03" * 96, "default"),
        BeaconPacket(8, b"\x04" * 48),
        SyncRequest(3, "quicknet"),
    ],
)
def test_messages_round_trip_through_bytes(message) -> None:
    assert from_bytes(to_bytes(message)) == message


def test_bad_message_bytes_are_refused() -> None:
    for data in (b"nope", b'{"kind": "gossip"}', b'{"kind": "partial", "round": 1}', b"[]"):
        with pytest.raises(InvalidInput):
            from_bytes(data)


def run(seed: int, loss: float = 0.0) -> tuple[list, list]:
    sim = Simulator(4, link=Link(latency=0.1, jitter=0.05, loss=loss), rng=seeded_rng(seed))
    received: list[tuple[float, int, int, int]] = []
    for node in range(4):
        sim.register(node, lambda src, msg, node=node: received.append((sim.now(), src, node, msg.round)))
    for r in range(1, 6):
        sim.schedule(r * 1.0, lambda r=r: sim.broadcast(r % 4, BeaconPacket(r, b"\x00")))
    sim.run_until(10)
    return received, sim.trace


def test_same_seed_same_run_and_latency_is_respected() -> None:
    first, trace = run(1)
    assert run(1)[0] == first
    assert run(2)[0] != first  # jitter differs
    assert len(first) == 5 * 3
    for entry in trace:
        assert 0.05 <= entry.delivered - entry.sent <= 0.15
    assert [t for t, *_ in first] == sorted(t for t, *_ in first)


def test_loss_drops_about_the_stated_share() -> None:
    sim = Simulator(2, link=Link(latency=0.01, loss=0.3), rng=seeded_rng(3))
    got = []
    sim.register(1, lambda src, msg: got.append(msg))
    for r in range(1000):
        sim.send(0, 1, SyncRequest(r))
    sim.run_until(1)
    assert 600 < len(got) < 800
    assert sum(e.note == "lost" for e in sim.trace) == 1000 - len(got)


def test_partitions_and_crashes() -> None:
    sim = Simulator(4, rng=seeded_rng(4))
    got: list[tuple[int, int]] = []
    for node in range(4):
        sim.register(node, lambda src, msg, node=node: got.append((src, node)))
    sim.partition({0, 1}, {2, 3})
    sim.broadcast(0, SyncRequest(1))
    sim.run_until(1)
    assert got == [(0, 1)]
    sim.heal()
    sim.crash(3)
    sim.broadcast(0, SyncRequest(2))
    sim.run_until(2)
    assert sorted(got[1:]) == [(0, 1), (0, 2)]
    assert {e.note for e in sim.trace if e.delivered is None} == {"partition", "receiver down"}
    sim.restart(3)
    sim.crash(0)
    sim.broadcast(0, SyncRequest(3))
    sim.run_until(3)
    assert len(got) == 3 and sim.trace[-1].note == "sender down"


def test_invalid_links_are_refused() -> None:
    with pytest.raises(InvalidInput):
        Link(latency=-1)
    with pytest.raises(InvalidInput):
        Link(loss=1.5)
