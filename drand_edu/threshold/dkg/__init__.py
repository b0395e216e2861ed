"""drand's distributed key generation: kyber's Pedersen DKG and resharing, run in one process.

* :mod:`.messages` — the bundles nodes exchange (kyber ``share/dkg/structs.go``);
* :mod:`.ecies` — how a share is encrypted to its recipient (kyber ``encrypt/ecies``);
* :mod:`.protocol` — one node's state machine: deal → response → justification → finish
  (kyber ``share/dkg/dkg.go``);
* :mod:`.driver` — ``n`` nodes, a broadcast board, a logical clock and fault injection:
  :func:`run_dkg`;
* :mod:`.reshare` — hand the same group key to a new group of nodes: :func:`run_reshare`;
* :mod:`.kyber_stream` — kyber's random stream, so a run can draw exactly kyber's scalars (tests).

The DKG's *lifecycle* around this core (propose, accept, execute...) is
:mod:`drand_edu.threshold.lifecycle`.
"""

from .driver import (
    DKGOutcome,
    FaultPlan,
    JustificationChoice,
    MessageEvent,
    TimePhaser,
    run_dkg,
    sorted_by_public_key,
)
from .kyber_stream import KyberStream
from .messages import (
    COMPLAINT,
    SUCCESS,
    Deal,
    DealBundle,
    DistKeyShare,
    DKGNode,
    Justification,
    JustificationBundle,
    Response,
    ResponseBundle,
    Result,
)
from .protocol import (
    Config,
    DistKeyGenerator,
    Phase,
    StatusMatrix,
    new_nonce,
    nonce_for_epoch,
    verify_packet_signature,
)
from .reshare import run_reshare

__all__ = [
    "COMPLAINT",
    "SUCCESS",
    "Config",
    "DKGNode",
    "DKGOutcome",
    "Deal",
    "DealBundle",
    "DistKeyGenerator",
    "DistKeyShare",
    "FaultPlan",
    "Justification",
    "JustificationBundle",
    "JustificationChoice",
    "KyberStream",
    "MessageEvent",
    "Phase",
    "Response",
    "ResponseBundle",
    "Result",
    "StatusMatrix",
    "TimePhaser",
    "new_nonce",
    "nonce_for_epoch",
    "run_dkg",
    "run_reshare",
    "sorted_by_public_key",
    "verify_packet_signature",
]
