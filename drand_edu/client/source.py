"""An HTTP endpoint seen as a beacon source, so a node can sync (or follow) from drand's public API."""

from __future__ import annotations

from collections.abc import Iterator

from ..chain.beacon import Beacon
from .client import Client


class ClientSource:
    """``beacons(start, end)`` and ``last_round()`` over a :class:`Client` (which verifies each beacon).

    The sync manager verifies again, chunk by chunk, with the links: a source is never trusted.
    """

    def __init__(self, client: Client) -> None:
        self.client = client

    def beacons(self, start: int, end: int) -> Iterator[Beacon]:
        for round_number in range(start, end + 1):
            yield self.client.get(round_number)

    def last_round(self) -> int:
        return self.client.latest().round
