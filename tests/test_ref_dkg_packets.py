"""drand's own ``messageForSigning`` and packet signatures against ``drand_edu.net.dkg_packets``, and kyber's
``VerifyPacketSignature`` on our DKG bundles.

``messageForSigning`` is unexported, in drand's ``internal/dkg``; the reference program reaches the
compiled function with ``go:linkname`` (see ``tests/drandref/op_dkgpacket.go``). ``signMessage`` and
``verifyMessage`` are methods of a running daemon's ``dkg.Process``, so the ops compose the two calls
they make: the ``AuthScheme`` (BLS) signature of messageForSigning's bytes. The participant lookup of
``verifyMessage`` (the key comes from the proposal's remaining and joining nodes) is not reachable; ours
is checked against its reading in ``tests/test_dkg*.py``.
"""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drand_edu.crypto import bls, identity, schnorr
from drand_edu.crypto.schemes import SCHEMES, scheme_by_id
from drand_edu.errors import DKGError, InvalidInput
from drand_edu.net import dkg_packets
from drand_edu.net.messages import DKGPacket
from drand_edu.rng import seeded_rng
from drand_edu.threshold.dkg.messages import (
    Deal,
    DealBundle,
    DKGNode,
    Justification,
    JustificationBundle,
    Response,
    ResponseBundle,
)
from drand_edu.threshold.dkg.protocol import Config, verify_packet_signature
from drand_edu.threshold.lifecycle import Participant, ProposalTerms

LIFECYCLE = ["proposal", "accept", "reject", "abort", "execute"]
ADDRESSES = ["a.example:4444", "b.example:4444", "c.example:4444", "d.example:4444"]


def _secret(scheme, address: str) -> int:
    return 1 + seeded_rng(f"{scheme.id}/{address}").randrange(scheme.key_group.order - 1)


@functools.lru_cache(maxsize=64)
def _participant(scheme, address: str) -> Participant:
    secret = _secret(scheme, address)
    return Participant(address, bls.public_key(scheme, secret).to_bytes(), identity.self_sign(scheme, secret))


def _terms(scheme, **changes) -> ProposalTerms:
    fields = dict(
        beacon_id="default", epoch=2, leader=ADDRESSES[0], threshold=3, timeout=1_700_000_123.5,
        joining=(ADDRESSES[3],), remaining=tuple(ADDRESSES[:3]), leaving=(), scheme_id=scheme.id,
        genesis_time=1_690_000_000, genesis_seed=b"\x01" * 32, beacon_period=3, catchup_period=1,
        identities=tuple(_participant(scheme, a) for a in ADDRESSES),
    )  # fmt: skip
    fields.update(changes)
    return ProposalTerms(**fields)


def _seconds_nanos(value: float) -> tuple[int, int]:
    seconds = math.floor(value)
    return seconds, round((value - seconds) * 1_000_000_000)


def _ref_participant(terms: ProposalTerms, address: str) -> dict:
    p = terms.identity(address)
    return {"address": address, "key": p.key.hex() if p else "", "signature": p.signature.hex() if p else ""}


def _ref_terms(terms: ProposalTerms) -> dict:
    timeout_s, timeout_n = _seconds_nanos(terms.timeout)
    return {
        "beacon_id": terms.beacon_id, "epoch": terms.epoch, "leader": _ref_participant(terms, terms.leader),
        "threshold": terms.threshold, "timeout_seconds": timeout_s, "timeout_nanos": timeout_n,
        "catchup_period": terms.catchup_period, "beacon_period": terms.beacon_period,
        "scheme_id": terms.scheme_id, "genesis_seconds": terms.genesis_time, "genesis_nanos": 0,
        "genesis_seed": terms.genesis_seed.hex(),
        "joining": [_ref_participant(terms, a) for a in terms.joining],
        "remaining": [_ref_participant(terms, a) for a in terms.remaining],
        "leaving": [_ref_participant(terms, a) for a in terms.leaving],
    }  # fmt: skip


def _ref_packet(packet: str, body: dict) -> dict:
    kind = "dkg" if packet in dkg_packets.BUNDLE_PACKETS else packet
    out = {
        "kind": kind,
        "address": body.get("acceptor", body.get("rejector", "")),
        "reason": body.get("reason", ""),
    }
    if packet == "execute":
        out["time_seconds"], out["time_nanos"] = _seconds_nanos(float(body["time"]))
    return out


def _body(packet: str, who: str = ADDRESSES[1]) -> dict:
    return {
        "proposal": {},
        "accept": {"acceptor": who},
        "reject": {"rejector": who, "reason": "not now"},
        "abort": {"reason": "the leader aborted"},
        "execute": {"time": 1_700_000_200.25},
        "deal": {},
        "response": {},
        "justification": {},
    }[packet]


def _drand_message(drandref, beacon_id: str, packet: str, body: dict, terms: ProposalTerms) -> bytes:
    answer = drandref.call(
        "dkg_message_for_signing",
        beacon_id=beacon_id,
        packet=_ref_packet(packet, body),
        proposal=_ref_terms(terms),
    )
    return bytes.fromhex(answer)


@pytest.mark.parametrize("packet", LIFECYCLE + list(dkg_packets.BUNDLE_PACKETS))
def test_same_message_for_every_packet_kind(drandref, packet):
    scheme = scheme_by_id("pedersen-bls-chained")
    terms = _terms(scheme)
    body = _body(packet)
    ours = dkg_packets.message_for_signing("default", packet, body, terms)
    assert ours == _drand_message(drandref, "default", packet, body, terms)


EDGE_TERMS = {
    "epoch 0, threshold 0, no participants": dict(epoch=0, threshold=0, joining=(), remaining=(), leaving=()),
    "largest uint32s": dict(
        epoch=2**32 - 1, threshold=2**32 - 1, beacon_period=2**32 - 1, catchup_period=2**32 - 1
    ),
    "times at the epoch": dict(timeout=0.0, genesis_time=0),
    "times before 1970": dict(timeout=-1.25, genesis_time=-86_400),
    "times past 2038": dict(timeout=4_102_444_800.001, genesis_time=4_102_444_800),
    "a custom beacon id": dict(beacon_id="evmnet-test"),
    "an empty beacon id": dict(beacon_id=""),
    "unicode and newlines in addresses": dict(
        leader="ℓeader:1", remaining=("ℓeader:1", "x\nJoiner:y"), joining=(), leaving=("gone:1",)
    ),
    "leader without identity": dict(leader="nobody:1"),
    "a resharing with leavers": dict(
        remaining=(ADDRESSES[0], ADDRESSES[1]), joining=(), leaving=(ADDRESSES[2],)
    ),
    "participants missing identities": dict(identities=()),
    "another scheme named": dict(scheme_id="bls-unchained-g1-rfc9380"),
}


@pytest.mark.parametrize("case", sorted(EDGE_TERMS))
@pytest.mark.parametrize("packet", ["proposal", "accept", "execute", "deal"])
def test_same_message_for_edge_terms(drandref, case, packet):
    scheme = scheme_by_id("pedersen-bls-chained")
    terms = _terms(scheme, **EDGE_TERMS[case])
    for beacon_id in ("default", "", terms.beacon_id, "other"):
        ours = dkg_packets.message_for_signing(beacon_id, packet, _body(packet), terms)
        assert ours == _drand_message(drandref, beacon_id, packet, _body(packet), terms), beacon_id


def test_an_unknown_packet_can_never_verify(drandref):
    """drand writes 16 random bytes for a packet it does not know (two calls differ); ours refuses."""
    terms = _terms(scheme_by_id("pedersen-bls-chained"))
    ref = {"kind": "none"}
    first = drandref.call(
        "dkg_message_for_signing", beacon_id="default", packet=ref, proposal=_ref_terms(terms)
    )
    second = drandref.call(
        "dkg_message_for_signing", beacon_id="default", packet=ref, proposal=_ref_terms(terms)
    )
    assert first != second
    with pytest.raises(InvalidInput):
        dkg_packets.message_for_signing("default", "none", {}, terms)


def _drand_verifies(drandref, scheme, key: bytes, signature: bytes, packet: str, body: dict, terms) -> bool:
    kind, _ = drandref.outcome(
        "dkg_packet_verify", scheme=scheme.id, key=key.hex(), signature=signature.hex(), beacon_id="default",
        packet=_ref_packet(packet, body), proposal=_ref_terms(terms),
    )  # fmt: skip
    return kind == "ok"


def _ours_verifies(scheme, packet: DKGPacket, terms) -> bool:
    try:
        dkg_packets.verify_packet(scheme, packet, terms)
    except DKGError:
        return False
    return True


# the message does not depend on the scheme: every scheme signs an accept, one scheme every packet kind
SIGNED = [(s, "accept") for s in sorted(SCHEMES)] + [
    ("pedersen-bls-chained", p) for p in LIFECYCLE if p != "accept"
]


@pytest.mark.parametrize(("scheme_id", "packet"), [*SIGNED, ("bls-unchained-g1-rfc9380", "deal")])
def test_same_packet_signature_and_both_directions(drandref, scheme_id, packet):
    scheme = scheme_by_id(scheme_id)
    terms = _terms(scheme)
    sender = ADDRESSES[1]
    secret = _secret(scheme, sender)
    body = _body(packet, who=sender)
    signed = dkg_packets.sign_packet(scheme, secret, DKGPacket(sender, packet, body), terms)
    theirs = drandref.call(
        "dkg_packet_sign", scheme=scheme_id, secret=secret.to_bytes(32, "big").hex(), beacon_id="default",
        packet=_ref_packet(packet, body), proposal=_ref_terms(terms),
    )  # fmt: skip
    assert signed.signature.hex() == theirs  # BLS is deterministic: the same bytes
    key = terms.identity(sender).key
    assert _drand_verifies(drandref, scheme, key, signed.signature, packet, body, terms)
    assert _ours_verifies(scheme, signed, terms)
    # a changed term, another signer's key, a signature for another beacon id: both refuse
    changed = _terms(scheme, threshold=2)
    assert not _drand_verifies(drandref, scheme, key, signed.signature, packet, body, changed)
    assert not _ours_verifies(scheme, signed, changed)
    impostor = DKGPacket(ADDRESSES[2], packet, body, signature=signed.signature)
    assert not _drand_verifies(
        drandref, scheme, terms.identity(ADDRESSES[2]).key, signed.signature, packet, body, terms
    )
    assert not _ours_verifies(scheme, impostor, terms)
    other_beacon = DKGPacket(sender, packet, body, beacon_id="other", signature=signed.signature)
    assert not _ours_verifies(scheme, other_beacon, terms)


# -- the bundles: kyber's VerifyPacketSignature on our deals, responses and justifications --------------
def _nodes(scheme, addresses) -> list[DKGNode]:
    return [DKGNode(i, bls.public_key(scheme, _secret(scheme, a))) for i, a in enumerate(addresses)]


def _ref_nodes(nodes) -> list[dict] | None:
    return [{"index": n.index, "public": n.public.to_bytes().hex()} for n in nodes] if nodes else None


def _bundles(scheme, session: bytes, seed: int):
    group = scheme.key_group
    rng = seeded_rng(seed)
    commits = tuple((group.generator() * (1 + rng.randrange(group.order - 1))).to_bytes() for _ in range(2))
    deals = tuple(Deal(i, rng.randbytes(32 + group.size + 16)) for i in (2, 0, 1))  # kyber sorts them
    yield DealBundle(0, deals, commits, session)
    yield ResponseBundle(1, (Response(2, True), Response(0, False), Response(1, True)), session)
    yield JustificationBundle(2, (Justification(1, rng.randrange(group.order)), Justification(0, 5)), session)


def _ref_bundle(bundle) -> dict:
    body = dkg_packets.bundle_to_json(bundle)
    return {"kind": bundle.kind, **body}


@pytest.mark.parametrize("scheme_id", sorted(SCHEMES))
def test_kyber_verifies_our_bundles(drandref, scheme_id):
    scheme = scheme_by_id(scheme_id)
    nodes = _nodes(scheme, ADDRESSES[:3])
    config = Config(scheme=scheme, longterm=1, new_nodes=tuple(nodes), nonce=b"n" * 32)
    for bundle in _bundles(scheme, b"s" * 32, 1):
        signer = _secret(scheme, ADDRESSES[bundle.index])
        signed = bundle.with_signature(schnorr.sign(scheme.key_group, signer, bundle.hash(), seeded_rng(2)))
        answer = drandref.call(
            "dkg_bundle_verify", scheme=scheme_id, bundle=_ref_bundle(signed), new_nodes=_ref_nodes(nodes)
        )
        assert answer["hash"] == bundle.hash().hex(), bundle.kind
        assert answer["valid"] and verify_packet_signature(config, signed), bundle.kind
        # signed by another node than the one its index names: both refuse
        forged = bundle.with_signature(
            schnorr.sign(scheme.key_group, _secret(scheme, ADDRESSES[3]), bundle.hash(), seeded_rng(3))
        )
        answer = drandref.call(
            "dkg_bundle_verify", scheme=scheme_id, bundle=_ref_bundle(forged), new_nodes=_ref_nodes(nodes)
        )
        assert not answer["valid"] and not verify_packet_signature(config, forged), bundle.kind
        # an index that names no node: both refuse
        stranger = Config(scheme=scheme, longterm=1, new_nodes=tuple(nodes[:1]), nonce=b"n" * 32)
        answer = drandref.call(
            "dkg_bundle_verify", scheme=scheme_id, bundle=_ref_bundle(signed), new_nodes=_ref_nodes(nodes[:1])
        )
        ours = verify_packet_signature(stranger, signed)
        assert answer["valid"] == ours == (bundle.index == 0), bundle.kind


def test_a_resharing_takes_dealers_from_the_old_group(drandref):
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    old = _nodes(scheme, ADDRESSES[:3])
    new = [DKGNode(i, n.public) for i, n in enumerate(reversed(old))]  # same keys, other indices
    config = Config(scheme=scheme, longterm=1, new_nodes=tuple(new), nonce=b"n" * 32, old_nodes=tuple(old))
    for bundle in _bundles(scheme, b"r" * 32, 4):
        nodes = new if bundle.kind == "response" else old
        public = next(n.public for n in nodes if n.index == bundle.index)
        secret = next(
            _secret(scheme, a) for a in ADDRESSES if bls.public_key(scheme, _secret(scheme, a)) == public
        )
        signed = bundle.with_signature(schnorr.sign(scheme.key_group, secret, bundle.hash(), seeded_rng(5)))
        answer = drandref.call(
            "dkg_bundle_verify", scheme=scheme.id, bundle=_ref_bundle(signed), new_nodes=_ref_nodes(new),
            old_nodes=_ref_nodes(old),
        )  # fmt: skip
        assert answer["valid"] and verify_packet_signature(config, signed), bundle.kind


# -- generated ------------------------------------------------------------------------------------------
_address = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=40)
@given(
    packet=st.sampled_from(LIFECYCLE + list(dkg_packets.BUNDLE_PACKETS)),
    beacon_id=st.sampled_from(["default", "", "quicknet", "ö"]),
    epoch=st.integers(0, 2**32 - 1),
    threshold=st.integers(0, 2**32 - 1),
    millis=st.integers(-(10**12), 10**13),
    genesis=st.integers(-(2**40), 2**40),
    joining=st.lists(_address, max_size=3),
    remaining=st.lists(_address, max_size=3),
    leaving=st.lists(_address, max_size=2),
    who=_address,
    reason=_address,
)
@example(
    packet="execute", beacon_id="", epoch=0, threshold=0, millis=0, genesis=0, joining=[], remaining=[],
    leaving=[], who="", reason="",
)  # fmt: skip
def test_generated_messages(
    drandref, packet, beacon_id, epoch, threshold, millis, genesis, joining, remaining, leaving, who, reason
):
    scheme = scheme_by_id("pedersen-bls-chained")
    terms = _terms(
        scheme, beacon_id=beacon_id, epoch=epoch, threshold=threshold, timeout=millis / 1000,
        genesis_time=genesis,
        joining=tuple(joining), remaining=tuple(remaining), leaving=tuple(leaving),
    )  # fmt: skip
    body = {"acceptor": who, "rejector": who, "reason": reason, "time": millis / 1000 + 7}
    body = {k: v for k, v in body.items() if k in _body(packet) or packet in ("proposal",)}
    ours = dkg_packets.message_for_signing(beacon_id, packet, body, terms)
    assert ours == _drand_message(drandref, beacon_id, packet, body, terms)
