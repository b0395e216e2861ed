"""Notebook-01 checkers: the stub gets the first hint, wrong answers "not yet", right answers "correct"."""

from __future__ import annotations

import dataclasses

import pytest

from drand_edu.chain import ChainInfo
from drand_edu.crypto import scheme_by_id
from drand_edu.exercises import CORRECT, NOT_YET
from drand_edu.exercises.cli import (
    TIME_OF_ROUND_ERROR_VALUE,
    check_current_round,
    check_hashed_fields,
    check_time_edges,
    check_twin_chain,
)
from drand_edu.exercises.common import first_hint

from .conftest import assert_stub_gets_the_nudge, hints_shown, verdict


def test_hashed_fields(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_hashed_fields, "hashed_fields")
    right = {"period", "genesis_time", "public_key", "groupHash", "metadata.beaconID"}
    assert CORRECT in verdict(capsys, check_hashed_fields, right)
    spelled = ["Period", "genesis time", "public key", "genesis_seed", "beaconID"]
    assert CORRECT in verdict(capsys, check_hashed_fields, spelled)
    assert "schemeID" in verdict(capsys, check_hashed_fields, right | {"schemeID"})
    assert "beacon id" in verdict(capsys, check_hashed_fields, right - {"metadata.beaconID"})
    assert "computed" in verdict(capsys, check_hashed_fields, right | {"hash"})
    assert "missing" in verdict(capsys, check_hashed_fields, {"period", "genesis_time"})
    assert "not a field" in verdict(capsys, check_hashed_fields, right | {"signature"})
    assert NOT_YET in verdict(capsys, check_hashed_fields, "period")


def test_current_round(capsys) -> None:
    assert_stub_gets_the_nudge(capsys, check_current_round, "current_round")
    assert CORRECT in verdict(capsys, check_current_round, lambda g, p, now: (now - g) // p + 1)
    assert CORRECT in verdict(capsys, check_current_round, lambda g, p, now: int((now - g) / p) + 1)
    assert "genesis" in verdict(capsys, check_current_round, lambda g, p, now: (now - g) // p)
    assert "whole number" in verdict(capsys, check_current_round, lambda g, p, now: (now - g) / p + 1)
    assert NOT_YET in verdict(
        capsys, check_current_round, lambda g, p, now: -(-(now - g) // p) + 1
    )  # ceiling
    assert NOT_YET in verdict(capsys, check_current_round, lambda g, p, now: round((now - g) / p) + 1)
    assert "raised" in verdict(capsys, check_current_round, lambda g, p, now: 1 / 0)


def test_twin_chain(capsys) -> None:
    def move_one_byte(info: ChainInfo) -> ChainInfo:
        seed = info.genesis_seed + info.beacon_id[:1].encode()
        return dataclasses.replace(info, genesis_seed=seed, beacon_id=info.beacon_id[1:])

    def as_default(info: ChainInfo):
        return {**dataclasses.replace(info, genesis_seed=info.genesis_seed + info.beacon_id.encode(),
                                      beacon_id="default").to_json(), "hash": "00"}  # fmt: skip

    def other_scheme(info: ChainInfo) -> ChainInfo:  # the scheme is not hashed, but that is not this break
        same_key_size = {"pedersen-bls-chained": "pedersen-bls-unchained",
                         "bls-unchained-g1-rfc9380": "bls-unchained-on-g1"}  # fmt: skip
        return dataclasses.replace(info, scheme=scheme_by_id(same_key_size[info.scheme.id]))

    assert_stub_gets_the_nudge(capsys, check_twin_chain, "twin_chain")
    assert CORRECT in verdict(capsys, check_twin_chain, move_one_byte)
    assert CORRECT in verdict(capsys, check_twin_chain, as_default)
    assert "same chain" in verdict(capsys, check_twin_chain, lambda info: info)
    assert "same chain" in verdict(
        capsys, check_twin_chain, lambda info: {**info.to_json(), "hash": "ab" * 32}
    )
    renamed = lambda info: dataclasses.replace(info, beacon_id=info.beacon_id + "x")  # noqa: E731
    assert "another chain hash" in verdict(capsys, check_twin_chain, renamed)
    assert "scheme" in verdict(capsys, check_twin_chain, other_scheme)
    assert "ChainInfo" in verdict(capsys, check_twin_chain, lambda info: info.hash_hex)


def test_time_edges(capsys) -> None:
    genesis = 1_595_431_050
    assert_stub_gets_the_nudge(capsys, check_time_edges, "time_edges")
    assert first_hint("time_edges") in verdict(capsys, check_time_edges, ..., ..., ...)
    assert "all three" in verdict(capsys, check_time_edges, genesis, ..., ...)
    assert CORRECT in verdict(capsys, check_time_edges, genesis, 1, TIME_OF_ROUND_ERROR_VALUE)
    assert CORRECT in verdict(capsys, check_time_edges, "1_595_431_050", "1", "math.MaxInt64 - maxTimeBuffer")
    assert CORRECT in verdict(capsys, check_time_edges, genesis, 1, "9223371968135299071")
    assert "extrapolated" in verdict(capsys, check_time_edges, genesis - 30, 1, TIME_OF_ROUND_ERROR_VALUE)
    assert "not 0" in verdict(capsys, check_time_edges, genesis, 0, TIME_OF_ROUND_ERROR_VALUE)
    formula = genesis + (2**60 - 1) * 30
    assert "multiplication" in verdict(capsys, check_time_edges, genesis, 1, formula)
    assert "MaxInt64 itself" in verdict(capsys, check_time_edges, genesis, 1, 2**63 - 1)
    assert NOT_YET in verdict(capsys, check_time_edges, genesis, 1, "a lot")


@pytest.mark.parametrize(
    ("name", "recipe_piece"),
    [("hashed_fields", "schemeID is not"), ("current_round", "// period + 1"),
     ("twin_chain", "id[1:]"), ("time_edges", "1 << 36")],
)  # fmt: skip
def test_hints_come_in_steps(capsys, name, recipe_piece) -> None:
    shown = hints_shown(capsys, name)
    assert shown[0].startswith("💡 hint 1/3") and recipe_piece not in shown[0] + shown[1]
    assert recipe_piece in shown[2] and "(that is the last hint)" in shown[2] and shown[3] == shown[2]
    assert recipe_piece not in first_hint(name)


# Per exercise, the insecure-but-plausible answer (or, where no security is at stake, the wrong answer a
# hurried engineer writes first), each refused with a verdict that names the real mechanism (issue 22).
def _only_the_stated_hash(info: ChainInfo) -> dict:
    """"Same hash" by writing the original's hash into the copy: a client recomputes it, never reads it."""
    return {**dataclasses.replace(info, beacon_id=info.beacon_id + "2").to_json(), "hash": info.hash_hex}


def _default_is_free(info: ChainInfo) -> ChainInfo:
    """'default' is not written into the hash, so calling the chain 'default' keeps it: only for a chain
    whose id already was the default."""
    return dataclasses.replace(info, beacon_id="default")


PLAUSIBLY_WRONG = [
    # Ex1: believing the pinned chain hash also pins the scheme (a relay could then swap how beacons verify)
    ("hashed_fields", check_hashed_fields,
     {"period", "genesis_time", "public_key", "groupHash", "metadata.beaconID", "schemeID"},
     "pins the chain hash has also pinned how beacons are verified"),
    # Ex1: the beacon id left out (its default value is not written, so a test on mainnet hides it)
    ("hashed_fields", check_hashed_fields, {"period", "genesis_time", "public_key", "groupHash"},
     "beacon id other than 'default'"),
    # Ex2: rounding up, so a client asks for a round that no node has signed yet
    ("current_round", check_current_round, lambda g, p, now: -(-(now - g) // p) + 1, "not due yet"),
    ("current_round", check_current_round, lambda g, p, now: round((now - g) / p) + 1, "not due yet"),
    # Ex2: round 0 at genesis (the formula without the + 1)
    ("current_round", check_current_round, lambda g, p, now: (now - g) // p, "count round 1 at the genesis"),
    # Ex3: a twin whose stated hash is copied: the hash is recomputed from the fields, so it is another chain
    ("twin_chain", check_twin_chain, _only_the_stated_hash, "sha256 sees other bytes"),
    ("twin_chain", check_twin_chain, _default_is_free, "sha256 sees other bytes"),
    # Ex4: the textbook formula extrapolated to round 0 and to a huge round (drand's code special-cases both)
    ("time_edges", check_time_edges, (1_595_431_050 - 30, 1, TIME_OF_ROUND_ERROR_VALUE), "extrapolated"),
    ("time_edges", check_time_edges, (1_595_431_050, 1, 1_595_431_050 + (2**60 - 1) * 30), "multiplication"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "checker", "answer", "mechanism"), PLAUSIBLY_WRONG,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(PLAUSIBLY_WRONG)])  # fmt: skip
def test_plausible_wrong_answers_are_refused_naming_the_mechanism(capsys, name, checker, answer, mechanism):
    arguments = answer if isinstance(answer, tuple) else (answer,)
    said = verdict(capsys, checker, *arguments)
    assert CORRECT not in said and NOT_YET in said
    assert mechanism in said, said
