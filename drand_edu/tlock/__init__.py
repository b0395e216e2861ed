"""Timelock encryption (tlock): encrypt now, decryptable only once drand publishes a future round.

``ibe`` is the Boneh–Franklin IBE that locks a 16-byte file key to a round; ``age`` is the file
format around it; ``timelock`` puts them together (encrypt to a round, a duration or a time;
decrypt with the round's beacon). Only unchained schemes can be used: quicknet and the other
BLS12-381 ones, and evmnet (BN254), as drand's Go tlock does.
"""

from .timelock import (
    TimelockStanza,
    decrypt,
    encrypt,
    parse_duration,
    read_stanza,
    round_for_duration,
    round_for_time,
)

__all__ = [
    "TimelockStanza",
    "decrypt",
    "encrypt",
    "parse_duration",
    "read_stanza",
    "round_for_duration",
    "round_for_time",
]
