"""The League of Entropy's public chains: their latest beacon, live when online, recorded when not.

Sessions 1, 2 and 8 end a section by checking the real thing: the current beacon of mainnet, quicknet
and evmnet, fetched from the League's public HTTP relays with the chain hash *pinned* (so a relay cannot
hand us another chain), and verified here with our own code. Without a network (a train, a firewall, this
course's CI) the same call says so and verifies a real beacon recorded from each chain instead, so the
cell still teaches and finishes within its time budget.

Set ``DRAND_EDU_OFFLINE=1`` to never touch the network (the test suite and the notebook builds do), or
``DRAND_EDU_RELAYS=url1,url2`` to ask other relays (the tests point it at a local replay server).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import verify_beacon
from ..errors import DrandEduError, InvalidInput
from .client import Client

#: The League of Entropy's public HTTP relays (drand's docs list them; any of them serves every chain).
RELAYS = ("https://api.drand.sh", "https://api2.drand.sh", "https://api3.drand.sh",
          "https://drand.cloudflare.com")

#: One real chain info and one real beacon of each chain, recorded from drand's own tests
#: (``league_recorded.json``): the offline stand-in. Their chain hashes are the ones we pin live.
RECORDED: dict[str, dict[str, dict]] = json.loads(
    resources.files(__package__).joinpath("league_recorded.json").read_text()
)["networks"]

NETWORKS = tuple(RECORDED)


@dataclass(frozen=True)
class LeagueBeacon:
    """A verified beacon of one League chain and where it came from (a relay, or the recording)."""

    network: str
    info: ChainInfo
    beacon: Beacon
    source: str
    live: bool
    reason: str = ""

    def summary(self) -> str:
        """One line for a notebook: which chain, which round, from where, verified."""
        where = f"live from {self.source}" if self.live else f"recorded ({self.reason})"
        return (f"{self.network:8} round {self.beacon.round:>9} · {where} · verified with the pinned chain "
                f"{self.info.hash_hex[:8]}… · randomness {self.beacon.randomness.hex()[:16]}…")


def pinned_hash(network: str) -> str:
    """The chain hash we trust for ``network`` (mainnet, quicknet, evmnet)."""
    if network not in RECORDED:
        raise InvalidInput(f"unknown League of Entropy network {network!r}; choose one of {list(NETWORKS)}")
    return RECORDED[network]["info"]["hash"]


def offline_wanted() -> bool:
    return os.environ.get("DRAND_EDU_OFFLINE", "") not in ("", "0")


def relays_wanted() -> Sequence[str]:
    configured = os.environ.get("DRAND_EDU_RELAYS", "")
    return tuple(u.strip() for u in configured.split(",") if u.strip()) or RELAYS


def latest(network: str, *, relays: Sequence[str] | None = None, budget: float = 3.0,
           offline: bool | None = None) -> LeagueBeacon:
    """The latest beacon of ``network``: live from the relays within ``budget`` seconds, else recorded.

    Live answers are verified against the pinned chain hash (our :class:`Client` recomputes the chain
    info's hash and checks every signature); a relay that fails or lies is skipped, with its reason kept.
    """
    chain_hash = pinned_hash(network)
    offline = offline_wanted() if offline is None else offline
    reasons = []
    if offline:
        reasons.append("offline: DRAND_EDU_OFFLINE is set" if offline_wanted()
                       else "offline: asked not to use the network")
    else:
        deadline = time.monotonic() + budget
        for relay in relays or relays_wanted():
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                reasons.append(f"no answer within {budget:g} s")
                break
            client = Client(relay, chain_hash=chain_hash, timeout=min(remaining, budget / 2), retries=0)
            try:
                beacon = client.latest()
                return LeagueBeacon(network, client.info(), beacon, relay, live=True)
            except DrandEduError as exc:
                reasons.append(f"{relay}: {exc}")
    return _recorded(network, "; ".join(reasons[-2:]) or "no relay answered")


def _recorded(network: str, reason: str) -> LeagueBeacon:
    info = ChainInfo.from_json(RECORDED[network]["info"])
    beacon = Beacon.from_json(RECORDED[network]["beacon"])
    verify_beacon(info, beacon)  # the recording is checked like a live answer
    short = reason if len(reason) <= 120 else reason[:117] + "..."
    return LeagueBeacon(network, info, beacon, "recorded", live=False, reason=short)


def latest_all(networks: Sequence[str] = NETWORKS, *, relays: Sequence[str] | None = None,
               budget: float = 3.0, offline: bool | None = None) -> list[LeagueBeacon]:
    """:func:`latest` for several chains within one time ``budget`` (a notebook cell's promise).

    Once one chain got no live answer, the others do not wait for the relays again: they use their
    recordings at once, so an offline machine answers in well under the budget.
    """
    if offline is None:
        offline = offline_wanted()
    if offline:
        return [latest(network, offline=True) for network in networks]
    deadline = time.monotonic() + budget
    results: list[LeagueBeacon] = []
    unreachable = False
    for network in networks:
        remaining = deadline - time.monotonic()
        if unreachable:
            results.append(_recorded(network, "the relays did not answer for the chain before"))
        elif remaining <= 0.05:
            results.append(_recorded(network, f"over {budget:g} s"))
        else:
            result = latest(network, relays=relays, budget=remaining, offline=False)
            unreachable = not result.live
            results.append(result)
    return results
