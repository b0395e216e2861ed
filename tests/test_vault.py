"""The vault (crypto/vault): signs with the current share, refilled at a resharing, hides its secrets."""

from __future__ import annotations

import pytest

from drand_edu.chain.info import ChainInfo
from drand_edu.crypto import PEDERSEN_BLS_CHAINED
from drand_edu.errors import ChainMismatch
from drand_edu.net.sim import Simulator
from drand_edu.node.beacon_process import BeaconProcess
from drand_edu.node.vault import Vault
from drand_edu.rng import seeded_rng
from drand_edu.store.memory import MemoryStore
from drand_edu.threshold.dkg import run_dkg, run_reshare
from drand_edu.threshold.tbls import is_valid_partial, partial_index, sign_partial

SCHEME = PEDERSEN_BLS_CHAINED
GENESIS = 1_700_000_000
MESSAGE = SCHEME.digest(1, b"seed")


@pytest.fixture(scope="module")
def epochs():
    """A first DKG's group and a resharing of it to 4 nodes, threshold 3: the same chain."""
    old = run_dkg(3, 2, SCHEME, rng=seeded_rng("vault-old"))
    old_group = old.to_group(3, GENESIS)
    info = ChainInfo.from_group(old_group)
    new = run_reshare(old, 4, 3, rng=seeded_rng("vault-new"))
    new_group = new.to_group(3, GENESIS, genesis_seed=info.genesis_seed, transition_time=GENESIS + 30)
    return old, old_group, new, new_group


def test_the_vault_signs_with_its_share_and_holds_the_chain(epochs) -> None:
    old, group, _, _ = epochs
    vault = Vault(group, old.share(1))
    assert vault.info == ChainInfo.from_group(group) and vault.scheme == SCHEME
    assert vault.index == 1 and vault.threshold == 2 and vault.public_poly == group.public_key
    partial = vault.sign_partial(MESSAGE)
    assert partial == sign_partial(SCHEME, old.share(1), MESSAGE)
    assert partial_index(partial) == 1 and is_valid_partial(SCHEME, vault.public_poly, MESSAGE, partial)


def test_set_info_swaps_share_and_group_but_keeps_the_chain(epochs) -> None:
    old, old_group, new, new_group = epochs
    vault = Vault(old_group, old.share(0))
    info = vault.info
    vault.set_info(new_group, new.share(0))
    assert vault.info is info  # the chain is the same: a resharing keeps the group key
    assert vault.group == new_group and vault.threshold == 3 and vault.public_poly == new_group.public_key
    partial = vault.sign_partial(MESSAGE)
    assert is_valid_partial(SCHEME, new_group.public_key, MESSAGE, partial)
    assert not is_valid_partial(SCHEME, old_group.public_key, MESSAGE, partial)


def test_a_group_of_another_chain_is_refused(epochs) -> None:
    old, old_group, _, _ = epochs
    other = run_dkg(3, 2, SCHEME, rng=seeded_rng("another chain")).to_group(3, GENESIS)
    vault = Vault(old_group, old.share(0))
    with pytest.raises(ChainMismatch):
        vault.set_info(other, old.share(0))
    assert vault.group == old_group


def test_the_beacon_process_reads_the_vault_at_each_round(epochs) -> None:
    """A swap of the vault is all a staying node needs at a transition: its process follows."""
    old, old_group, new, new_group = epochs
    vault = Vault(old_group, old.share(2))
    process = BeaconProcess(vault, MemoryStore(), Simulator(4, start=GENESIS))
    assert (process.index, process.threshold, process.share) == (2, 2, old.share(2))
    vault.set_info(new_group, new.share(3))
    assert (process.index, process.threshold, process.share) == (3, 3, new.share(3))
    assert process.public_poly == new_group.public_key


def test_the_share_never_appears_in_repr(epochs) -> None:
    old, group, _, _ = epochs
    vault = Vault(group, old.share(0))
    text = repr(vault) + str(vault)
    assert f"{old.share(0).value:x}" not in text and str(old.share(0).value) not in text
    assert "secrets hidden" in text and "share=#0" in text
