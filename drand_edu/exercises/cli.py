"""Exercise checkers for notebook 01 (drand, its CLI and clients).

Four exercises: which ``/info`` fields make the chain hash (Explore), the current round at a given time
(Implement), a second chain info with the same chain hash (Break), and what drand's ``TimeOfRound`` and
``CurrentRound`` answer at their edges (Connect, read in drand's ``common/time.go``).
"""

from __future__ import annotations

import math
import re
import secrets
import string
from collections.abc import Callable, Iterable
from typing import Any

from ..chain.info import ChainInfo, is_default_beacon_id
from ..crypto import scheme_by_id
from .common import Verdict, first_hint, is_stub, nudge_if_stub, register_hints, report, safely

__all__ = ["check_current_round", "check_hashed_fields", "check_time_edges", "check_twin_chain"]

_RNG = secrets.SystemRandom()


def _random_info(beacon_id: str, scheme_id: str | None = None) -> ChainInfo:
    """A chain info with random parameters (the key a random point: parsing its JSON decodes it)."""
    scheme = scheme_by_id(scheme_id or _RNG.choice(["pedersen-bls-chained", "bls-unchained-g1-rfc9380"]))
    return ChainInfo(
        public_key=(scheme.key_group.generator() * (1 + secrets.randbelow(2**64))).to_bytes(),
        period=1 + secrets.randbelow(60),
        genesis_time=1_590_000_000 + secrets.randbelow(10**8),
        genesis_seed=secrets.token_bytes(32),
        scheme=scheme,
        beacon_id=beacon_id,
    )


# -- Exercise 1 (Explore): which /info fields enter the chain hash --------------------------------------

# drand's Info.Hash writes period, genesis time, public key, genesis seed and (unless default) the beacon id:
# https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L45-L64
_HASHED = {"period", "genesis_time", "public_key", "groupHash", "beaconID"}
_FIELD_NAMES = {
    "period": "period",
    "genesistime": "genesis_time",
    "genesis": "genesis_time",
    "publickey": "public_key",
    "key": "public_key",
    "pubkey": "public_key",
    "grouphash": "groupHash",
    "genesisseed": "groupHash",
    "seed": "groupHash",
    "beaconid": "beaconID",
    "metadatabeaconid": "beaconID",
    "metadata": "beaconID",
    "id": "beaconID",
    "schemeid": "schemeID",
    "scheme": "schemeID",
    "hash": "hash",
    "chainhash": "hash",
}

register_hints(
    "hashed_fields",
    "Change one field of a copy of the /info JSON at a time, delete its 'hash', rebuild it with "
    "ChainInfo.from_json(copy) and compare .hash_hex with the original's.",
    "Try every field: period, genesis_time, public_key (another key: flip the sign bit, 0x20 of its first "
    "byte, to get the negated point; random hex is not a point and is refused, as drand does), groupHash, "
    "schemeID (a scheme whose keys have the same size, e.g. 'pedersen-bls-unchained') and the beacon id "
    "in metadata — once with another name, once with '' instead of 'default'.",
    "The fields whose change moves the hash are the ones drand's Info.Hash writes: period, genesis_time, "
    "public_key, groupHash and the beacon id (not when it is the default). schemeID is not among them; "
    "'hash' is the result itself.",
)


def _field_name(name: object) -> str | None:
    key = re.sub(r"[^a-z]", "", str(name).lower())
    return _FIELD_NAMES.get(key)


def check_hashed_fields(fields: Iterable[str] | None) -> Verdict:
    """``fields``: the names of the ``/info`` JSON fields that change the chain hash when changed."""
    if nudge_if_stub(fields, "hashed_fields"):
        return Verdict(False)
    if isinstance(fields, str) or not isinstance(fields, Iterable):
        return report(False, "give a set (or list) of field names, e.g. {'period', ...}")
    named = [(field, _field_name(field)) for field in fields]
    unknown = [field for field, name in named if name is None]
    if unknown:
        return report(
            False,
            f"{unknown[0]!r} is not a field of /info (public_key, period, genesis_time, hash, "
            "groupHash, schemeID, metadata.beaconID)",
        )
    chosen = {name for _, name in named}
    if "hash" in chosen:
        return report(False, "'hash' is what is computed, not something it is computed from")
    if "schemeID" in chosen:
        return report(
            False,
            "schemeID: did you try it? Change it to a scheme with the same key size and recompute the hash. "
            "It decides whether a client that pins the chain hash has also pinned how beacons are verified",
        )
    missing = _HASHED - chosen
    if missing == {"beaconID"}:
        return report(False, "one field is missing; try a beacon id other than 'default'")
    if missing:
        return report(
            False, f"{len(missing)} field(s) that change the hash are missing; try each field in turn"
        )
    return report(
        True,
        praise="period, genesis time, key, seed (groupHash) and beacon id name the chain; the scheme is "
        "not among them",
    )


# -- Exercise 2 (Implement): the current round at a time ----------------------------------------------

register_hints(
    "current_round",
    "Round 1 is due at genesis_time and one more round becomes due every period seconds; which round is "
    "the latest one due at `now`?",
    "Count whole periods since genesis (integer division, rounding down), then remember that at genesis "
    "itself the chain is already at round 1.",
    "(now - genesis_time) // period + 1",
)


def _round_at(genesis: int, period: int, now: int) -> int:
    """drand's CurrentRound for now ≥ genesis: floor((now − genesis) / period) + 1."""
    return (now - genesis) // period + 1


def check_current_round(my_round_at: Callable[[int, int, int], int] | None) -> Verdict:
    """``my_round_at(genesis_time, period, now)``: the round current at ``now`` (whole seconds ≥ genesis)."""
    if nudge_if_stub(my_round_at, "current_round"):
        return Verdict(False)

    def check() -> bool:
        cases: list[tuple[int, int, int]] = []
        for period in (1, 3, 30, 1 + secrets.randbelow(60), 7):
            genesis = 1_590_000_000 + secrets.randbelow(10**8)
            k = secrets.randbelow(10**6)
            for now in (genesis, genesis + 1, genesis + period - 1, genesis + period, genesis + k * period,
                        genesis + k * period - 1, genesis + k * period + period // 2):  # fmt: skip
                if now >= genesis:
                    cases.append((genesis, period, now))
        for genesis, period, now in cases:
            got = my_round_at(genesis, period, now)
            want = _round_at(genesis, period, now)
            if isinstance(got, bool) or not isinstance(got, int | float) or got != want:
                where = (
                    "at the genesis time itself"
                    if now == genesis
                    else (
                        "exactly when a round is due"
                        if (now - genesis) % period == 0
                        else "between two rounds"
                    )
                )
                if isinstance(got, float) and not math.isfinite(got):
                    where = "(your answer is not a finite number)"
                elif isinstance(got, float) and got != int(got):
                    return report(False, "a round is a whole number: round down, not divide")
                situation = f"(period {period} s, {now - genesis} s after genesis)"
                if isinstance(got, int | float) and got == want + 1:  # rounded up: a round still to come
                    return report(False, f"one round ahead {where} {situation}: that round is not due yet, "
                                         "no node has signed it, so a client asking for it gets nothing "
                                         "(or waits) — round down")  # fmt: skip
                if isinstance(got, int | float) and got == want - 1:
                    return report(False, f"one round behind {where} {situation}: a beacon that is already "
                                         "due was missed — count round 1 at the genesis time")  # fmt: skip
                return report(False, f"wrong {where} {situation}")
        return report(True, praise="right at genesis, on every round boundary and in between")

    return safely(check, "my_round_at failed")


# -- Exercise 3 (Break): two chain infos, one chain hash ------------------------------------------------

register_hints(
    "twin_chain",
    "Write down the bytes sha256 receives, one field after the other. Where does one field end and the "
    "next begin?",
    "Nothing in those bytes marks where the genesis seed ends and the beacon id begins: move bytes across "
    "that border (dataclasses.replace(info, genesis_seed=..., beacon_id=...)).",
    "seed + id[:1].encode() as the new genesis seed and id[1:] as the new beacon id hash to the same "
    "bytes (so do seed + id.encode() and the beacon id 'default', which is not written).",
)


def _as_info(answer: Any) -> ChainInfo | None:
    if isinstance(answer, ChainInfo):
        return answer
    if isinstance(answer, dict):
        return ChainInfo.from_json(answer, check_hash=False)
    return None


def _random_beacon_id() -> str:
    letters = string.ascii_lowercase
    name = _RNG.choice(["quicknet", "session", "fastnet", "evmnet", "testnet"])
    return name + "-" + "".join(_RNG.choice(letters) for _ in range(1 + secrets.randbelow(5)))


def check_twin_chain(my_twin: Callable[[ChainInfo], Any] | None) -> Verdict:
    """``my_twin(info)``: another chain info (a ``ChainInfo`` or its JSON) with the same chain hash, the
    same scheme, and another beacon id."""
    if nudge_if_stub(my_twin, "twin_chain"):
        return Verdict(False)

    def check() -> bool:
        for scheme_id in ("pedersen-bls-chained", "bls-unchained-g1-rfc9380", "pedersen-bls-chained"):
            info = _random_info(_random_beacon_id(), scheme_id)
            twin = _as_info(my_twin(info))
            if twin is None:
                return report(False, "return a ChainInfo (or its /info JSON as a dict)")
            if twin.scheme.id != info.scheme.id:
                return report(
                    False,
                    "keep the scheme: a twin must verify the same beacons the same way (that the "
                    "scheme is not hashed is not the break asked for here)",
                )
            same_id = twin.beacon_id == info.beacon_id or (
                is_default_beacon_id(twin.beacon_id) and is_default_beacon_id(info.beacon_id)
            )
            if same_id:
                return report(False, "same beacon id: that is the same chain, not a second one")
            if twin.hash() != info.hash():
                changed = [name for name in ("period", "genesis_time", "public_key")
                           if getattr(twin, name) != getattr(info, name)]  # fmt: skip
                extra = f" (you changed {', '.join(changed)})" if changed else ""
                return report(
                    False, f"another beacon id, but another chain hash too{extra}: sha256 sees other bytes"
                )
        return report(
            True,
            praise="another beacon id, the same chain hash: the hash joins seed and id without a length or "
            "separator, so the same bytes can be cut in two places",
        )

    return safely(check, "my_twin failed")


# -- Exercise 4 (Connect): drand's TimeOfRound and CurrentRound at their edges -------------------------

# drand's TimeOfRound: round 0 returns the genesis time; a round too large for the period returns
# TimeOfRoundErrorValue = math.MaxInt64 - (1 << 36):
# https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L13-L38
# drand's CurrentRound: NextRound answers 1 before genesis, and CurrentRound returns it unchanged:
# https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L63
MAINNET_GENESIS, MAINNET_PERIOD = 1_595_431_050, 30
TIME_OF_ROUND_ERROR_VALUE = (2**63 - 1) - 2**36

register_hints(
    "time_edges",
    "Open TimeOfRound and CurrentRound in drand's common/time.go (the links in the exercise) and follow "
    "each question's input through the code, line by line.",
    "Round 0 is handled before anything else in TimeOfRound; for CurrentRound, see what NextRound answers "
    "when now < genesis and what CurrentRound does with it; for round 2**60, check the guard on "
    "periodBits (log2 of 31 seconds, truncated) before any multiplication.",
    "Round 0 → the genesis time itself; an hour before genesis → round 1; round 2**60 → the constant "
    "TimeOfRoundErrorValue, math.MaxInt64 − maxTimeBuffer with maxTimeBuffer = 1 << 36.",
)


def _as_int(value: Any, names: tuple[str, ...] = ()) -> int | None:
    """An int from an int or a string of digits (commas, underscores or spaces allowed); named constants."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = re.sub(r"[\s_,'\"`]", "", value)
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        key = re.sub(r"[^a-z0-9]", "", text.lower())
        if key in names:
            return TIME_OF_ROUND_ERROR_VALUE
    return None


_ERROR_VALUE_NAMES = (
    "timeofrounderrorvalue",
    "commontimeofrounderrorvalue",
    "mathmaxint64maxtimebuffer",
    "maxint64maxtimebuffer",
    "mathmaxint64136",
    "mathmaxint641136",
    "maxint64136",
)


def check_time_edges(
    round_zero_time: Any, before_genesis_round: Any = None, far_round_time: Any = None
) -> Verdict:
    """drand's answers, on mainnet (genesis 1595431050, period 30 s): ``TimeOfRound`` of round 0,
    ``CurrentRound`` an hour before genesis, and ``TimeOfRound`` of round 2**60."""
    stubs = [is_stub(a) for a in (round_zero_time, before_genesis_round, far_round_time)]
    if all(stubs):
        nudge_if_stub(None, "time_edges")
        return Verdict(False)
    if any(stubs):
        return report(False, f"answer all three questions; {first_hint('time_edges')}")
    zero = _as_int(round_zero_time)
    if zero is None:
        return report(False, "round_zero_time: a Unix time in seconds, as a number")
    if zero == MAINNET_GENESIS - MAINNET_PERIOD:
        return report(
            False, "round_zero_time: that is the formula extrapolated; TimeOfRound treats round 0 apart"
        )
    if zero != MAINNET_GENESIS:
        return report(False, "round_zero_time: not what TimeOfRound returns for round 0")
    before = _as_int(before_genesis_round)
    if before is None:
        return report(False, "before_genesis_round: a round number")
    if before == 0:
        return report(False, "before_genesis_round: not 0 — follow NextRound's first lines into CurrentRound")
    if before != 1:
        return report(False, "before_genesis_round: not what CurrentRound returns an hour before genesis")
    far = _as_int(far_round_time, _ERROR_VALUE_NAMES)
    if far is None:
        return report(False, "far_round_time: a number (or the name of drand's constant)")
    if far == MAINNET_GENESIS + (2**60 - 1) * MAINNET_PERIOD or far == (
        (MAINNET_GENESIS + (2**60 - 1) * MAINNET_PERIOD + 2**63) % 2**64 - 2**63
    ):
        return report(False, "far_round_time: TimeOfRound never gets to the multiplication for this round")
    if far == 2**63 - 1:
        return report(False, "far_round_time: close — but it is not math.MaxInt64 itself")
    if far != TIME_OF_ROUND_ERROR_VALUE:
        return report(False, "far_round_time: not the value TimeOfRound returns for round 2**60")
    return report(
        True,
        praise="round 0 is at genesis, before genesis drand says round 1, and a round too far gets "
        "TimeOfRoundErrorValue (2**63 − 1 − 2**36) instead of an overflow",
    )
