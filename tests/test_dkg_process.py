"""The DKG as separate nodes exchanging packets (``drand_edu.node.dkg_process``), on a virtual clock.

Every packet goes through the wire encoding (``to_bytes``/``from_bytes``), as between processes; the
clock is virtual, so phase timeouts cost nothing. The same code runs between real processes in
``test_dkg_processes.py``.
"""

from __future__ import annotations

import heapq
import itertools
import json
from dataclasses import replace

import pytest

from drand_edu.crypto import bls
from drand_edu.crypto.schemes import scheme_by_id
from drand_edu.errors import DKGError, InvalidInput
from drand_edu.net.dkg_packets import BUNDLE_PACKETS, go_time_binary, message_for_signing, sign_packet
from drand_edu.net.messages import DKGPacket, from_bytes, to_bytes
from drand_edu.node.dkg_process import DKGProcess
from drand_edu.node.key_store import FileStore
from drand_edu.rng import seeded_rng
from drand_edu.threshold.lifecycle import Status
from drand_edu.threshold.tbls import recover_signature, sign_partial

SCHEME = scheme_by_id("pedersen-bls-unchained")
LATENCY = 0.05


class VirtualNet:
    """Nodes by address, one event queue, a virtual clock; ``cut`` addresses neither send nor receive."""

    def __init__(self) -> None:
        self.time = 1_000_000.0
        self.events: list = []
        self.sequence = itertools.count()
        self.nodes: dict[str, DKGProcess] = {}
        self.cut: set[str] = set()
        self.tamper = None  # optional function(sender, packet) -> packet

    def schedule(self, at: float, action) -> None:
        heapq.heappush(self.events, (at, next(self.sequence), action))

    def run(self, seconds: float) -> None:
        end = self.time + seconds
        while self.events and self.events[0][0] <= end:
            at, _, action = heapq.heappop(self.events)
            self.time = max(self.time, at)
            action()
        self.time = end

    def endpoint(self, address: str) -> Endpoint:
        return Endpoint(self, address)


class Endpoint:
    def __init__(self, net: VirtualNet, address: str) -> None:
        self.net, self.address = net, address

    def now(self) -> float:
        return self.net.time

    def schedule(self, at: float, action) -> None:
        self.net.schedule(at, action)

    def send_to(self, address: str, message) -> None:
        if self.address in self.net.cut or address in self.net.cut:
            return
        if self.net.tamper is not None:
            message = self.net.tamper(self.address, message)
        wire = to_bytes(message)  # the bytes a real transport carries
        self.net.schedule(self.net.time + LATENCY, lambda: self.net.nodes[address].receive(from_bytes(wire)))


def make_nodes(net: VirtualNet, count: int, tmp_path, rng, first: int = 0) -> list[DKGProcess]:
    def identity_of(address: str) -> dict:
        node = net.nodes[address]
        keys = node.key_store
        return {"address": address, "key": keys.public_key.hex(), "scheme": keys.scheme.id,
                "signature": keys.signature.hex()}  # fmt: skip

    nodes = []
    for i in range(first, first + count):
        address = f"127.0.0.1:{5000 + i}"
        key_store = FileStore.generate(SCHEME, rng=rng, address=address)
        node = DKGProcess(
            key_store, tmp_path / f"node{i}", net.endpoint(address), identity_of=identity_of, rng=rng
        )
        net.nodes[address] = node
        nodes.append(node)
    return nodes


def initial_dkg(net: VirtualNet, nodes: list[DKGProcess], threshold: int, run_for: float = 60) -> None:
    """Propose, join and execute a first DKG, then let ``run_for`` seconds pass (60: it is over)."""
    leader, others = nodes[0], nodes[1:]
    leader.propose_initial([n.address for n in others], threshold, period=3, genesis_delay=30)
    net.run(1)
    for node in others:
        if node.address not in net.cut:
            node.join()
    leader.execute()
    net.run(run_for)


def test_a_first_dkg_between_nodes_gives_everyone_the_same_group(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(1))
    initial_dkg(net, nodes, threshold=3)
    assert [n.state.status for n in nodes] == [Status.COMPLETE] * 4
    groups = [n.key_store.group for n in nodes]
    assert len({g.to_toml() for g in groups}) == 1  # the same group file, byte for byte
    group = groups[0]
    # drand orders participants by public key to give DKG indices
    assert [node.public_key for node in sorted(group.nodes, key=lambda n: n.index)] == sorted(
        n.key_store.public_key for n in nodes
    )
    for node in nodes:
        assert group.public_key.check(node.key_store.share)
        reloaded = FileStore.load(node.folder)  # saved in the node's folder
        assert reloaded.share == node.key_store.share and reloaded.group == group
    # any 3 of the 4 shares sign for the group key
    message = b"round 1"
    partials = [sign_partial(SCHEME, n.key_store.share, message) for n in nodes[1:]]
    signature = recover_signature(SCHEME, group.public_key, message, partials, 3, 4)
    assert bls.verify(SCHEME, group.public_key.commit(), message, signature)


def test_a_silent_node_is_left_out_after_the_phase_timeouts(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(2))
    leader = nodes[0]
    leader.propose_initial([n.address for n in nodes[1:]], 3, period=3, genesis_delay=60)
    net.run(1)
    for node in nodes[1:]:
        node.join()
    net.cut.add(nodes[3].address)  # node 3 crashes after joining
    leader.execute()
    net.run(5)
    assert leader.state.status == Status.EXECUTING  # still waiting for node 3's deal
    net.run(60)
    assert [n.state.status for n in nodes[:3]] == [Status.COMPLETE] * 3
    group = leader.key_store.group
    assert len(group) == 3 and nodes[3].key_store.public_key not in {n.public_key for n in group.nodes}
    assert any("complete" in line for line in leader.log)


def test_forged_bundles_and_commands_from_non_leaders_are_refused(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(3))
    forger = nodes[2].address

    def forge(sender: str, packet: DKGPacket) -> DKGPacket:
        if sender == forger and packet.packet == "deal":
            return replace(packet, body={**packet.body, "signature": "00" * 48})
        return packet

    net.tamper = forge
    nodes[0].propose_initial([n.address for n in nodes[1:]], 3, period=3, genesis_delay=60)
    net.run(1)
    for node in nodes[1:]:
        node.join()
    # node 1 is not the leader: its "execute" is logged and ignored
    nodes[3].receive(DKGPacket(nodes[1].address, "execute", {}))
    assert nodes[3].state.status == Status.JOINED
    assert "only the leader can trigger the execution" in nodes[3].log[-1]
    with pytest.raises(DKGError, match="only the leader"):
        nodes[1].execute()
    nodes[0].execute()
    # one phaser from kickoff, as drand's startDKGExecution runs kyber's TimePhaser: the deal phase waits
    # for node 2's deal until +10 s, the responses are all in at once, the complaints open a justification
    # phase that not every old node answers, so it lasts until the finish signal at +30 s (not +10 +10)
    net.run(25)
    assert nodes[0].state.status == Status.EXECUTING
    net.run(35)
    assert any("bad signature" in line for line in nodes[0].log)
    assert nodes[0].state.status == Status.COMPLETE
    # node 2's deal reached no one with a valid signature: it is not in QUAL
    assert len(nodes[0].key_store.group) == 3
    assert nodes[2].key_store.public_key not in {n.public_key for n in nodes[0].key_store.group.nodes}


def test_a_proposal_with_a_wrong_key_or_scheme_is_refused(tmp_path) -> None:
    net = VirtualNet()
    leader, other = make_nodes(net, 2, tmp_path, seeded_rng(8))
    with pytest.raises(InvalidInput, match="key pair is for pedersen-bls-unchained"):
        leader.propose_initial([other.address], 2, period=3, scheme_id="bls-unchained-g1-rfc9380")

    # the leader lies about other's key (and signs it itself, so the self-signature holds)
    def replace_keys(sender: str, packet: DKGPacket) -> DKGPacket:
        if packet.packet != "proposal":
            return packet
        terms = dict(packet.body["terms"])
        mine = {"key": leader.key_store.public_key.hex(), "signature": leader.key_store.signature.hex()}
        terms["identities"] = [
            {**p, **mine} if p["address"] == other.address else p for p in terms["identities"]
        ]
        return replace(packet, body={**packet.body, "terms": terms})

    net.tamper = replace_keys
    leader.propose_initial([other.address], 2, period=3)
    net.run(1)
    assert other.state.status == Status.FRESH
    assert "does not carry this node's public key" in other.log[-1]


def test_a_malformed_packet_is_logged_not_raised(tmp_path) -> None:
    net = VirtualNet()
    (node,) = make_nodes(net, 1, tmp_path, seeded_rng(4))
    node.receive(DKGPacket("127.0.0.1:9", "proposal", {"terms": {"epoch": "x"}}))
    node.receive(DKGPacket("127.0.0.1:9", "gossip", {}))
    node.receive(DKGPacket("127.0.0.1:9", "proposal", {"no terms": 1}))
    node.receive(DKGPacket("127.0.0.1:9", "deal", {"dealer_index": "zero"}))
    assert node.state.status == Status.FRESH
    assert "malformed proposal" in node.log[-4] and "unknown DKG packet" in node.log[-3]
    assert "malformed (KeyError('terms'))" in node.log[-2]
    assert "malformed deal bundle" in node.log[-1]  # refused on arrival, not kept for later


def test_a_proposal_times_out_when_nobody_executes(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(5))
    nodes[0].propose_initial([n.address for n in nodes[1:]], 2, period=3, timeout=20)
    net.run(1)
    nodes[1].join()
    net.run(30)
    assert [n.state.status for n in nodes] == [Status.TIMED_OUT] * 3


def test_resharing_to_a_new_node_keeps_the_group_key(tmp_path) -> None:
    rng = seeded_rng(6)
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, rng)
    initial_dkg(net, nodes, threshold=3)
    old_group = nodes[0].key_store.group
    (joiner,) = make_nodes(net, 1, tmp_path, rng, first=4)
    leaver = nodes[3]

    leader = nodes[0]
    leader.propose_reshare([joiner.address], [n.address for n in nodes[1:3]], [leaver.address], 3)
    net.run(1)
    for node in nodes[1:3]:
        node.accept()
    joiner.join(old_group)
    leaver.receive(DKGPacket(leader.address, "noise", {}))  # ignored
    leader.execute()
    net.run(60)

    assert leaver.state.status == Status.LEFT
    members = [*nodes[:3], joiner]
    assert [n.state.status for n in members] == [Status.COMPLETE] * 4
    new_group = joiner.key_store.group
    assert {n.key_store.group.to_toml() for n in members} == {new_group.to_toml()}
    assert new_group.public_key.commit() == old_group.public_key.commit()  # the same chain key
    assert new_group.genesis_seed == old_group.genesis_seed
    assert new_group.transition_time > old_group.genesis_time
    assert leaver.key_store.public_key not in {n.public_key for n in new_group.nodes}
    # the new shares (the joiner's among them) sign exactly what the old shares signed
    message = b"round 42"
    new_partials = [sign_partial(SCHEME, n.key_store.share, message) for n in [joiner, *nodes[1:3]]]
    signature = recover_signature(SCHEME, new_group.public_key, message, new_partials, 3, 4)
    assert bls.verify(SCHEME, old_group.public_key.commit(), message, signature)
    assert leader.state.epoch == joiner.state.epoch == 2


def test_the_leader_aborts_and_a_new_proposal_follows(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(7))
    nodes[0].propose_initial([n.address for n in nodes[1:]], 2, period=3)
    net.run(1)
    nodes[1].join()
    with pytest.raises(DKGError, match="only the leader can abort"):
        nodes[1].abort()
    nodes[0].abort()
    net.run(1)
    assert [n.state.status for n in nodes] == [Status.ABORTED] * 3
    # an aborted epoch can be proposed again, and this time it completes
    initial_dkg(net, nodes, threshold=2)
    assert [n.state.status for n in nodes] == [Status.COMPLETE] * 3


def test_the_control_port_answers_status_and_refuses_with_drands_reason(tmp_path, capsys) -> None:
    from drand_edu.api.control import ControlServer
    from drand_edu.cli import main

    net = VirtualNet()
    node, other = make_nodes(net, 2, tmp_path, seeded_rng(10))
    server = ControlServer(node)
    try:
        port = str(server.port)
        assert main(["dkg", "status", "--control", port]) == 2  # no token: refused
        assert "serves the node's owner only" in capsys.readouterr().err
        mine = ["--control", port, "--folder", str(node.folder)]  # the owner: the token is in the folder
        assert main(["dkg", "status", *mine]) == 0
        assert "Fresh, no DKG yet" in capsys.readouterr().out
        assert main(["dkg", "execute", *mine]) == 2  # nothing proposed yet
        assert capsys.readouterr().err.startswith("drand-edu dkg: error: the node refused: ")
        assert main(["dkg", "init", *mine, "--joiner", other.address, "--threshold", "2",
                     "--period", "1.5s"]) == 2  # fmt: skip
        assert "a period is a whole number of seconds" in capsys.readouterr().err
        assert main(["dkg", "init", *mine, "--joiner", other.address, "--threshold", "5"]) == 2
        assert "threshold cannot be higher" in capsys.readouterr().err
        assert main(["dkg", "init", *mine, "--joiner", other.address, "--threshold", "2",
                     "--period", "3s"]) == 0  # fmt: skip
        assert main(["dkg", "status", *mine, "--format", "json"]) == 0
        status = json.loads(capsys.readouterr().out.split("\n", 1)[1])
        assert status["status"] == "Proposing" and status["joining"] == [node.address, other.address]
    finally:
        server.close()


def test_a_joiner_whose_self_signature_does_not_verify_is_refused(tmp_path) -> None:
    # drand validateJoinerSignatures, on the leader's own proposal and on every receiver
    net = VirtualNet()
    leader, other = make_nodes(net, 2, tmp_path, seeded_rng(9))
    honest_identity = leader.identity_of
    leader.identity_of = lambda address: {**honest_identity(address), "signature": "00" * 96}
    with pytest.raises(DKGError, match="the key's scheme may not match"):
        leader.propose_initial([other.address], 2, period=3)
    assert leader.state.status == Status.FRESH


def test_go_time_binary_is_gos_marshal_binary_of_a_utc_time() -> None:
    # Go: time.Unix(0, 0).UTC().MarshalBinary() and time.Unix(1, 5e8).UTC().MarshalBinary()
    assert go_time_binary(0) == bytes.fromhex("01000000 0e7791f700 00000000 ffff".replace(" ", ""))
    assert go_time_binary(1.5) == bytes.fromhex("01000000 0e7791f701 1dcd6500 ffff".replace(" ", ""))


def test_message_for_signing_follows_drands_layout(tmp_path) -> None:
    net = VirtualNet()
    leader, other = make_nodes(net, 2, tmp_path, seeded_rng(12))
    terms = leader.propose_initial([other.address], 2, period=3)
    message = message_for_signing("default", "accept", {"acceptor": other.address}, terms)
    me = terms.identity(leader.address)
    head = f"beaconID:default\nAccepted:{other.address}\nProposal:\ndefault\n".encode()
    assert message.startswith(head + (1).to_bytes(4, "little") + f"\nLeader:{leader.address}\n".encode())
    assert me.signature + (2).to_bytes(4, "little") + go_time_binary(terms.timeout) in message
    assert message.endswith(
        f"\nJoiner:{other.address}\nSig:".encode() + terms.identity(other.address).signature
    )
    assert b"\nScheme: " + SCHEME.id.encode() + b"\n" + go_time_binary(terms.genesis_time) in message


def test_lifecycle_packets_with_a_self_declared_sender_are_refused(tmp_path) -> None:
    # issue 15: a forged abort claiming to come from the leader used to abort the node's DKG
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(13))
    leader = nodes[0]
    leader.propose_initial([n.address for n in nodes[1:]], 2, period=3)
    net.run(1)
    nodes[1].join()
    other_key = nodes[2].key_store.secret_key
    for forged in (
        DKGPacket(leader.address, "abort", {"reason": "x"}),  # unsigned
        sign_packet(SCHEME, other_key, DKGPacket(leader.address, "abort", {}), leader.terms),
        sign_packet(
            SCHEME,
            nodes[2].key_store.secret_key,
            DKGPacket(leader.address, "execute", {"time": 1.0}),
            leader.terms,
        ),
    ):
        nodes[1].receive(forged)
        assert nodes[1].state.status == Status.JOINED
        assert "invalid packet signature" in nodes[1].log[-1]
    # a signed packet from someone who is not a participant
    stranger = DKGPacket("127.0.0.1:9999", "abort", {})
    nodes[1].receive(sign_packet(SCHEME, nodes[2].key_store.secret_key, stranger, leader.terms))
    assert nodes[1].state.status == Status.JOINED
    # the real leader's abort is signed and accepted
    leader.abort()
    net.run(1)
    assert nodes[1].state.status == Status.ABORTED


def test_an_acceptance_must_be_signed_by_the_acceptor(tmp_path) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 3, tmp_path, seeded_rng(14))
    initial_dkg(net, nodes, threshold=2)
    net.run(60)
    leader, a, b = nodes
    leader.propose_reshare([], [a.address, b.address], [], 2)
    net.run(1)
    # b claims a's acceptance, signed with b's own key: drand's ErrInvalidAcceptor
    claim = sign_packet(
        SCHEME, b.key_store.secret_key, DKGPacket(b.address, "accept", {"acceptor": a.address}), leader.terms
    )
    leader.receive(claim)
    assert "the node that signed this message is not the one claiming be accepting" in leader.log[-1]
    a.accept()
    net.run(1)
    assert leader.state.acceptors == (a.address,)


def _reshare_with_a_leaver(tmp_path, *, cut_a_remainer: bool):
    rng = seeded_rng(15)
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, rng)
    initial_dkg(net, nodes, threshold=3)
    net.run(60)
    old_group = nodes[0].key_store.group
    leader, staying, other, leaver = nodes
    (joiner,) = make_nodes(net, 1, tmp_path, rng, first=4)
    leader.propose_reshare([joiner.address], [staying.address, other.address], [leaver.address], 3)
    net.run(1)
    staying.accept()
    other.accept()
    joiner.join(old_group)
    net.run(1)
    sent: list[tuple[str, str]] = []
    net.tamper = lambda sender, packet: (sent.append((sender, packet.packet)), packet)[1]
    if cut_a_remainer:
        net.cut.add(other.address)
    leader.execute()
    net.run(60)
    return old_group, (leader, staying, other, leaver, joiner), sent


def test_a_leaver_deals_its_old_share_and_answers_no_complaint(tmp_path) -> None:
    # drand: a leaver that gets the execute packet runs executeDKG too and deals as an old node (kyber
    # canIssue), gets no share, and kyber's ProcessResponses refuses it: it sends nothing after its deal
    old_group, nodes, sent = _reshare_with_a_leaver(tmp_path, cut_a_remainer=False)
    leader, staying, other, leaver, joiner = nodes
    assert leaver.state.status == Status.LEFT
    assert any("dealt our old share as a leaver" in line for line in leaver.log)
    from_leaver = [kind for sender, kind in sent if sender == leaver.address and kind in BUNDLE_PACKETS]
    assert set(from_leaver) == {"deal"}  # a deal, and no response nor justification
    for node in (leader, staying, other, joiner):
        assert node.state.status == Status.COMPLETE, node.log[-3:]
        assert node.key_store.group.public_key.commit() == old_group.public_key.commit()


def test_a_leaver_cannot_make_up_for_a_silent_remainer(tmp_path) -> None:
    # kyber (and so drand): a remainer cut off sends neither deal nor response, so under fast sync every
    # dealer's share for it stays a complaint; the stayers justify theirs, the leaver cannot (its
    # ProcessResponses is refused), so only 2 old dealers qualify, below the old threshold 3: abort.
    # tests/test_ref_kyber_dkg.py's "leaver-cannot-cover-a-silent-holder" has kyber do the same.
    _, (leader, staying, _other, leaver, joiner), _ = _reshare_with_a_leaver(tmp_path, cut_a_remainer=True)
    assert leaver.state.status == Status.LEFT
    for node in (leader, staying, joiner):
        assert node.state.status == Status.FAILED, node.log[-3:]
        assert "only 2/3 valid deals" in node.log[-1]


@pytest.mark.parametrize("garbage", [b"\xff\xfe not json", b"[]", b'{"epoch": "two"}', b'{"epoch": 0}',
                                     b'{"epoch": true}', b"[" * 5000])  # fmt: skip
def test_a_damaged_epoch_file_is_refused_by_name_not_with_a_traceback(tmp_path, garbage) -> None:
    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(7))
    initial_dkg(net, nodes, threshold=3)
    node = nodes[0]
    epoch_file = node.key_store.folder(node.folder) / "dkg.json"
    assert json.loads(epoch_file.read_text()) == {"epoch": 1}
    epoch_file.write_bytes(garbage)
    with pytest.raises(InvalidInput, match=r"dkg\.json"):
        DKGProcess(FileStore.load(node.folder), node.folder, net.endpoint("127.0.0.1:6000"),
                   rng=seeded_rng(8))  # fmt: skip


def test_a_dealer_who_signs_two_different_deals_is_evicted_as_kyber_set_does(tmp_path) -> None:
    """kyber's packet set ``Push``: a copy is ignored; another signed bundle evicts its author for good."""
    from drand_edu.threshold.dkg.protocol import DistKeyGenerator

    net = VirtualNet()
    nodes = make_nodes(net, 4, tmp_path, seeded_rng(11))
    initial_dkg(net, nodes, 3, run_for=3 * LATENCY)  # the execute packet is in, every deal delivered
    watcher, dealer = nodes[3]._execution, nodes[2]._execution
    # the dealer's long-term key signs a second deal, with another polynomial
    other = DistKeyGenerator(dealer.config, seeded_rng("another polynomial")).deals()
    index = other.index
    first = watcher.received["deal"][index]
    assert first == dealer.received["deal"][index] and other.hash() != first.hash()
    watcher.receive(first)  # the same bundle again (an echo): ignored
    assert watcher.received["deal"][index] == first and index not in watcher.equivocators["deal"]
    watcher.receive(other)
    assert index not in watcher.received["deal"] and index in watcher.equivocators["deal"]
    assert "evicted deal author" in nodes[3].log[-1]
    watcher.receive(first)  # evicted for good: its first bundle is not taken back
    assert index not in watcher.received["deal"]


def test_a_leaver_keeps_its_share_and_group_file_where_drand_resets_them(tmp_path) -> None:
    """drand's leaveNetwork ends with ``store.Reset()``: the share and group files go. Ours keeps them on
    disk (listed in tests/data/differences.toml as dkg-leaver-keeps-files)."""
    old_group, nodes, _ = _reshare_with_a_leaver(tmp_path, cut_a_remainer=False)
    leaver = nodes[3]
    assert leaver.state.status == Status.LEFT
    on_disk = FileStore.load(tmp_path / "node3")
    assert on_disk.share is not None and on_disk.group is not None
    assert on_disk.group.public_key.commit() == old_group.public_key.commit()
