"""A DKG squatted by a stranger, or orphaned by a dead leader, and drand's way out: ``dkg nuke``.

drand's ``Process.Packet`` applies the first well-signed proposal from anyone, so a stranger who read
three fresh nodes' identities can lock them in ``Proposed`` with a proposal of its own; the real leader
is then refused, and their operators can neither abort (not the leader) nor reject (joiners may not).
``dkg nuke`` forgets the DKG state (drand's ``NukeDKGStateCmd``). Also: the numbers of a proposal are
checked before anything changes (the CLI, the control port and the DKG process).
On a virtual clock (``test_dkg_process.VirtualNet``); ``test_dkg_nuke_processes.py`` does it with processes.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

import pytest

from drand_edu.api.control import ControlServer
from drand_edu.cli import main
from drand_edu.errors import DKGError, InvalidInput
from drand_edu.node.dkg_process import MAX_DURATION, duration, whole_number
from drand_edu.rng import seeded_rng
from drand_edu.threshold.lifecycle import Status

from .test_dkg_process import VirtualNet, initial_dkg, make_nodes

TEN_YEARS = 10 * 365 * 86400.0


def squat(net: VirtualNet, stranger, victims) -> None:
    """The stranger proposes a first DKG to the victims, with itself as leader and a 10-year timeout."""
    stranger.propose_initial([v.address for v in victims], 3, period=3, timeout=TEN_YEARS)
    net.run(1)


def test_a_strangers_proposal_locks_fresh_nodes_until_they_nuke(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(31))
    (stranger,) = make_nodes(net, 1, tmp_path, seeded_rng(32), first=9)
    squat(net, stranger, nodes)
    assert [n.state.status for n in nodes] == [Status.PROPOSED] * 3
    assert {n.state.leader for n in nodes} == {stranger.address}

    # the real leader is refused, and the operators' own commands do not help
    with pytest.raises(DKGError, match="invalid transition attempt from Proposed to Proposing"):
        nodes[0].propose_initial([n.address for n in nodes[1:]], 2, period=3)
    with pytest.raises(DKGError, match="only the leader can abort"):
        nodes[1].abort()
    with pytest.raises(DKGError, match="cannot reject a proposal where your node is joining"):
        nodes[1].reject()
    # a proposal of the real leader that reaches a squatted node is refused too (Proposed -> Proposed)
    net.run(TEN_YEARS / 2)
    assert [n.state.status for n in nodes] == [Status.PROPOSED] * 3

    assert [n.nuke() for n in nodes] == [Status.FRESH] * 3
    assert all(n.state.leader is None and n.terms is None for n in nodes)
    assert any("nuked the DKG state (Proposed): now Fresh" in line for line in nodes[0].log)
    initial_dkg(net, nodes, threshold=2)
    assert [n.state.status for n in nodes] == [Status.COMPLETE] * 3
    assert len({n.key_store.group.to_toml() for n in nodes}) == 1
    assert stranger.key_store.public_key not in {m.public_key for m in nodes[0].key_store.group.nodes}


def test_a_leader_that_dies_before_execute_leaves_the_others_joined_until_they_nuke(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(33))
    leader, others = nodes[0], nodes[1:]
    leader.propose_initial([n.address for n in others], 3, period=3, timeout=3600)
    net.run(1)
    for node in others:
        node.join()
    net.cut.add(leader.address)  # it dies: no execute will come
    net.run(600)
    assert [n.state.status for n in others] == [Status.JOINED] * 3
    with pytest.raises(DKGError, match="invalid transition attempt from Joined to Proposing"):
        others[0].propose_initial([n.address for n in others[1:]], 2, period=3)
    assert {n.nuke() for n in others} == {Status.FRESH}
    initial_dkg(net, others, threshold=2)
    assert [n.state.status for n in others] == [Status.COMPLETE] * 3


def test_nuking_a_member_keeps_its_share_and_group(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(34))
    initial_dkg(net, nodes, threshold=2)
    group, share = nodes[1].key_store.group, nodes[1].key_store.share
    nodes[0].propose_reshare([], [n.address for n in nodes[1:]], [], 2)
    net.run(1)
    nodes[1].accept()
    assert nodes[1].state.status == Status.ACCEPTED
    assert nodes[1].nuke() == Status.COMPLETE
    assert nodes[1].key_store.group is group and nodes[1].key_store.share == share
    assert nodes[1].state.epoch == 1 and nodes[1].state.final_group is not None
    # the proposal's later packets find no proposal here: logged and dropped, not applied
    nodes[0].execute()
    net.run(60)
    assert nodes[1].state.status == Status.COMPLETE and nodes[1].state.epoch == 1


BAD_NUMBERS = [
    ("period", 0), ("period", -1), ("period", 2**33), ("period", 1.5), ("period", True), ("period", "3"),
    ("threshold", 0), ("threshold", -2), ("threshold", 2**33), ("threshold", None),
    ("genesis_delay", 1e300), ("genesis_delay", -1), ("genesis_delay", float("inf")),
    ("genesis_delay", float("nan")), ("timeout", 1e300), ("timeout", 0), ("timeout", -5),
    ("timeout", MAX_DURATION * 2), ("catchup_period", -1), ("catchup_period", 2**32),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value"), BAD_NUMBERS)
def test_a_proposal_with_bad_numbers_is_refused_before_anything_changes(tmp_path, name, value) -> None:
    net = VirtualNet()
    leader, other, third = make_nodes(net, 3, tmp_path, seeded_rng(35))
    terms = {"threshold": 2, "period": 3, "genesis_delay": 10, "timeout": 60, "catchup_period": 0}
    terms[name] = value
    threshold, period = terms.pop("threshold"), terms.pop("period")
    with pytest.raises(InvalidInput):
        leader.propose_initial([other.address, third.address], threshold, period, **terms)
    net.run(5)
    assert [n.state.status for n in (leader, other, third)] == [Status.FRESH] * 3
    assert leader.terms is None and not net.events


def test_a_resharing_with_bad_numbers_is_refused(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(36))
    initial_dkg(net, nodes, threshold=2)
    remainers = [n.address for n in nodes[1:]]
    for kwargs in ({"timeout": 1e300}, {"timeout": 0}, {"transition_delay": -1}, {"transition_delay": 1e300}):
        with pytest.raises(InvalidInput):
            nodes[0].propose_reshare([], remainers, [], 2, **kwargs)
    with pytest.raises(InvalidInput):
        nodes[0].propose_reshare([], remainers, [], 2**33)
    assert nodes[0].state.status == Status.COMPLETE


def test_whole_number_and_duration_bounds() -> None:
    assert whole_number(2**32 - 1, "x", low=1) == 2**32 - 1
    assert whole_number(3.0, "x", low=1) == 3
    assert duration(MAX_DURATION, "x") == MAX_DURATION
    assert duration(0, "x") == 0
    for bad in (2**32, 0, 1.5, "1", None, False):
        with pytest.raises(InvalidInput):
            whole_number(bad, "x", low=1)
    for bad in (MAX_DURATION * 1.01, -0.1, float("nan"), "1", True):
        with pytest.raises(InvalidInput):
            duration(bad, "x")
    with pytest.raises(InvalidInput):
        duration(0, "x", positive=True)


def post(port: int, token: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}"}, method="POST")  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_control_port_answers_400_to_bad_numbers_and_nukes(tmp_path, capsys, monkeypatch) -> None:
    net = VirtualNet()
    node, other, third = make_nodes(net, 3, tmp_path, seeded_rng(37))
    server = ControlServer(node)
    try:
        good = {"joiners": [other.address, third.address], "threshold": 2, "period": 3}
        for name, value in [("period", 0), ("period", -3), ("period", 2**33), ("genesis_delay", 1e300),
                            ("timeout", 1e300), ("threshold", "two"), ("catchup_period", -1)]:  # fmt: skip
            status, answer = post(server.port, server.token, "/dkg/init", {**good, name: value})
            assert status == 400, (name, value, answer)
            assert "must be" in answer["error"]
            assert node.state.status == Status.FRESH and node.terms is None
        assert post(server.port, server.token, "/dkg/init", good)[0] == 200
        assert node.state.status == Status.PROPOSING

        mine = ["--control", str(server.port), "--folder", str(node.folder)]
        monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
        assert main(["dkg", "nuke", *mine]) == 1  # drand asks y/n: "n" changes nothing
        assert "aborted by user" in capsys.readouterr().out
        assert node.state.status == Status.PROPOSING
        monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
        assert main(["dkg", "nuke", *mine]) == 0
        assert "DKG state deleted successfully: status Fresh" in capsys.readouterr().out
        assert node.state.status == Status.FRESH
        assert post(server.port, server.token, "/dkg/init", good)[0] == 200
        assert main(["dkg", "nuke", *mine, "--yes"]) == 0
        assert node.state.status == Status.FRESH
    finally:
        server.close()


@pytest.mark.parametrize(
    "flags",
    [
        ["--period", "0s"], ["--period=-3s"], ["--period", "8589934592s"], ["--threshold", "0"],
        ["--threshold", "8589934592"], ["--genesis-delay", "1e300"], ["--genesis-delay", "3000000h"],
        ["--timeout", "3000000h"], ["--timeout", "0s"], ["--catchup-period=-1s"],
    ],
)  # fmt: skip
def test_dkg_init_refuses_bad_numbers_in_one_line(tmp_path, capsys, flags) -> None:
    # --control names a port nothing listens on: the numbers are refused before any call
    base = ["dkg", "init", "--control", "1", "--joiner", "127.0.0.1:2", "--threshold", "2", "--period", "3s"]
    assert main([*base, *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("drand-edu dkg: error: ")
    assert "cannot reach" not in err


@pytest.mark.parametrize("flags", [["--threshold", "0"], ["--timeout", "3000000h"], ["--timeout", "0s"],
                                   ["--transition-delay", "3000000h"]])  # fmt: skip
def test_dkg_reshare_refuses_bad_numbers_in_one_line(capsys, flags) -> None:
    base = ["dkg", "reshare", "--control", "1", "--remainer", "127.0.0.1:2", "--threshold", "2"]
    assert main([*base, *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach" not in err
