# %% [markdown]
# # Session 6 — Networking and monitoring
#
# Every round, every drand node talks to every other, and the public talks to the nodes over HTTP. This
# session watches the messages of one round, sees what latency and loss do to them, reads a node's public
# API and its Prometheus metrics, runs two chains in one daemon, and spots a node in trouble on the
# dashboard before it becomes an outage.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 75 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. which messages a round needs (partials to everyone; sync when behind) and what each one carries;
# 2. how latency and loss show up — in how late beacons are, and when the chain stops;
# 3. the public HTTP API: paths, JSON and caching headers, and a request that waits for the next round;
# 4. drand's metrics, scraped from their own listener, and an alert rule that catches a lagging node early;
# 5. how one daemon runs several beacons (a chained and an unchained chain) on the same ports.

# %% [markdown]
# ## Setup

# %%
import json
import urllib.request

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.api import serve_node
from drand_edu.net import Link
from drand_edu.node.network import LocalNetwork
from drand_edu.notebook import keep_running

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. The messages of one round
#
# Five nodes ran a DKG (session 4), threshold 3, a 3-second period, links of 50 ± 20 ms. At each round's
# time every node signs its partial and sends a `PartialBeaconPacket` — round, previous signature, the
# index-prefixed partial — to the four others: 20 messages a round. Each node recovers the beacon as soon
# as it holds 3 partials. drand's message is
# [`PartialBeaconPacket`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/protobuf/drand/protocol.proto#L41-L53)
# in `protocol.proto`: the same three fields and a `Metadata` that names the beacon id (section 5 shows
# why); ours is `drand_edu.net.messages.PartialBeaconPacket`, with a `beacon_id` field.

# %%
network = LocalNetwork.create(5, 3, "pedersen-bls-chained", period=3, link=Link(0.05, 0.02), rng=rng)
network.run_rounds(4)
print(network)
round_3 = [entry for entry in network.sim.trace if entry.round == 3]
print(len(round_3), "messages about round 3; the first:", round_3[0])

# %%
from drand_edu.viz.network import plot_round_flow

plot_round_flow(network.sim.trace, 3, 5, "round 3: every node sends its partial to every other node")
plt.show()

# %% [markdown]
# > **Asked in the room:** how does n·(n−1) scale? Each node sends its partial to the n−1 others
# > ([`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L509-L545)
# > loops over the group and skips only itself), so a round is n·(n−1) messages: quadratic for the group,
# > linear for one node. One message is small: a `PartialBeaconPacket` of quicknet (G1 signatures of 48
# > bytes, a 2-byte index in front of the partial, the previous signature — sent even on an unchained
# > chain — and a `Metadata` with the version and the beacon id) is 127 bytes of protobuf, the chained
# > default chain's (G2 signatures, 96 bytes) 222 — measured with drand v2.1.4's own `proto.Marshal`, at a
# > round in the tens of millions;
# > HTTP/2 and TLS framing add to that on the wire. What costs more than the bytes is the check: each
# > partial that arrives for a round the node has not stored yet is verified (a pairing) before it is
# > cached, in
# > [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L213);
# > partials of a round already stored are dropped unchecked. For a group of 20 to 25 nodes at a 3-second
# > period:

# %%
PARTIAL_BYTES = 127  # one quicknet PartialBeaconPacket (protobuf), measured with drand's own types
PERIOD = 3
for n in (5, 20, 25):
    per_round = n * (n - 1)
    print(f"n = {n:2}: {per_round:3} partials a round, {per_round / PERIOD:5.1f} a second in the group; "
          f"each node sends {n - 1:2} and verifies up to {n - 1:2} a round, "
          f"{(n - 1) * PARTIAL_BYTES / PERIOD:4.0f} B/s of protobuf out")  # fmt: skip

# %% [markdown]
# > **Asked in the room:** drand talks gRPC and TLS; why does ours use plain HTTP? drand's nodes call each
# > other over gRPC (`PartialBeacon`, `SyncChain` in the `Protocol` service of
# > [`protocol.proto`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/protobuf/drand/protocol.proto#L14-L23)).
# > The node's own listener is plain gRPC:
# > [`NewGRPCListenerForPrivate`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/listener.go#L37-L98)
# > says it assumes "a reverse proxy doing TLS termination" in front (the `--tls-disable` / `--insecure`
# > flags are deprecated in v2 for that reason,
# > [`hiddenInsecureFlag`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L290-L304)).
# > The *client* side dials its peers with TLS 1.2 or later by default
# > ([`conn`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/conn_tls.go#L16-L67)
# > in `conn_tls.go`, built unless the `conn_insecure` build tag is set); with `-tags conn_insecure` the
# > plaintext [`conn`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/conn_other.go#L14-L64)
# > of `conn_other.go` is built instead — drand's tests and its
# > [`demo`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/demo/main.go#L20-L28) use it. Ours sends JSON over plain
# > HTTP between processes on 127.0.0.1 (`drand_edu.net.http_transport`): nothing leaves the machine, so
# > TLS would protect nothing here, and JSON you can read with `curl` teaches better than protobuf frames.
# > The security of the beacons never rested on the transport anyway: every partial and every beacon is
# > checked against the group's public key; TLS protects the metadata and keeps strangers off the port.

# %% [markdown]
# ## 2. Latency and loss
#
# A beacon is stored when the t-th partial arrives, so its delay after the round's nominal time — drand's
# `beacon_discrepancy_latency` metric — follows the network. Let's run the same group on three networks:

# %%
settings = {
    "LAN (50 ms)": Link(latency=0.05, jitter=0.02),
    "far (400 ms)": Link(latency=0.4, jitter=0.1),
    "lossy (30 % lost)": Link(latency=0.05, jitter=0.02, loss=0.3),
}
results = {}
for label, link in settings.items():
    net = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", link=link, rng=drand_edu.seeded_rng(label))
    net.run_rounds(20)
    delays = [v for p in net.processes for v in p.metrics.series("beacon_discrepancy_latency")[1]]
    results[label] = delays
    lost = sum(e.note == "lost" for e in net.sim.trace)
    print(f"{label:18} head {net.head():3}  median delay {sorted(delays)[len(delays) // 2]:6.0f} ms  lost {lost}")

fig, ax = plt.subplots(figsize=(7.5, 3.2))
ax.boxplot(list(results.values()), vert=False)
ax.set_yticks(range(1, len(results) + 1), list(results))
ax.set_xlabel("beacon_discrepancy_latency (ms)")
plt.show()

# %% [markdown]
# With 30 % loss, rounds still complete — a node needs *any* 3 partials of 5 — but some arrive late, and
# a node that misses partials falls behind until it syncs. Loss hurts long before it stops the chain.

# %% [markdown]
# ## 3. The public HTTP API
#
# Each daemon serves its store over drand's HTTP API on `127.0.0.1` (our `PublicAPI`, in
# `drand_edu/api/server.py`; drand's routes are set up in
# [`New`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L76-L143)).
# These are real HTTP requests (the port changes on every run, so we print paths, not URLs). The server
# keeps running until the kernel stops (`keep_running`), so any cell below can be run again:

# %%
server = keep_running("node 0's API", serve_node(network.daemons[0], network.now))


def get(path, api=None):
    """GET ``path`` from ``api`` (node 0's server by default): status, headers, JSON body."""
    with urllib.request.urlopen((api or server).url + path, timeout=5) as answer:
        return answer.status, dict(answer.headers), json.loads(answer.read())


status, headers, chains = get("/chains")
print("/chains", status, "·", headers["Cache-Control"], "·", [h[:16] + "…" for h in chains])
status, headers, info_json = get("/info")
print("/info", status, "·", headers["Cache-Control"])
print(json.dumps(info_json, indent=1)[:260], "…")
status, headers, beacon_json = get("/public/2")
print("/public/2", status, "·", headers["Cache-Control"], "· round", beacon_json["round"])
status, headers, latest = get("/public/latest")
print("/public/latest", status, "· round", latest["round"], "·", headers["Cache-Control"],
      "· Expires", headers["Expires"])  # fmt: skip
status, headers, health = get("/health")
print("/health", status, health, "·", headers["Cache-Control"])

# %% [markdown]
# Past beacons never change, so they are cached for a week (`immutable`); `/public/latest` expires when the
# next round is due (ours writes the standard `max-age=N, public`; drand's `LatestRand` spells that
# header differently — Exercise 4 sends you to find how); `/chains` may be cached for five minutes, as drand's
# [`ChainHashes`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L589-L603)
# says; `/health` answers 200 while the node is at most one round behind, cacheable until the next round
# is due, and 503 with `no-cache` when it is further behind — drand's
# [`Health`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L540-L587),
# our `PublicAPI._health`. A round more than a period in the future is refused with a 404 that may be cached
# until it is due, as in drand's
# [`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L381-L442):

# %%
try:
    get("/public/999")
except urllib.error.HTTPError as error:
    print(error.code, error.headers["Cache-Control"], json.loads(error.read()))

# %% [markdown]
# A past round the node does not hold is not a 404 in drand but a **500**: `PublicRand` asks the node's
# store through `getRand`, the store answers "no beacon stored", and that error becomes
# `StatusInternalServerError`
# ([`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L381-L442), lines 424–429).
# A 404 is only for a round that is not due yet. Ours answers the same (`PublicAPI._public`); here a node
# holds rounds 3 and 4 only (say, it synced from round 3) and is asked for round 1:

# %%
from drand_edu.api import ServedChain, serve
from drand_edu.store import MemoryStore

late_joiner = MemoryStore()
for beacon in network.processes[0].store.cursor(3, 4):
    late_joiner.put(beacon)
with serve(ServedChain(network.info, late_joiner), clock=network.now) as joiner_api:
    try:
        get("/public/1", joiner_api)
    except urllib.error.HTTPError as error:
        print("/public/1, due but not stored:", error.code, json.loads(error.read()))

# %% [markdown]
# A client that gets a 500 should ask another node: ours does (`drand_edu.client.Client` fails over on
# any error of an endpoint), as go-clients' optimizing client falls back to its other sources.
#
# And the round right after the last one? drand does not answer "not yet": in
# [`getRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L309-L379)
# a request for `latest + 1` joins a list of waiters, and the handler's watch of new beacons answers all of
# them the moment the beacon arrives. Our `PublicAPI._get` waits the same way (on the wall clock; a
# simulated network's clock does not move while a request waits, so there it needs `wait=`). Here a store
# holds rounds 1-3 of the chain above, and round 4 arrives half a second after a client asked for it:

# %%
import threading

from drand_edu.api import ServedChain, serve
from drand_edu.store import MemoryStore

partial_store = MemoryStore()
for beacon in network.processes[0].store.cursor(1, 3):
    partial_store.put(beacon)
arrival = threading.Timer(0.5, lambda: partial_store.put(network.processes[0].store.get(4)))
with serve(ServedChain(network.info, partial_store), clock=network.now, wait=10) as waiting_server:
    arrival.start()
    with urllib.request.urlopen(waiting_server.url + "/public/4", timeout=15) as answer:
        print("asked before round 4 existed:", answer.status, "· round", json.loads(answer.read())["round"])
arrival.join()

# %% [markdown]
# ## 4. Metrics
#
# drand exposes Prometheus metrics; dashboards of the League of Entropy watch a handful of them, such as
# [`LastBeaconRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L66-L70)
# (`last_beacon_round`, labelled by beacon id). drand serves them on a listener of their own:
# [`Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L375-L413)
# opens `--metrics ADDR` (a bare port means 127.0.0.1) with `/metrics` on it, never on the public API. Ours
# is `drand_edu.api.metrics.serve_metrics` (`drand-edu start --metrics ADDR`); the public port answers
# `/metrics` with a 404. Here is what node 0's metrics listener says (drand's names):

# %%
from drand_edu.api import serve_metrics

try:
    get("/metrics")
except urllib.error.HTTPError as error:
    print("public API /metrics:", error.code)
with serve_metrics([network.processes[0].metrics]) as metrics_server:  # closed at the end of the block
    with urllib.request.urlopen(metrics_server.url + "/metrics", timeout=5) as answer:
        exposition = answer.read().decode()
for line in exposition.splitlines():
    if line.startswith(("last_beacon_round", "group_size", "group_threshold", "dkg_state")):
        print(line)

# %% [markdown]
# `dkg_state` is the number of the DKG state machine's status
# ([`Status`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/dkg/state_machine.go#L21-L62):
# `Fresh` is 0, `Complete` 7, `Failed` 11), which drand's
# [`DKGStateChange`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L464-L474)
# writes on every transition: a finished DKG shows 7. Do not trust the gauge's help text, which drand still
# ships with an older numbering ("3-Done"). One difference of ours: drand updates the gauge at each step of a
# DKG, our nodes set it once, when they install the group the DKG produced.

# %% [markdown]
# ## 5. One daemon, several beacons
#
# The League of Entropy runs several chains on the same machines — the chained "default" chain and
# quicknet among them — and each operator runs *one* drand daemon for all of them.
# [`DrandDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L29-L52)
# keeps a map of beacon processes by beacon id, and one private port, one control port and one public API
# for all. Every packet and every control request carries a `Metadata` with the beacon id (or the chain
# hash), and
# [`readBeaconID`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon_helper.go#L10-L57)
# turns it into the beacon process that must handle it (an empty id is the default beacon). The public API
# gets one handler per chain in
# [`AddBeaconHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L259-L280),
# under the chain's hash, and the default chain also without a prefix.
#
# Ours: `NodeDaemon` (in `drand_edu/node/service.py`) runs one `NodeService` per key folder, routes each
# packet by its `beacon_id`, and each control call by `--id`; `PublicAPI.add` registers a chain. Real
# processes do it in `drand-edu start` (the test `tests/test_daemon_beacons.py` runs three of them with two
# chains each); here are the public API and the metrics listener of one node of two simulated chains:

# %%
from drand_edu.api import PublicAPI, Server

quick = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", period=3, beacon_id="quicknet",
                            rng=drand_edu.seeded_rng("quicknet"))  # fmt: skip
main_chain = LocalNetwork.create(4, 3, "pedersen-bls-chained", period=3, beacon_id="default",
                                 rng=drand_edu.seeded_rng("default"))  # fmt: skip
for chain in (quick, main_chain):
    chain.run_rounds(3)
served = [ServedChain(chain.info, chain.processes[0].store) for chain in (main_chain, quick)]
with Server(PublicAPI(served, clock=quick.now)) as node_api:  # closed at the end of the block
    chain_hashes = get("/chains", node_api)[2]
    for chain_hash in chain_hashes:
        info = get(f"/{chain_hash}/info", node_api)[2]
        print(f"/{chain_hash[:12]}…/info  beacon id {info['metadata']['beaconID']:8} scheme {info['schemeID']}")
    print("/info (no prefix): beacon id", get("/info", node_api)[2]["metadata"]["beaconID"])
with serve_metrics([main_chain.processes[0].metrics, quick.processes[0].metrics]) as both:
    with urllib.request.urlopen(both.url + "/metrics", timeout=5) as answer:
        print(*[line for line in answer.read().decode().splitlines() if line.startswith("last_beacon_round")],
              sep="\n")

# %% [markdown]
# ## 6. Spotting an incident before it is an outage
#
# Node 4's network degrades: its link to everyone gets slow and lossy. The chain goes on — 4 healthy nodes
# remain — but node 4 falls behind. On the dashboard its `last_beacon_round` flattens while the others
# climb: an alert "a node is more than 1 round behind" fires long before the chain is at risk.

# %%
from drand_edu.node.metrics import LAG_ALERT_ROUNDS  # 1: the alert rule, shared with the panel below
from drand_edu.viz.metrics import plot_last_round

incident = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng("incident"))
incident.run_rounds(5)
for other in range(4):
    incident.sim.set_link(4, other, Link(latency=2.5, jitter=0.5, loss=0.6))
alerts = []
for step in range(10):
    incident.run_rounds(1)
    expected = incident.info.round_at(incident.now())
    behind = [p.index for p in incident.processes if expected - p.head() > LAG_ALERT_ROUNDS]
    if behind:
        alerts.append((step, behind))
print("first alert after", alerts[0][0] + 1, "degraded rounds: nodes", alerts[0][1], "lagging")
print("chain head still advancing:", incident.head(), "of", incident.info.round_at(incident.now()))
plot_last_round([p.metrics for p in incident.processes], origin=incident.info.genesis_time)
plt.show()

# %% [markdown]
# Now lose two more nodes. Three stay up — exactly the threshold $t = 3$ — so every round now needs node
# 4's partial too, and node 4's links lose 60 % of its messages and deliver the rest 2.5 s late. The chain
# goes on only while at least $t$ nodes are up **and connected**: here it does not stop, it crawls — a
# round now and then, ever further behind the clock (below, heads 16 while round 18 is due) — and
# `/health` answers 503 on node 0, whose last round is more than one behind the round due.

# %%
incident.crash(2, 3)
incident.run_rounds(3)
print(*incident.status(), sep="\n")
incident_api = serve_node(incident.daemons[0], incident.now)
try:
    get("/health", incident_api)
except urllib.error.HTTPError as error:
    print("/health:", error.code, json.loads(error.read()))
finally:
    incident.stop_apis()  # the daemon closes its API (and knows it: a re-run starts a new one)

# %% [markdown]
# **Try it.** Restart nodes 2 and 3 (`incident.restart(2, 3)`) and run 3 rounds: how many rounds does the
# chain produce at once (drand's catch-up), and how long does node 4 stay behind?

# %% [markdown] tags=["try-answer"]
# **Answer.** Nodes 2 and 3 first sync what they missed from their peers (drand's
# [`Catchup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L277-L286)
# runs a sync up to the next round), and then the four well-connected nodes make the missing rounds one
# after the other, not one per period: rounds 17, 18, 19 and 20 are stored about 54.0, 55.6, 57.05 and
# 57.2 s after genesis, so after the first `run_rounds(1)` the heads read 17 and after the second 20, the
# round due — three missed rounds made up in about three seconds. Each new beacon that is still behind
# the clock makes every node wait one *catch-up period* (1.5 s here, half the period) and then sign the
# next round at once, instead of waiting for the next tick (see the question below). Node 4 does not
# come back with them: after the 3 rounds it is still at 15 with 21 due. Its links still lose 60 % and
# deliver the rest 2.5 s late, so it catches up only in bursts, when one of its syncs gets through (run
# more rounds: 25 with 28 due seven rounds later, 33 with 34 due, then 34 with 44 due) — it stays
# behind for as long as its network is bad. The outage is over; node 4's problem is its links, and its
# `last_beacon_round` keeps saying so.

# %% [markdown]
# > **Asked in the room:** how is catch-up paced after an outage? Two mechanisms. A node that was away
# > fetches the beacons it missed with a sync (`SyncChain`, a stream of stored beacons, as fast as the
# > network carries them). When the *whole chain* stalled, the missing rounds must be signed anew: in
# > [`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L425-L460),
# > each beacon appended while its round is behind the current one makes the node sleep `CatchupPeriod`
# > and then broadcast its partial for the next round right away, so the chain makes one round per
# > catch-up period (plus a network round trip) until it reaches the clock. `CatchupPeriod` is part of
# > the group, "the minimum period allowed between beacon and subsequent partial generation"
# > ([`Group`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L38-L41));
# > the leader sets it in the proposal with `drand dkg init --catchup-period`, a flag every first
# > proposal must give ([`catchupPeriodFlag`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L137-L142),
# > required by [`parseInitialProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L261-L268)).
# > A catch-up period of 0 makes the rounds as fast as partials travel; a small one spreads the burst
# > (every node verifies and stores each round) and lets relays and clients follow. Ours:
# > `BeaconProcess._schedule_catchup`, with half the period in simulations (what drand's test helper
# > [`LoadGroup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L340-L353) uses) and the group's value in `drand-edu start`.

# %% [markdown]
# ### Your turn at the controls
#
# The same kind of incident, now at your hands: a control panel over a fresh network of five nodes. The
# cell plays one scenario — node 4's links slowed to 10 s, more than three periods, then four rounds: the
# other four nodes still make every beacon, node 4 falls three rounds behind and the alert names it. The
# panel alerts with §6's rule, a node more than `LAG_ALERT_ROUNDS` = 1 round behind. The buttons under
# it (with a kernel) kill, restart, split, slow (latency slider up to 10 s) and advance. **Try it:** with
# 7 s node 4 lags two rounds and the alert still fires; with 4 s it lags one round — within the alert's
# slack. Is that the right threshold?

# %%
from drand_edu.viz.panel import NetworkPanel

panel = NetworkPanel(LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng("panel-06")))
panel.advance(2)
panel.slow(4, 10.0)
panel.advance(4)
print(panel.text())
panel.figure()
plt.show()

# %%
panel.widget()

# %% [markdown] tags=["try-answer"]
# **Answer.** It is drand's own line: `/health` answers 200 while a node's last round is the round due or
# the one before
# ([`Health`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L572-L582)),
# so the alert (more than one round behind) fires exactly when drand's `/health` turns 503. But it
# misses a kind of trouble: at 4 s node 4 is one round behind at every look, so no alert, yet its
# `beacon_discrepancy_latency` reads 4000 ms against a few tens of milliseconds for the others — every
# beacon reaches it more than a period late, and a client reading its `/public/latest` gets the previous
# beacon for most of each round. Even 2 s reads "one behind" here, because the panel looks halfway through a round. A
# lag counted in whole rounds cannot see lateness below a period: pair it with a rule on
# `beacon_discrepancy_latency` (say, above half the period for a few scrapes), which is what that
# metric exists for.

# %% [markdown]
# ## Exercises
#
# Four exercises: look (Explore), build (Implement), attack (Break), and read drand's own code (Connect).
# Each check cell says "correct" or "not yet" with a hint; stuck, ask for the next hint with
# `drand_edu.exercises.hint("<name>")` (the name is given with each exercise).

# %% [markdown]
# ### Exercise 1 (Explore) — read a metric
#
# Write `my_value(text, name, beacon_id)` returning the value (a number) of the metric `name` for that
# beacon id, from a page in Prometheus' text format — the page of section 5's two-chain daemon, say. Print
# such a page first and look at it: it has `# HELP` and `# TYPE` lines, and one sample line per metric
# *and beacon*, like `last_beacon_round{beacon_id="default"} 42.0`; when the page has no sample of that
# metric for that beacon, return `None` (a dashboard that reads a missing chain as 0 shows a dead chain as
# alive). The checker's pages hold four beacons whose ids overlap (`quick` and `quicknet`, `net` and
# `evmnet`), in both orders, metrics with fractions, and asks for beacons that are not there.
# Stuck? `drand_edu.exercises.hint("metric_value")`.

# %%
def my_value(text, name, beacon_id):
    ...  # your code


# %%
drand_edu.exercises.check_metric_value(my_value)


# %% tags=["solution"]
def my_value(text, name, beacon_id):
    prefix = f'{name}{{beacon_id="{beacon_id}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix):])
    return None


drand_edu.exercises.check_metric_value(my_value)


# %% [markdown]
# ### Exercise 2 (Implement) — an alert that waits
#
# Section 6's alert fires on a single look. Real alerting rules wait: Prometheus' `for: 30s` fires only
# when the condition held at every evaluation for that long, so one slow scrape pages nobody at 3 a.m.
# Write `my_alert(scrapes, tolerance, for_scrapes)`. `scrapes` lists the scrapes oldest first, each a pair
# `(expected_round, heads)`, where `heads[i]` is node i's `last_beacon_round`, or `None` when node i did
# not answer the scrape. Return the indices of the nodes that were more than `tolerance` rounds behind —
# or silent — in **each** of the last `for_scrapes` scrapes; while there are fewer scrapes than that,
# nothing fires. Stuck? `drand_edu.exercises.hint("lagging_alert")`.

# %%
def my_alert(scrapes, tolerance, for_scrapes):
    ...  # your code


# %%
drand_edu.exercises.check_lagging_alert(my_alert)


# %% tags=["solution"]
def my_alert(scrapes, tolerance, for_scrapes):
    if len(scrapes) < for_scrapes:
        return []
    recent = scrapes[-for_scrapes:]
    nodes = range(len(recent[0][1]))
    return [i for i in nodes
            if all(heads[i] is None or expected - heads[i] > tolerance for expected, heads in recent)]  # fmt: skip


drand_edu.exercises.check_lagging_alert(my_alert)

# %% [markdown]
# ### Exercise 3 (Break) — the fewest islands that stop the chain
#
# `net.sim.partition(*islands)` cuts a simulated network into islands that cannot reach each other. Write
# `my_split(n, t)` returning islands — sets of the nodes 0 … n−1, each node on exactly one — under which a
# network of n nodes with threshold t makes **no new round**, with **as few islands as possible** (a real
# network split rarely has more than two or three sides). The checker runs your split on simulated
# networks for several n and t, each t at least drand's minimum
# [`MinimumT`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/key/group.go#L356-L358)
# (n/2 rounded down, plus 1). Then think: why does a *higher* threshold make the chain easier to stop?
# Stuck? `drand_edu.exercises.hint("halting_partition")`.

# %%
def my_split(n, t):
    ...  # your code


# %%
drand_edu.exercises.check_halting_partition(my_split)


# %% tags=["solution"]
def my_split(n, t):
    nodes = list(range(n))
    return [set(nodes[i : i + t - 1]) for i in range(0, n, t - 1)]  # islands of t - 1: none can sign


drand_edu.exercises.check_halting_partition(my_split)

# %% [markdown]
# ### Exercise 4 (Connect) — how long may `/public/latest` be cached?
#
# Open drand's
# [`LatestRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L444-L509)
# (`handler/http/server.go`), the handler of `/public/latest`. Write `my_max_age(round_time, period, now)`:
# the number of seconds drand sends as the `max-age` of its `Cache-Control` header, when the latest
# beacon's round was due at `round_time` and the request arrives at `now` (Unix seconds, floats; `period`
# in seconds) — or `None` when `LatestRand` sends no `Cache-Control` at all. Only its code tells what
# happens when the next beacon is late, how the seconds are rounded, and what happens exactly at the
# boundaries (look at how it spells the header, too). Stuck? `drand_edu.exercises.hint("latest_max_age")`.

# %%
def my_max_age(round_time, period, now):
    ...  # your code


# %%
drand_edu.exercises.check_latest_max_age(my_max_age)

# %% tags=["solution"]
import math


def my_max_age(round_time, period, now):
    next_time = round_time + period
    if not next_time > now:  # next.After(now) is false: the next beacon is late
        next_time = now + period / 2  # period / catchupExpiryFactor
    remaining = next_time - now
    if 0 < remaining < period:
        return math.ceil(remaining)  # drand writes it as "max-age:%d, public"
    return None


drand_edu.exercises.check_latest_max_age(my_max_age)

# %% [markdown]
# ## Deep dive: how a node watches its peers, and what its peer handlers do
#
# *Beyond the 45-minute core: for the question time or for home.* Four pieces of drand a maintainer
# would show next to this session: the threshold monitor, the partial-failure metric, the metrics relay
# `/peer/<addr>`, and the two gRPC handlers every round and every sync go through.

# %% [markdown]
# ### The threshold monitor
#
# - [`NewThresholdMonitor`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/threshold_monitor.go#L24-L37):
#   one per beacon handler, made in
#   [`NewHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L71-L119)
#   with the group's size and threshold and a period of one minute.
# - [`Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/threshold_monitor.go#L39-L95):
#   every minute, count the peers whose partials failed; with `maxFailures = n − t` (the nodes the group
#   can lose), log an error at `maxFailures` or more, a warning at `maxFailures / 2` or more (Go's integer
#   division: with n − t = 1 that is 0, and a healthy group warns every minute), then forget them. It
#   only logs: what a dashboard sees is the gauge below.
# - [`ReportFailure` and `Update`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/threshold_monitor.go#L101-L113):
#   a failed send sets the gauge and joins the list; a resharing's new group updates n and t.
#
# Ours: `drand_edu.node.metrics.ThresholdMonitor` (same levels, same quirk); `look()` is one tick of the
# ticker, and `BeaconProcess.threshold_report()` takes it against the node's current group.

# %% [markdown]
# ### The partial-failure metric
#
# [`ErrorSendingPartialCounter`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L244-L248)
# is a gauge despite its name: `error_sending_partial{beaconID, address}` is 1 when the last partial to
# that peer failed, 0 when it went through
# ([`ErrorSendingPartial`, `SuccessfulPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L476-L482)).
# [`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L520-L545)
# sends to each peer from its own goroutine and sets it from the call's result. A failure is any error
# of the call: an unreachable peer, and also a peer that *refuses* the partial (next section) — so a
# peer whose clock runs more than a period behind shows as 1 on everyone's gauge. Ours: `NodeMetrics.partial_sent`,
# fed by the simulator's delivery result; over HTTP our peer port answers 204 before it checks a
# partial, so there only unreachable peers count. Node 0, as two peers go down (n − t = 2):

# %%
from drand_edu.api.metrics import MetricsAPI

watch = LocalNetwork.create(5, 3, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng("deep-dive-06"))
watch.run_rounds(2)
watcher = watch.processes[0]
for crashed in (4, 3):
    watch.crash(crashed)
    watch.run_rounds(1)
    report = watcher.threshold_report()
    print(f"node {crashed} down: threshold monitor says {report.level!r}, failing {list(report.failing)}")
page = MetricsAPI([watcher.metrics]).exposition().decode()
print(*[line for line in page.splitlines() if line.startswith("error_sending_partial")], sep="\n")

# %% [markdown]
# ### The metrics relay `/peer/<addr>`
#
# [`Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L394-L406)
# mounts `/peer/` on the metrics listener. Its
# [`ServeHTTP`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L430-L449)
# takes the address after `/peer/` (up to the next `/`) and asks that node over gRPC
# ([`GetMetrics`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/client_grpc.go#L237-L253),
# gzip-compressed); the peer answers from
# [`DrandDaemon.Metrics`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon_metrics.go#L15-L44)
# with its *group* registry only (no Go runtime or HTTP metrics), in the text format. The `Metrics`
# service sits on the private port next to `Protocol`
# ([`RegisterMetricsServer`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/listener.go#L75-L87)),
# so one Prometheus next to one node can see every peer through ports that are open anyway. The address
# is not checked against the group, and on an error the handler writes a 500 and then the (empty) body.
#
# Ours: none. Our metrics listener answers `/metrics` only, and our peer port has no metrics route: on
# one machine a scraper reaches every node's own listener directly, and a relay route is one more thing
# a stranger could ask a node to fetch.

# %% [markdown]
# ### gRPC's `PartialBeacon` handler
#
# [`DrandDaemon.PartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon_public.go#L10-L25)
# finds the beacon process named by the packet's `Metadata`;
# [`BeaconProcess.PartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L22-L41)
# refuses with "DKG not finished yet" until it has a beacon handler, then calls
# [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L121-L238),
# whose checks go cheapest first: a round more than one ahead of the clock → error; a round already
# stored → `Empty`, nothing checked; the index read from the partial, a node with that index in the group,
# not our own address → else error; then the pairing check `VerifyPartial` → error if wrong; our own
# index → `Empty`; only then `NewValidPartial` hands it to the aggregator's cache.
#
# Ours: `NodeDaemon` routes by `beacon_id`, then `BeaconProcess._on_partial` runs the same checks in the
# same order (the own-index test covers drand's own-address one) and returns False where drand returns an
# error, which the simulator hands back to the sender as a failed send.

# %% [markdown]
# ### gRPC's `SyncChain` handler
#
# [`DrandDaemon.SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon_public.go#L66-L75)
# routes by beacon id;
# [`BeaconProcess.SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L185-L202)
# takes the store and lets go of its lock (a sync can run for hours);
# [`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L543-L653)
# refuses when its last round is below the one asked (`ErrNoBeaconStored`), otherwise streams the stored
# beacons from that round with a cursor, then registers the store callback `SyncChain-<address>` that
# streams each new beacon until the stream breaks; a new sync from the same address replaces the
# callback and ends the old stream. Asked from round 0, it only follows new beacons.
#
# Ours: `drand_edu.node.sync.serve_sync` does the same on the simulator (same callback name, a
# `SyncStreamEnd` where drand's stream ends). Between processes, `GET /sync?from=R`
# (`drand_edu.node.sync_http.sync_answer`) is a long poll instead of a stream: it answers what is stored
# from R, or waits for the next beacon — and it accepts R = last + 1 and waits, where drand's stream
# refuses it.

# %% [markdown]
# ## In drand's source
#
# | here | drand |
# |---|---|
# | `PartialBeaconPacket`, `SyncRequest`, `BeaconPacket` | `protobuf/drand/protocol.proto`; `internal/net` (gRPC between nodes) |
# | `Simulator` (latency, loss, partitions) | nothing: drand runs on real networks; its tests use a mock clock |
# | `PublicAPI` paths and cache headers | `handler/http/server.go` (`PublicRand`, `getRand`, `LatestRand`, `ChainInfo`, `Health`, `ChainHashes`) |
# | `serve_metrics` (`--metrics`) | `Start` in `internal/metrics/metrics.go` |
# | `NodeMetrics` names | `internal/metrics/metrics.go` (`last_beacon_round`, `beacon_discrepancy_latency`, …) |
# | `NodeDaemon` (several beacons on shared ports) | `DrandDaemon` in `internal/core/drand_daemon.go`, `readBeaconID` in `internal/core/drand_daemon_helper.go` |
# | `NodeMetrics.partial_sent` (`error_sending_partial`), `ThresholdMonitor` | `internal/metrics/metrics.go`, `internal/metrics/threshold_monitor.go` |
# | `BeaconProcess._on_partial`, `serve_sync` | `ProcessPartialBeacon` in `internal/chain/beacon/node.go`, `SyncChain` in `internal/chain/beacon/sync_manager.go` |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **6 min** · 1. The messages of one round — Every node sends its partial to every other node: count the
#   messages (n·(n−1) per round) and ask how that scales.
# - **7 min** · 2. Latency and loss — Learners predict the boxplot before it runs: LAN, WAN, lossy.
# - **9 min** · 3. The public HTTP API — `/info`, `/public/2`, `/public/latest` and their Cache-Control: a
#   past round is immutable, the latest is cached until the next round; CDNs. `curl` in a terminal if the room
#   likes it.
# - **6 min** · 4. Metrics — `serve_metrics` and one metric line read by hand.
# - **5 min** · 5. One daemon, several beacons — Two chains in one daemon; the `/chains` listing.
# - **9 min** · 6. Spotting an incident before it is an outage — Degrade node 4's links, then crash a node:
#   the moment is "first alert after 2 degraded rounds: nodes [4] lagging" while the head still advances —
#   alert on lag, not on outage. Then the control panel.
# - **2 min** · Recap — The recap.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Exercises — Questions.
# - **24 min** · Exercises — Pairs: Exercise 2 (Implement: an alert that waits) and Exercise 3 (Break: the
#   fewest islands that stop the chain); Exercise 1 (Explore: read a metric) solo; Exercise 4 (Connect:
#   `LatestRand`) on the projector in the last minutes, or as homework.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - A round is n·(n−1) partial messages; a node needs any t of them; a lagging node syncs.
# - Latency and loss delay beacons (`beacon_discrepancy_latency`) long before they stop the chain.
# - The public API serves immutable past beacons and a `latest` that expires with the period; the next
#   round is waited for; metrics have a listener of their own.
# - One daemon, several beacons: every message and request names its beacon id, the daemon routes it.
# - Watch `last_beacon_round` per node: a flattening line is the early warning.
# - `error_sending_partial` and the threshold monitor say which peers a node cannot reach, before the
#   group is down to t.
#
# Next: [Session 7 — Storage and sync](07_storage_and_sync.ipynb).
