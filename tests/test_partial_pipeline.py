"""A partial's way through a node, in drand's order: ``ProcessPartialBeacon``'s checks, the round cache,
then ``runAggregator``'s ``Recover`` and ``VerifyRecovered``.

drand (``internal/chain/beacon/node.go``, ``cache.go``, ``chainstore.go`` at the pinned commit) refuses a
partial whose index names no node of its group file *before* it verifies anything, refuses its own index
before verifying too, keeps the first partial of an index per round, and before genesis takes partials of
round 1 only (``NextRound``). These tests fail if our beacon process does otherwise.
"""

from __future__ import annotations

import pytest

from drand_edu.chain.info import ChainInfo
from drand_edu.crypto import PEDERSEN_BLS_CHAINED, scheme_by_id
from drand_edu.net.messages import PartialBeaconPacket
from drand_edu.net.sim import Simulator
from drand_edu.node.beacon_process import BeaconProcess
from drand_edu.node.partial_cache import PartialCache
from drand_edu.node.vault import Vault
from drand_edu.node.verifier import PartialVerifier
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore
from drand_edu.threshold.dkg import run_dkg
from drand_edu.threshold.poly import PriShare, recover_pri_poly
from drand_edu.threshold.tbls import index_of, is_valid_partial, sign_partial

SCHEME = PEDERSEN_BLS_CHAINED
GENESIS = 1_700_000_000
PERIOD = 3
N, T = 4, 3


class CountingVerifier(PartialVerifier):
    """drand's checks, counting how many partials reached the pairing check."""

    def __init__(self) -> None:
        super().__init__()
        self.partials_checked = 0

    def partial_ok(self, scheme, public_poly, message, partial) -> bool:
        self.partials_checked += 1
        return super().partial_ok(scheme, public_poly, message, partial)


@pytest.fixture(scope="module")
def chain():
    """A group of 4, threshold 3, and the group's secret polynomial (to sign as *any* index)."""
    outcome = run_dkg(N, T, SCHEME, rng=seeded_rng("partial-pipeline"))
    group = outcome.to_group(PERIOD, GENESIS)
    secret_poly = recover_pri_poly([outcome.share(i) for i in range(T)], T)
    return outcome, group, secret_poly


def _node(chain, index: int, now: float) -> tuple[BeaconProcess, CountingVerifier]:
    """Node ``index`` as drand_edu's service builds it (no ``group_size``: the group file decides)."""
    outcome, group, _ = chain
    verifier = CountingVerifier()
    sim = Simulator(N, start=now)
    process = BeaconProcess(Vault(group, outcome.share(index), ChainInfo.from_group(group)), MemoryStore(),
                            sim, verifier=verifier, peers=[n.index for n in group.nodes])  # fmt: skip
    return process, verifier


def _packet(process: BeaconProcess, share: PriShare, round_number: int = 1) -> PartialBeaconPacket:
    previous = process.store.last().signature  # round 1 signs over the genesis seed
    message = SCHEME.digest(round_number, previous)
    return PartialBeaconPacket(round_number, previous, sign_partial(SCHEME, share, message))


def test_an_index_outside_the_group_is_refused_before_any_verification(chain) -> None:
    """A partial that *verifies* (made with the group polynomial at index 6) but names no node of the
    group file: drand's ``Group.Node`` lookup refuses it before ``VerifyPartial``; so do we."""
    _, group, secret_poly = chain
    process, verifier = _node(chain, 0, GENESIS + 1)
    stranger = secret_poly.eval(6)
    packet = _packet(process, stranger)
    assert group.node(6) is None
    assert is_valid_partial(SCHEME, group.public_key, SCHEME.digest(1, packet.previous_signature),
                            packet.partial_sig)  # fmt: skip  # kyber's Recover alone would take it
    process.receive(1, packet)
    assert verifier.partials_checked == 0  # no pairing spent on a stranger
    assert process.rejected_partials == 1 and process.partials == {}


def test_a_partial_of_the_wrong_length_is_refused_at_the_index_step(chain) -> None:
    outcome, _, _ = chain
    process, verifier = _node(chain, 0, GENESIS + 1)
    packet = _packet(process, outcome.share(1))
    for bad in (packet.partial_sig[:-1], packet.partial_sig + b"\x00", packet.partial_sig[:1]):
        process.receive(1, PartialBeaconPacket(1, packet.previous_signature, bad))
    assert verifier.partials_checked == 0 and process.rejected_partials == 3 and process.partials == {}


def test_our_own_index_is_refused_before_verification(chain) -> None:
    outcome, _, _ = chain
    process, verifier = _node(chain, 2, GENESIS + 1)
    process.receive(1, _packet(process, outcome.share(2)))  # our own partial, echoed or forged
    assert verifier.partials_checked == 0 and process.partials == {}


def test_a_second_partial_of_the_same_index_is_dropped_and_counts_once(chain) -> None:
    """drand's ``roundCache.append`` keeps the first partial per index: a repeat never counts towards t."""
    outcome, _, _ = chain
    process, verifier = _node(chain, 0, GENESIS + 1)
    first = _packet(process, outcome.share(1))
    process.receive(1, first)
    process.receive(1, first)  # the same partial again (drand nodes re-send a round they hold)
    assert verifier.partials_checked == 2  # both verified (drand verifies before the cache) ...
    assert process.partials == {1: {1: first.partial_sig}}  # ... but one kept
    process.tick()  # our own partial for round 1: two distinct indices, still below t = 3
    assert process.head() == 0 and set(process.partials[1]) == {0, 1}
    process.receive(3, _packet(process, outcome.share(3)))  # the third distinct index: the beacon
    assert process.head() == 1 and process.partials == {}  # recovered, stored, cache flushed


def test_the_cache_keeps_the_first_partial_of_an_index() -> None:
    scheme = scheme_by_id("bls-unchained-g1-rfc9380")
    first = (1).to_bytes(2, "big") + b"\x01" * scheme.signature_size
    second = (1).to_bytes(2, "big") + b"\x02" * scheme.signature_size
    cache = PartialCache()
    cache.append(7, b"", first)
    round_cache = cache.append(7, b"", second)
    assert round_cache.partials == {1: first} and len(cache) == 1
    assert len(cache.append(7, b"other history", second)) == 1  # another previous signature: another round


def test_before_genesis_only_round_1_is_taken(chain) -> None:
    """drand's ``NextRound`` is 1 before genesis, so a partial of round 2 is 'from the future' then."""
    _, group, secret_poly = chain
    process, verifier = _node(chain, 0, GENESIS - 10)
    early = _packet(process, secret_poly.eval(1), round_number=2)
    process.receive(1, early)
    assert process.ignored_future == 1 and verifier.partials_checked == 0
    process.receive(1, _packet(process, secret_poly.eval(1), round_number=1))
    assert verifier.partials_checked == 1 and process.partials == {1: {1: process.partials[1][1]}}
    assert index_of(SCHEME, process.partials[1][1]) == 1 and group.node(1) is not None
