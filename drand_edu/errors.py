"""One exception hierarchy for the whole library.

Callers catch these, never a third-party ``ValueError`` or ``AssertionError``: every place where
bytes from the outside world enter ``drand_edu`` translates failures into one of the types below.
"""


class DrandEduError(Exception):
    """Root of every error raised on purpose by drand_edu."""


class InvalidInput(DrandEduError, ValueError):
    """Input that cannot be used at all: malformed hex, wrong length, missing JSON field."""


class InvalidPoint(InvalidInput):
    """Bytes that are not a valid compressed curve point (bad flags, off the curve, not in the subgroup)."""


class InvalidSignature(DrandEduError):
    """A BLS signature that does not verify under the given key and message."""


class InvalidBeacon(DrandEduError):
    """A beacon that fails verification: bad signature, wrong randomness, broken chain link."""


class InvalidShare(DrandEduError):
    """A secret or public share that is inconsistent with its commitments, or unusable."""


class NotEnoughShares(InvalidShare):
    """Fewer valid shares (or partial signatures) than the threshold."""


class DKGError(DrandEduError):
    """A distributed key generation that cannot finish (too many faults, illegal transition...)."""


class ChainMismatch(DrandEduError):
    """Chain info whose stated hash differs from the recomputed one, or data from another chain."""


class UnknownScheme(InvalidInput):
    """A scheme id drand_edu does not know."""


class BackendUnavailable(DrandEduError):
    """The requested crypto backend is not installed."""


class TimelockError(DrandEduError):
    """A timelock (tlock) ciphertext that cannot be decrypted, or a request that cannot be encrypted."""


class TooEarly(TimelockError):
    """The round a ciphertext is locked to has not been reached yet: its beacon does not exist."""


class InvalidCiphertext(TimelockError, InvalidInput):
    """A malformed or tampered tlock / age file (bad header, MAC, stanza, payload, truncation)."""


class ClientError(DrandEduError):
    """A client that could not get a usable answer from any endpoint (network, HTTP, or verification)."""


class StoreError(DrandEduError):
    """A beacon store that cannot do what was asked (conflicting beacon, unreadable file, closed store)."""


class BeaconNotFound(StoreError, LookupError):
    """The store has no beacon for the requested round."""


class CorruptStore(StoreError):
    """A stored beacon fails verification or the stored chain has a gap or a broken link."""
