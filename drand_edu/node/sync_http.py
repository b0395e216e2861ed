"""drand's ``SyncChain`` over HTTP, for nodes that are real processes, and a follower built on it.

In drand, syncing is a gRPC *server stream* on the node's protocol port: the requester sends one
``SyncRequest`` and the server keeps sending ``BeaconPacket``\\ s — history first, then every new beacon
as it is stored — until one side closes it
([`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L546-L653)).
Like drand's, the stream goes back **to whoever asked, on the connection it asked on**: it is the
answer to the request, never a push to an address the request names (a request cannot aim a chain
at someone else), and the requester is known by its connection's real address (``ip:port``, as
drand's
[`RemoteAddress`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/peer.go#L46-L90)
reads it from the gRPC connection), not by anything it wrote. (drand also trusts an ``X-Real-IP``
header on connections from private addresses, loopback included, for nodes behind a proxy; we
never do: the address is the socket's.) Our peer port is a hardened HTTP server with a few
bounded workers (:mod:`drand_edu.net.http_server`), where an answer that never ends would hold a
worker for good. So the same stream is served as a chain of **long polls** on the node's protocol
port::

    GET /sync?from=ROUND&beacon_id=ID   →   200, one beacon JSON per line (drand's /public JSON)

An answer holds the stored beacons from ``from`` on, without holes (at most :data:`MAX_BATCH`, read
from the store a page at a time: a request from round 1 of a long chain never reads the whole range,
nor holds the store's lock for it); when there is none yet it waits — through a store callback, as
drand's stream does — up to :data:`WAIT` seconds for the next beacon to be stored. The client asks
again from the round after the last one it got, so it sees one stream that keeps following the chain.

What a stranger can make a node keep is bounded: one stream (store callback ``SyncChain-<ip:port>``)
per connection, as drand keys its ``SyncChain`` callbacks by remote address, removed when the answer
is sent; at most :data:`MAX_WAITING` requests waiting at once per chain (others are answered at
once, with what there is, possibly nothing: the client asks again a little later); and ``/sync`` is
served by a pool of workers of its own (``drand_edu.net.http_transport.SYNC_THREADS``), so that no
number of waiting requests can hold the workers that partials and DKG packets need.
drand refuses a stream from beyond its last round; we refuse (404) only beyond last + 1, because asking
from last + 1 is how each of our requests continues a stream (it waits for the next beacon). A memdb
node that no longer holds ``from`` sends only new beacons (drand's cursor ``Seek`` finds nothing),
which the requester's append layer refuses as a gap.

:func:`sync_answer` serves it from a node's store stack; :class:`SyncStream` reads it;
:class:`HttpSyncStreams` lets a running node's :class:`~drand_edu.node.sync.SyncManager` sync over it;
:func:`follow_chain` is what ``drand-edu sync --follow --sync-nodes ...`` runs (drand's
``StartFollowChain``): peers one at a time in shuffled order, every beacon verified and put through
a store stack, a peer silent for two periods abandoned for the next.

The same port answers ``GET /info?beacon_id=ID`` with the chain info (:func:`info_answer`): drand's
peer listener registers the public gRPC service next to the protocol one
([`NewGRPCListenerForPrivate`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/listener.go#L39-L77)),
so a follower asks the nodes it follows for the chain info (:func:`chain_info_from_peers`, drand's
``chainInfoFromPeers``) and checks it against the chain hash it was given.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import is_valid_beacon
from ..errors import ChainMismatch, DrandEduError, InvalidInput, StoreError, parse_json
from ..net.http_server import Answer, HttpError, Request
from ..net.messages import BeaconPacket, SyncRequest, SyncStreamEnd
from ..rng import Rng, resolve
from ..store.base import ChainStore
from ..store.stack import BeaconAlreadyStored, CallbackStore, new_chain_store
from .sync import SYNC_EXPIRY_FACTOR

log = logging.getLogger(__name__)

#: Beacons in one answer, at most (the next request continues from the last one).
MAX_BATCH = 1000
#: Bytes one ``/sync`` answer may have (MAX_BATCH beacons of drand's JSON, a few hundred bytes each).
MAX_ANSWER = 4 << 20
#: Seconds one request waits for the next beacon when it has none to send (it holds one of the
#: ``/sync`` workers meanwhile: short).
WAIT = 1.0
#: Requests waiting for the next beacon at once, per chain: one fewer than the ``/sync`` workers, so
#: that one of them is always free for a requester that is behind (it has beacons to get at once).
MAX_WAITING = 3
#: A client's pause before asking again after an answer with nothing in it that came back early
#: (the server had no waiting slot free): no busy loop against a busy node.
EMPTY_PAUSE = 0.5
_STREAM = "SyncChain-"
_count = iter(range(1 << 62))


def sync_answer(
    request: Request, store_of: Callable[[str], CallbackStore | None], wait: float = WAIT
) -> Answer:
    """Answer ``GET /sync?from=ROUND&beacon_id=ID`` from the store stack ``store_of(beacon_id)``."""
    query = urllib.parse.parse_qs(request.path.partition("?")[2])
    text = query.get("from", ["0"])[0]
    if not text.isdigit() or len(text) > 20:
        raise HttpError(400, "from must be a round number")
    from_round = int(text)
    beacon_id = query.get("beacon_id", ["default"])[0][:64]
    store = store_of(beacon_id)
    if store is None:
        raise HttpError(404, f"no chain {beacon_id!r} here")
    last = store.last_round()
    if last + 1 < from_round:
        raise HttpError(404, f"no beacon stored above {last} < {from_round}")
    beacons = _contiguous(store, from_round)
    if not beacons and _waiting(store) < MAX_WAITING:
        beacons = _wait_for_next(store, from_round, request.peer, wait)
    body = b"".join(json.dumps(b.to_json()).encode() + b"\n" for b in beacons)
    return 200, {"Content-Type": "application/x-ndjson", "Cache-Control": "no-cache"}, body


def _waiting(store: CallbackStore) -> int:
    """How many sync streams wait on ``store`` now."""
    return sum(name.startswith(_STREAM) for name in store.callbacks())


def _wait_for_next(store: CallbackStore, from_round: int, peer: str, wait: float) -> list[Beacon]:
    """Wait (at most ``wait`` seconds) for the next beacon stored, through a store callback named
    after the requester's connection (drand's ``SyncChain-<addr>``: a newer stream of the same peer
    replaces it), removed when the answer goes (``RemoveCallback`` when the stream ends)."""
    arrived = threading.Event()
    fresh: list[Beacon] = []
    replaced = threading.Event()
    name = _STREAM + (peer or f"http-{next(_count)}")

    def follow(beacon: Beacon | None, closed: bool) -> None:
        if closed:
            replaced.set()
            arrived.set()
        elif beacon is not None:
            fresh.append(beacon)
            arrived.set()

    store.add_callback(name, follow)
    try:
        beacons = _contiguous(store, from_round)  # stored while we registered?
        if not beacons and arrived.wait(wait):
            beacons = _contiguous(store, from_round) or fresh[:1]  # fresh[:1]: memdb lost `from`
        return beacons
    finally:
        if not replaced.is_set():  # a replacement's callback has the same name: leave it alone
            store.remove_callback(name)


#: ``fetch(url, timeout, max_body) -> (status, body)``; OSError or a DrandEduError when there is no answer
Fetch = Callable[[str, float, int], tuple[int, bytes]]


def read_timeout_fetch(url: str, timeout: float, max_body: int) -> tuple[int, bytes]:
    """A GET whose ``timeout`` bounds each read, not the whole request (a peer that drips its answer
    can hold it): enough between a group's nodes. A follower of strangers' nodes passes a fetch with
    one deadline for the whole request instead (``drand-edu sync --follow`` passes the client's
    :func:`~drand_edu.client.http_get.http_get`)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read(max_body)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000)


def _contiguous(store: ChainStore, from_round: int) -> list[Beacon]:
    """Stored beacons from ``from_round`` on, without holes (drand's cursor ``Seek`` then ``Next``)."""
    out: list[Beacon] = []
    start = max(from_round, 1)
    for beacon in store.cursor(start, start + MAX_BATCH - 1):
        if beacon.round != max(from_round, 1) + len(out) or len(out) >= MAX_BATCH:
            break
        out.append(beacon)
    return out


class SyncStream:
    """A client's end of the ``/sync`` stream: iterate for beacons, :meth:`close` to cancel.

    ``silence``: seconds without a new beacon after which iteration raises :class:`TimeoutError`.
    ``fetch``: how one request is made (default :func:`read_timeout_fetch`).
    """

    def __init__(
        self,
        base_url: str,
        from_round: int,
        beacon_id: str = "default",
        *,
        silence: float | None = None,
        timeout: float = WAIT + 5.0,
        fetch: Fetch | None = None,
    ) -> None:
        self.base_url = base_url if base_url.startswith(("http://", "https://")) else "http://" + base_url
        self.next_round = from_round
        self.beacon_id = beacon_id
        self.silence = silence
        self.timeout = timeout
        self.fetch = fetch or read_timeout_fetch
        self._closed = False

    def _ask(self) -> list[Beacon]:
        """One long poll: the next beacons, or :class:`~drand_edu.errors.StoreError` for a bad answer.

        Every line goes through :func:`~drand_edu.errors.parse_json` (a deeply nested line is refused,
        it cannot crash us), and the request through ``fetch``: whatever the peer does, the follower
        hears one ``StoreError`` and moves on to the next peer.
        """
        query = urllib.parse.urlencode({"from": self.next_round, "beacon_id": self.beacon_id})
        url = f"{self.base_url.rstrip('/')}/sync?{query}"
        try:
            status, body = self.fetch(url, self.timeout, MAX_ANSWER)
        except (OSError, DrandEduError) as exc:
            raise StoreError(f"{self.base_url}: {exc}") from None
        if status != 200:
            reason = " ".join(body[:300].decode(errors="replace").split())
            raise StoreError(f"{self.base_url} cannot sync us from {self.next_round}: {reason}")
        try:
            lines = [line for line in body.splitlines() if line.strip()]
            return [Beacon.from_json(parse_json(line, what="a sync answer line")) for line in lines]
        except InvalidInput as exc:
            raise StoreError(f"{self.base_url} sent a bad sync answer: {exc}") from None

    def __iter__(self) -> Iterator[Beacon]:
        last_new = time.monotonic()
        while not self._closed:
            asked = time.monotonic()
            beacons = self._ask()
            if beacons:
                last_new = time.monotonic()
            elif self.silence is not None and time.monotonic() - last_new > self.silence:
                raise TimeoutError(f"{self.base_url}: no beacon for {self.silence:.0f} s")
            else:  # nothing, and early: the node had no waiting slot free; do not ask in a busy loop
                time.sleep(max(0.0, min(EMPTY_PAUSE, asked + EMPTY_PAUSE - time.monotonic())))
            for beacon in beacons:
                if self._closed:
                    return
                self.next_round = beacon.round + 1
                yield beacon

    def close(self) -> None:
        self._closed = True


class HttpSyncStreams:
    """A running node's sync transport: a ``SyncRequest`` to peer ``dst`` opens a :class:`SyncStream`.

    Each beacon read is handed to ``deliver(dst, BeaconPacket)`` on the node's event thread, in order;
    the end of the stream to ``deliver(dst, SyncStreamEnd(by_server=True))``. A client-side
    ``SyncStreamEnd`` closes the stream. Every other message goes out through ``network.send``.
    ``fetch`` makes each request of a stream (see :class:`SyncStream`): a node started by
    ``drand-edu start`` passes one with a deadline for the whole request, so a group member that drips
    its answer cannot hold the reading thread for good.
    """

    def __init__(self, network, deliver: Callable[[int, object], None], fetch: Fetch | None = None) -> None:
        self.network = network
        self.deliver = deliver
        self.fetch = fetch
        self._streams: dict[int, SyncStream] = {}
        self._lock = threading.Lock()

    def send(self, dst: int, message: object) -> None:
        if isinstance(message, SyncRequest):
            self._close(dst)
            url = self.network.peers.get(dst)
            stream = SyncStream(url or "", message.from_round, message.beacon_id, fetch=self.fetch)
            with self._lock:
                self._streams[dst] = stream
            threading.Thread(target=self._read, args=(dst, stream, url), daemon=True).start()
        elif isinstance(message, SyncStreamEnd) and not message.by_server:
            self._close(dst)
        else:
            self.network.send(self.network.index, dst, message)

    def _close(self, dst: int) -> None:
        with self._lock:
            stream = self._streams.pop(dst, None)
        if stream is not None:
            stream.close()

    def _later(self, dst: int, message: object) -> None:
        self.network.schedule(0, lambda: self.deliver(dst, message))  # at 0: in the order scheduled

    def _read(self, dst: int, stream: SyncStream, url: str | None) -> None:
        reason = "no address for this peer"
        try:
            if url is not None:
                for beacon in stream:
                    self._later(dst, BeaconPacket(beacon.round, beacon.signature,
                                                  beacon.previous_signature, stream.beacon_id))  # fmt: skip
                reason = "cancelled"
        except (StoreError, OSError) as exc:
            reason = str(exc)
        if not stream._closed:
            self._later(dst, SyncStreamEnd(True, reason, stream.beacon_id))


def follow_chain(
    info: ChainInfo,
    backend: ChainStore,
    addresses: Sequence[str],
    *,
    up_to: int = 0,
    rng: Rng | None = None,
    on_beacon: Callable[[Beacon], None] | None = None,
    silence: float | None = None,
    fetch: Fetch | None = None,
) -> int:
    """Follow ``info``'s chain into ``backend`` from nodes' ``/sync`` streams (drand's ``StartFollowChain``).

    Peers (``host:port`` of their protocol ports) are tried one at a time in shuffled order; each
    beacon is verified, then put through a store stack over ``backend``. A peer that sends a bad beacon,
    a gap, an answer that is not usable (not JSON, nested too deep, too big, not complete within the
    request's deadline) or nothing new for ``silence`` seconds (two periods by default) is left for
    the next, as drand's
    [`SyncManager.Sync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L341-L368)
    goes on to the next peer whenever
    [`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L375-L524)
    returns false (no stream, a closed stream, a wrong beacon id, an invalid beacon, a refused put).
    Returns the last round stored; stops at ``up_to`` (0: never, until every peer failed). ``fetch``
    makes each request (see :class:`SyncStream`); give one with a whole-request deadline when the
    peers may be hostile.
    """
    store = new_chain_store(info, backend)
    silence = SYNC_EXPIRY_FACTOR * info.period if silence is None else silence
    for address in resolve(rng).sample(list(addresses), len(addresses)):
        if up_to and store.last_round() >= up_to:
            break
        stream = SyncStream(address, store.last_round() + 1, info.beacon_id, silence=silence, fetch=fetch)
        try:
            for beacon in stream:
                if not is_valid_beacon(info, beacon):
                    log.info("follow: %s sent an invalid round %d", address, beacon.round)
                    break
                try:
                    store.put(beacon)
                except BeaconAlreadyStored:
                    continue
                except StoreError as exc:
                    log.info("follow: %s: %s", address, exc)
                    break
                if on_beacon is not None:
                    on_beacon(beacon)
                if up_to and beacon.round >= up_to:
                    break
        except (StoreError, OSError) as exc:  # OSError includes TimeoutError: a silent peer
            log.info("follow: %s went quiet or away (%s)", address, exc)
        finally:
            stream.close()
    return store.last_round()


def info_answer(request: Request, info_of: Callable[[str], ChainInfo | None]) -> Answer:
    """Answer ``GET /info?beacon_id=ID`` on the protocol port: the chain info of that beacon id (drand's
    ``ChainInfo``, served on the peer listener too), 404 while this node runs no chain for it."""
    query = urllib.parse.parse_qs(request.path.partition("?")[2])
    beacon_id = query.get("beacon_id", ["default"])[0][:64]
    info = info_of(beacon_id)
    if info is None:
        raise HttpError(404, f"no chain {beacon_id!r} here")
    body = json.dumps(info.to_json()).encode()
    return 200, {"Content-Type": "application/json", "Cache-Control": "no-cache"}, body


#: Bytes a chain info answer may have (a few hundred in practice).
MAX_INFO = 64 << 10


def chain_info_from_peers(
    addresses: Sequence[str],
    chain_hash: str,
    beacon_id: str = "default",
    *,
    timeout: float = 5.0,
    fetch: Fetch | None = None,
) -> ChainInfo:
    """The chain info, asked of the nodes to follow, as drand's ``chainInfoFromPeers`` asks them.

    [`chainInfoFromPeers`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L492-L527)
    asks **every** peer in the order given (its loop has no ``break``) and keeps the last answer it
    could parse; [`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L316)
    then refuses it unless its hash is the chain hash the operator gave (``--chain-hash`` is required
    for ``--follow``). The same here: :class:`InvalidInput` when no peer answered with a usable info,
    :class:`~drand_edu.errors.ChainMismatch` when the one kept is not the pinned chain.
    """
    fetch = fetch or read_timeout_fetch
    info: ChainInfo | None = None
    last_error = "no sync node given"
    for address in addresses:
        base = address if address.startswith(("http://", "https://")) else "http://" + address
        url = f"{base.rstrip('/')}/info?{urllib.parse.urlencode({'beacon_id': beacon_id})}"
        try:
            status, body = fetch(url, timeout, MAX_INFO)
            if status != 200:
                raise InvalidInput(f"status {status}")
            info = ChainInfo.from_json(parse_json(body, what="chain info"))
        except (OSError, DrandEduError) as exc:
            last_error = f"{address}: {exc}"
            log.info("chain info from %s: %s", address, exc)
    if info is None:
        raise InvalidInput(f"unable to get the chain info from the sync nodes (last error: {last_error})")
    if info.hash_hex != chain_hash.lower():
        raise ChainMismatch(f"the sync nodes' chain info has hash {info.hash_hex}, "
                            f"not the pinned {chain_hash}")  # fmt: skip
    return info
