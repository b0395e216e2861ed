"""Clients: read and verify beacons over drand's HTTP API; derive fair random numbers from them."""

from .client import Client, ClientStats, Endpoint, NoUsableAnswer
from .http import NotFound, get_json
from .randomness import BeaconRandom, choice, randint, sample, shuffle
from .source import ClientSource

__all__ = [
    "BeaconRandom",
    "Client",
    "ClientSource",
    "ClientStats",
    "Endpoint",
    "NoUsableAnswer",
    "NotFound",
    "choice",
    "get_json",
    "randint",
    "sample",
    "shuffle",
]
