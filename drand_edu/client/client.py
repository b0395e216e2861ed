"""A drand HTTP client that trusts nothing it has not verified — stricter than drand's own clients.

You *pin* the chain you expect — its chain hash, optionally its public key — and then::

    info → recompute its hash, compare with the pin → get(round) → verify → cache → watch()

What drand's clients do, read at the pinned commits (the differences are ours, on purpose):

* go-clients' plain HTTP client, built by
  [`New`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L47-L78)
  in ``client/http``, checks the chain info: ``FetchChainInfo`` recomputes ``chainInfo.Hash()`` and
  compares it with the hash it was given. Its
  [`Get`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/http/http.go#L301-L358)
  does **not** verify the beacon: it checks that a signature is present and derives the randomness
  from it. Beacons are verified only by the client built with
  ``client.New(client.From(...), client.WithChainHash(...))``: there every source is wrapped by
  [`newVerifyingClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L98-L112),
  and ``New`` refuses to start without a root of trust (``WithChainHash`` or
  ``WithChainInfo``) unless told ``Insecurely()``. ``WithChainHash`` alone recomputes nothing:
  [`makeClient`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/client.go#L60-L126)
  takes the info of the first source that answers and never compares its hash with the option's;
  only a source built with the hash (``http.New``) checks it. Its optimizing client races the two
  fastest sources and falls back to slower ones when they fail.
* drand-client (JS) checks a chain info only when given ``chainVerificationParams``, and then by
  comparing the info's *stated* ``hash`` and ``public_key`` strings with the pinned ones
  ([`isValidInfo`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/http-caching-chain.ts#L20-L22)):
  it never recomputes the hash, so an info with a false period or genesis time but the right two
  strings passes. It verifies a beacon only in ``fetchBeacon``, ``fetchBeaconByTime`` and ``watch``
  ([`validatedBeacon`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L121-L131)),
  unless ``disableBeaconVerification``; the client's own ``get`` and ``latest`` return the JSON as
  served. With several URLs,
  [`FastestNodeClient`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/fastest-node-client.ts#L17-L76)
  sends every request to the one with the best average ``/info`` time (speed tests every five
  minutes); it has no failover: an error of that endpoint is the caller's error.

Ours (:class:`Client`) always recomputes the info's hash and compares it with the pin (and the
public key if pinned), verifies every beacon (``verify=False`` exists only to show what goes wrong),
and fails over to the next endpoint whenever one is down, slow, lagging or wrong (one that failed is
asked last from then on);
:meth:`Client.rank_endpoints` orders them by speed. Trust-on-first-use (accept whatever chain the
first endpoint announces, like go-clients' ``Insecurely()``) is possible, but only when asked for.
:meth:`Client.watch` starts with the current round, as both of drand's clients do.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..chain.beacon import Beacon
from ..chain.info import ChainInfo
from ..chain.verify import verify_beacon
from ..errors import ChainMismatch, ClientError, DrandEduError, InvalidBeacon, InvalidInput
from ..hexbytes import from_hex
from .http import NotFound, get_json


class NoUsableAnswer(ClientError, InvalidInput):
    """No endpoint gave an answer that could even be checked (down, timed out, 5xx, not JSON, fields
    missing or of the wrong type): unusable input, where an answer that was checked and found wrong
    (another chain, a bad signature) is a plain :class:`~drand_edu.errors.ClientError`. The CLI exits
    2 for this one and 1 for that one."""


@dataclass
class Endpoint:
    """One base URL and what the client has learnt about it."""

    url: str
    failures: int = 0
    last_latency: float | None = None


@dataclass
class ClientStats:
    """Counters a notebook can show: how much came from the cache, the network, which endpoint."""

    cache_hits: int = 0
    fetched: int = 0
    verified: int = 0
    failovers: int = 0
    served_by: dict[str, int] = field(default_factory=dict)


class Client:
    """Read and verify beacons of one chain from one or more drand HTTP endpoints.

    Args:
        urls: base URLs (``http://127.0.0.1:8080`` or ``https://api.drand.sh``), tried in order.
        chain_hash: the chain to trust (hex or bytes). Required unless ``trust_on_first_use``.
        public_key: optionally pin the group public key too (hex or bytes).
        trust_on_first_use: accept the chain the first endpoint announces (for exploring only).
        verify: verify every beacon (default). Turning it off is for teaching what can go wrong.
        timeout, retries: per request.
        cache_size: how many verified beacons to keep in memory.
        clock, sleep: wall-clock functions, replaceable by a virtual clock in simulations.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        *,
        chain_hash: str | bytes | None = None,
        public_key: str | bytes | None = None,
        trust_on_first_use: bool = False,
        verify: bool = True,
        timeout: float = 5.0,
        retries: int = 1,
        cache_size: int = 1024,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        url_list = [urls] if isinstance(urls, str) else list(urls)
        if not url_list:
            raise InvalidInput("a client needs at least one base URL")
        self.endpoints = [Endpoint(u.rstrip("/")) for u in url_list]
        if chain_hash is None and not trust_on_first_use:
            raise InvalidInput(
                "pin the chain you trust with chain_hash=... (or pass trust_on_first_use=True to accept "
                "whatever the first endpoint says, for exploration only)"
            )
        self.chain_hash = _as_bytes(chain_hash, "chain_hash", 32) if chain_hash is not None else None
        self.public_key = _as_bytes(public_key, "public_key") if public_key is not None else None
        self.verify = verify
        self.timeout = timeout
        self.retries = retries
        self.clock = clock
        self.sleep = sleep
        self._cache: OrderedDict[int, Beacon] = OrderedDict()
        self._cache_size = cache_size
        self._info: ChainInfo | None = None
        self.stats = ClientStats()
        #: one line per endpoint failure (why the client went on to the next one), newest last
        self.failure_log: deque[str] = deque(maxlen=100)

    # -- chain info -------------------------------------------------------------------------------
    def info(self) -> ChainInfo:
        """The chain's info, fetched once, checked against the pinned hash and key, then cached."""
        if self._info is None:
            path = f"/{self.chain_hash.hex()}/info" if self.chain_hash else "/info"
            try:
                info = self._fetch(path, self._parse_info)
            except NotFound:
                raise ChainMismatch(f"no endpoint serves the pinned chain {path[1:17]}…") from None
            self._info = info
            self.chain_hash = info.hash()
        return self._info

    def _parse_info(self, body: object) -> ChainInfo:
        info = ChainInfo.from_json(body)  # rejects info whose stated hash is not its real hash
        if self.chain_hash is not None and info.hash() != self.chain_hash:
            raise ChainMismatch(f"endpoint serves chain {info.hash_hex[:16]}…, not the pinned one")
        if self.public_key is not None and info.public_key != self.public_key:
            raise ChainMismatch("endpoint serves a different public key than the pinned one")
        return info

    # -- beacons -------------------------------------------------------------------------------------
    def get(self, round_number: int) -> Beacon:
        """The verified beacon of ``round_number`` (from the cache when already verified)."""
        if round_number < 1:
            raise InvalidInput(f"rounds start at 1, got {round_number}")
        if round_number in self._cache:
            self.stats.cache_hits += 1
            self._cache.move_to_end(round_number)
            return self._cache[round_number]
        info = self.info()
        return self._fetch(
            f"/{info.hash_hex}/public/{round_number}", lambda body: self._parse_beacon(body, round_number)
        )

    def latest(self) -> Beacon:
        """The newest verified beacon the endpoints have (see :meth:`rounds_behind`: it may be old)."""
        info = self.info()
        return self._fetch(f"/{info.hash_hex}/public/latest", self._parse_beacon)

    def rounds_behind(self, beacon: Beacon) -> int:
        """How many rounds ``beacon`` is older than the round the clock says is current (0: up to date).

        A verified beacon can still be stale: an endpoint that stopped following the chain, or a relay
        that replays an old answer, serves a real, valid "latest" that is hours old. The signature
        cannot tell; only the clock can. One round of slack is normal (a beacon appears a little
        after its round's time), so callers warn above that.
        """
        return max(0, self.info().round_at(self.clock()) - beacon.round)

    def _parse_beacon(self, body: object, expected_round: int | None = None) -> Beacon:
        beacon = Beacon.from_json(body)  # also checks randomness == sha256(signature)
        if expected_round is not None and beacon.round != expected_round:
            # a wrong round is a bad answer like any other: the next endpoint gets a chance
            raise InvalidBeacon(f"asked for round {expected_round}, the endpoint sent round {beacon.round}")
        if self.verify:
            verify_beacon(self.info(), beacon)
            self.stats.verified += 1
        self._remember(beacon)
        return beacon

    def _remember(self, beacon: Beacon) -> None:
        self._cache[beacon.round] = beacon
        self._cache.move_to_end(beacon.round)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def watch(self, *, count: int | None = None, poll: float = 0.5) -> Iterator[Beacon]:
        """Yield the current round's beacon, then each new one as its round comes (forever, or ``count``).

        Like go-clients'
        [`PollingWatcher`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/client/poll.go#L13-L24)
        (a synchronous ``Get`` of ``RoundAt(now)`` first) and drand-client's
        [`watch`](https://github.com/drand/drand-client/blob/b9572b2ef11d28d5c011144867ca8d27bece23e2/lib/index.ts#L90-L107)
        (starts at ``roundAt(Date.now())``), the first beacon is the current round's. Then it sleeps
        until each next round's time and asks for that round, polling until it appears (a beacon is
        produced a little after its nominal time). Before genesis it waits for round 1.
        """
        info = self.info()
        produced = 0
        next_round = max(1, info.round_at(self.clock()))
        while count is None or produced < count:
            wait = info.time_of_round(next_round) - self.clock()
            if wait > 0:
                self.sleep(wait)
            while True:
                try:
                    beacon = self.get(next_round)
                    break
                except NotFound:
                    self.sleep(poll)
            yield beacon
            produced += 1
            next_round += 1

    # -- endpoints --------------------------------------------------------------------------------
    def rank_endpoints(self) -> list[Endpoint]:
        """Measure each endpoint's ``/health`` (or ``/info``) latency and try the fastest first."""
        for endpoint in self.endpoints:
            try:
                answer = get_json(endpoint.url + "/info", timeout=self.timeout, retries=0)
                endpoint.last_latency = answer.seconds
            except ClientError:
                endpoint.last_latency = None
                endpoint.failures += 1
        self.endpoints.sort(key=lambda e: (e.last_latency is None, e.last_latency or 0.0))
        return list(self.endpoints)

    def _fetch(self, path: str, parse: Callable[[object], object]):
        errors = []
        not_found = unreachable = invalid = 0
        # endpoints that failed before go last (stable: the given or ranked order otherwise), so a
        # hostile one costs its deadline once, not once per request
        for position, endpoint in enumerate(sorted(self.endpoints, key=lambda e: e.failures)):
            try:
                answer = get_json(
                    endpoint.url + path, timeout=self.timeout, retries=self.retries, sleep=self.sleep
                )
                result = parse(answer.body)
            except NotFound as exc:
                not_found += 1  # this endpoint may lag behind: ask the next one
                errors.append(str(exc))
                self.failure_log.append(errors[-1])
                continue
            except ClientError as exc:  # the endpoint did not answer usefully (down, 5xx, not JSON)
                endpoint.failures += 1
                unreachable += 1
                errors.append(f"{endpoint.url}: {exc}")
                self.failure_log.append(errors[-1])
                continue
            except DrandEduError as exc:  # it answered, and the answer is wrong: never trust it
                endpoint.failures += 1
                invalid += not isinstance(exc, InvalidInput)  # checked and wrong, not just malformed
                errors.append(f"{endpoint.url}: {exc}")
                self.failure_log.append(errors[-1])
                continue
            endpoint.last_latency = answer.seconds
            self.stats.fetched += 1
            self.stats.served_by[endpoint.url] = self.stats.served_by.get(endpoint.url, 0) + 1
            if position:
                self.stats.failovers += 1
            return result
        if not_found and not_found + unreachable == len(self.endpoints):
            # every endpoint that answered said "not here": the round does not exist yet (or the
            # chain is not served); one that lied would have been reported below instead
            down = f"; {unreachable} endpoint(s) unreachable" if unreachable else ""
            raise NotFound(f"{path}: not found on the {not_found} endpoint(s) that answered{down}")
        message = "no endpoint gave a valid answer: " + "; ".join(errors)
        raise ClientError(message) if invalid else NoUsableAnswer(message)


def _as_bytes(value: str | bytes, what: str, length: int | None = None) -> bytes:
    if isinstance(value, bytes):
        if length is not None and len(value) != length:
            raise InvalidInput(f"{what}: expected {length} bytes, got {len(value)}")
        return value
    return from_hex(value, what=what, length=length)
