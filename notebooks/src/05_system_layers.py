# %% [markdown]
# # Session 5 — The layers
#
# A drand node is a stack of layers — daemon, key store, beacon process, vault, store, public API — and a client sits
# on the other side of the network. This session draws the stack from the code itself, follows one beacon
# from a partial signature to a client's verified result, and shows exactly where each layer stops.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 60 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. the layers of drand and how they depend on each other (drawn from the imports, not from a slide);
# 2. what a node's daemon owns: key store, beacon process (with its vault), store, metrics, public API;
# 3. the journey of one beacon: partial → network → recovery → store → API → client;
# 4. who verifies what — the store stack keeps order and links, the beacon process and the client check
#    signatures — and which writes go down the stack and which go straight into the backend.

# %% [markdown]
# ## Setup

# %%
import json
import urllib.request

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.api import serve_node
from drand_edu.chain import Beacon
from drand_edu.client import Client
from drand_edu.node.network import LocalNetwork
from drand_edu.notebook import keep_running
from drand_edu.errors import ClientError, StoreError
from drand_edu.store.stack import BeaconAlreadyStored

rng = drand_edu.notebook_setup(seed=2024)

# %% [markdown]
# ## 1. The layers, from the code
#
# Every package of `drand_edu` imports only packages *below* it. The picture is computed from the
# source (each module is parsed, nothing runs): a package sits one level above the highest package it
# imports. The small helpers everyone uses (`errors`, `hexbytes`, `rng`) are left out.

# %%
from drand_edu.viz.layers import UTILITIES, import_graph, layer_levels, plot_architecture

plot_architecture()
plt.show()
core = {p: deps - set(UTILITIES) for p, deps in import_graph().items() if p not in UTILITIES}  # as drawn
levels = layer_levels(core)
for level in sorted(set(levels.values())):
    print(level, sorted(p for p, lvl in levels.items() if lvl == level))

# %% [markdown]
# Read it bottom-up: level 0 is `crypto` (curves, BLS); level 1 `threshold` (shares, DKG) and `chain`
# (beacons, verification); level 2 `store`, `net`, `tlock` — and `client`, which needs nothing but `chain`
# to verify what it fetches, no node code at all; level 3 `node` (beacon process, sync, daemon); level 4
# `api`; level 5 `cli`. A test keeps it that way: the day a low layer imports a high one, `make test`
# fails.

# %% [markdown]
# Inside the `node` box, two parts *write* new beacons: the **aggregator** of the beacon process (t partials →
# one signature) and the **sync manager** (beacons fetched from peers, each verified first). Neither writes
# into the database directly. As in drand, each new beacon goes down a **store stack** — four thin layers,
# each a store itself, over the backend. drand builds it in
# [`newChainStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L51-L73)
# (discrepancy, then scheme, then append, then callbacks, from the inside out) and hands the finished
# stack to its `SyncManager` as the store it syncs into, so synced beacons pass the same checks; ours is
# `drand_edu.store.new_chain_store`, and `BeaconProcess` builds it when it starts. Who listens at the top
# (the callbacks) is how a node keeps a sync stream to a peer going (session 7) and how a request waiting
# for the next round learns it is there (§3).
#
# Not every write takes the stack: three go straight into the backend, beside the layers. The **genesis
# beacon** is put into the bare store before the layers exist
# ([`NewHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L71-L119), lines 90-94):
# the append layer needs a "last" to start from. The sync manager is handed the bare backend too
# ([`NewSyncManager`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L75-L89)'s
# `BoltdbStore`, kept as `insecureStore`), and a **re-sync that corrects past beacons** writes there
# ([`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L480-L502)):
# it replaces old rounds, which the append layer would refuse (session 7). A **memdb node that starts**
# puts the current round fetched from a peer straight into its empty ring (§2). And `drand sync --follow`
# builds a shorter stack of its own, callbacks over scheme over the backend, with no append and no
# discrepancy layer ([`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L396), lines 324-357).

# %%
from drand_edu.viz.layers import plot_node_stack

plot_node_stack()
plt.show()

# %% [markdown]
# ## 2. A node is a daemon
#
# drand runs one daemon per operator
# ([`DrandDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L29-L52) holds one
# [`BeaconProcess`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L34-L68) per beacon id). Ours,
# `Daemon`, for node 0 of a 4-node network (threshold 3) that ran a DKG:
# the *key store* is its key folder (drand's file store, `common/key/store.go`); the *vault* is what the
# beacon process signs with, in memory — share, public polynomial, group, chain info — as drand's
# [`Vault`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/vault/vault.go#L19-L34) (our `drand_edu.node.vault.Vault`), refilled at a resharing.
#
# What survives a restart depends on the store's backend. A bolt (our SQLite) or postgres node keeps its
# database and syncs only the rounds it missed. A **memdb node loses its beacons**: drand's memdb is a
# ring in the process's memory, so a crash takes the chain with it; when it starts again it does not
# sync the history but fetches the current round from its peers and goes on from there (the deep dive
# shows it). Such a node can never serve old rounds.

# %%
# its own seed: run again, this cell makes the very same network (the cells below keep working)
network = LocalNetwork.create(4, 3, "pedersen-bls-chained", period=3, rng=drand_edu.seeded_rng("net-05"))
network.run_rounds(3)
daemon = network.daemons[0]
for layer, what in daemon.layers():
    print(f"{layer:15} {what}")

# %% [markdown]
# ## 3. One beacon's journey
#
# Follow round 6. **(a) Beacon process.** At the round's time, each node signs the round after its last
# stored beacon and sends the partial to every other node — drand's
# [`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L468-L508), our
# `BeaconProcess.tick`. The message of a chained round needs the previous beacon, which the node already
# stored:

# %%
network.run_until(network.info.time_of_round(6))  # the moment round 6 is due
process = daemon.process
message = network.info.scheme.digest(6, process.store.get(5).signature)
print("round 6 message = sha256(signature of round 5 ‖ 6):", message.hex()[:32] + "…")
sent = [e for e in network.sim.trace if e.round == 6 and e.src == 0]
print(f"node 0 sent its partial to {len(sent)} peers at t = genesis + {sent[0].sent - network.info.genesis_time:.0f} s")

# %% [markdown]
# **(b) Network.** Every node's partial travels to every other node (50 ms ± 20 ms here). A receiving node
# first checks it, as drand's
# [`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238) does: a round
# more than one ahead of its own clock is refused (one round of clock drift is allowed), a round it already
# stored is ignored, and the partial is **verified** against the signer's public share before it goes
# anywhere (our `BeaconProcess._on_partial`). **(c) Recovery.** The aggregator
# ([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301), our
# `_new_valid_partial`) caches verified partials for the next few rounds only; as soon as it holds 3 of
# one round it interpolates the group signature, verifies the beacon against the group key, and stores it
# through the stack:

# %%
network.run_until(network.info.time_of_round(6) + 0.5)  # half a second after round 6 is due
process = daemon.process  # node 0's, of the network made above (made again if that cell ran again)
arrivals = sorted(e.delivered - network.info.time_of_round(6) for e in network.sim.trace
                  if e.round == 6 and e.delivered is not None)
print(f"{len(arrivals)} partials of round 6 delivered, the last {arrivals[-1] * 1000:.0f} ms after the round time")
beacon_6 = process.store.get(6)
print("stored on every node, identical:", all(p.store.get(6) == beacon_6 for p in network.processes))
late_ms = process.metrics.series("beacon_discrepancy_latency")[1][-1]
print(f"node 0's beacon_discrepancy_latency for it: {late_ms:.0f} ms")

# %% [markdown]
# > **Asked in the room: what if a node's clock drifts?** Every node computes rounds from its **own
# > clock**: the round due now is `⌊(now − genesis) / period⌋ + 1`
# > ([`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L63)),
# > and its ticker fires at each round's time by that clock
# > ([`ticker.Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/ticker.go#L60-L110)).
# > At each tick a node signs the round after its last *stored* beacon, not the round its clock shows
# > ([`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L468-L508),
# > lines 472-484; when it already holds the round its clock shows, it signs that one again — the code's
# > comment blames "time shifts"). So a node whose clock runs **ahead** only sends early: its partial is
# > still for the chain's next round, the others cache it (the aggregator keeps partials a few rounds past
# > its last beacon, `partialCacheStoreLimit`) and it counts when they sign. A round is made once t nodes
# > have signed it, so it comes early only if t clocks run ahead. A node whose clock runs **behind** is the
# > one that suffers: it refuses partials for rounds more than one past its own clock
# > ([`ProcessPartialBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L125-L238),
# > lines 137-148: "we allow one round off in the future because of small clock drifts"), so once it lags
# > by more than a period it cannot recover beacons itself, and its own partials are for rounds the others
# > already made (ignored as past). At each tick it finds its last beacon behind its clock and syncs
# > ([`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L409-L423)),
# > up to the round *its* clock shows. The chain goes on as long as t nodes keep good time.

# %% [markdown]
# That last number was set by the stack's discrepancy layer: like drand's
# [`discrepancyStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L159-L198) it reads the
# clock just before writing and compares it with the round's due time. The layers above it refuse what a
# chain must never contain — [`appendStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L58-L88)
# anything but the round after the last one, the scheme layer a broken link:

# %%
print("node 0's stack:", " → ".join(process.store.layers()))
with drand_edu.expect_error(StoreError):
    process.store.put(Beacon(9, beacon_6.signature, beacon_6.signature))  # round 9 after round 6: a gap
with drand_edu.expect_error(BeaconAlreadyStored):
    process.store.put(beacon_6)  # round 6 again: "already stored", harmless — callers treat it as done

# %% [markdown]
# **(d) Public API.** The daemon serves its store over drand's HTTP API. A request for the round right after
# the last one is not refused: it **waits**, on a list of waiters that the store stack's callback wakes
# when that beacon is written — nothing polls (drand's
# [`getRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L309-L379);
# the deep dive has the details). **(e) Client.** A client pinned to the chain fetches round 6 and
# verifies it itself:

# %%
network.run_until(network.info.time_of_round(6) + 0.5)  # round 6 is out, even on a network made again
server = keep_running("node 0's API", serve_node(daemon, network.now))  # stopped when the kernel stops
with urllib.request.urlopen(server.url + "/public/6", timeout=5) as answer:
    served = json.loads(answer.read())
print("API JSON:", {k: (v[:16] + "…" if isinstance(v, str) else v) for k, v in served.items()})
client = Client(server.url, chain_hash=network.info.hash_hex, retries=0)
print("client verified round", client.get(6).round, "· randomness", client.get(6).randomness.hex()[:16] + "…")

# %% [markdown]
# ## 4. Where each layer stops
#
# Verification happens **twice**: in the beacon process before storing, and in the client after fetching.
# The store stack checks order and links, **not signatures**, and the API trusts the store — which keeps them
# simple and fast, and is safe because a client never trusts them. Watch: we put a wrong beacon *directly*
# into a backend, under the stack (as a disk fault or an attacker with file access could). The backend takes
# it, the API serves it, the client refuses it:

# %%
from drand_edu.store import MemoryStore

network.run_until(network.info.time_of_round(6) + 0.5)  # as above: round 6 is out
process = daemon.process  # node 0's, of the network made above
tampered = MemoryStore()  # drand's memdb: a ring of the last 2000 beacons
for beacon in process.store.cursor():
    if beacon.round != 6:
        tampered.put(beacon)
tampered.put(Beacon(6, process.store.get(2).signature, beacon_6.previous_signature))  # a real signature, wrong round
daemon.stop_api()
honest_store, process.store = process.store, tampered
try:
    tampered_api = serve_node(daemon, network.now)
    with urllib.request.urlopen(tampered_api.url + "/public/6", timeout=5) as answer:
        print("the API serves it:", answer.status)
    fresh_client = Client(tampered_api.url, chain_hash=network.info.hash_hex, retries=0)
    with drand_edu.expect_error(ClientError):
        fresh_client.get(6)
finally:  # the honest store back under the node, so that the cells above still work when run again
    network.stop_apis()
    process.store = honest_store

# %% [markdown]
# That is also why a node's own store is checked when in doubt (`check_store`, session 7), and why a node
# that syncs history from a peer verifies every beacon (session 7): no layer trusts data that crossed a
# boundary it does not control.

# %% [markdown]
# **Try it.** Which layer would you change to let a client *without* the chain hash still be safe? (Hint:
# where does the client get the public key from, and who could lie about it?)

# %% [markdown] tags=["try-answer"]
# **Answer.** None of the node's layers: the fix is in the client. A client without the chain hash takes
# the public key from the chain info that the same node serves (`/info`), so a lying node serves its own
# key with beacons signed by it, and every check passes. The client must get the key, or the chain hash
# that covers it, from somewhere the node does not control: the chain hash is SHA-256 over the period,
# genesis time, public key, genesis seed (and beacon id)
# ([`Info.Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L42-L64)),
# so a hash pinned out of band (the League's published hash, a config file) makes a served `/info` with
# another key fail before any beacon is trusted. Stronger stores or APIs on the node cannot help: the
# client must not have to trust them (section 4).

# %% [markdown]
# ### Break it yourself: a control panel over a network
#
# A fresh simulated network of four nodes (threshold 3) and a panel over it: kill or restart a node, split
# the network in two, slow a node's links, let the clock run — and watch each node's head against the round
# the clock says is due, the newest beacons, and the lagging alert of session 6. The cell below plays one
# scenario with the panel's methods (the picture is its end state); the widget under it gives the same
# actions as buttons, for breaking the network live.

# %%
from drand_edu.viz.panel import NetworkPanel

panel = NetworkPanel(LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng('panel-05')))
panel.advance(3)
panel.kill(3)
panel.advance(4)
print(panel.text())
panel.figure()
plt.show()

# %%
panel.widget()

# %% [markdown]
# ## Exercises
#
# Five exercises, in the rhythm of the course: look (Explore), build (Implement), attack (Break), and read
# drand's own code (Connect). Each check cell says "correct" or "not yet" with a hint; stuck, ask for the
# next hint with `drand_edu.exercises.hint("<name>")` (the name is given with each exercise).

# %% [markdown]
# ### Exercise 1 (Explore) — the first layer that says no
#
# `scratch_stack()` gives a fresh store stack — the four layers of section 1 over a memory backend —
# holding rounds 0-4 of a small chained chain, and `stack_writes(stack)` six writes built from its last
# beacon (round 4) and its round 2:
#
# | write | round | signature | previous signature |
# |---|---|---|---|
# | a | last + 3 | round 2's | the last one's |
# | b | last + 1 | round 2's | round 2's |
# | c | the last beacon again | | |
# | d | last + 1 | 96 zero bytes | the last one's |
# | e | last | round 2's | the last one's previous |
# | f | last + 2 | round 2's | round 2's |
#
# For each write, which layer refuses it **first** — `"CallbackStore"`, `"AppendStore"`, `"SchemeStore"`
# or `"DiscrepancyStore"` — or `None` if the stack stores it? Predict, then try each one on its *own*
# fresh stack (a write that is stored changes the last beacon): the message, and the traceback's last
# `put`, tell you who refused. Stuck? `drand_edu.exercises.hint("first_refusal")`.

# %%
from drand_edu.exercises import scratch_stack, stack_writes

stack = scratch_stack()
print(" → ".join(stack.layers()))
for name, write in stack_writes(stack).items():
    print(name, write)

first_no = None  # your answer: {"a": "AppendStore" or "SchemeStore" or ... or None, "b": ..., ..., "f": ...}

# %%
drand_edu.exercises.check_first_refusal(first_no)


# %% tags=["solution"]
def who_refuses(letter):
    """Write one of the six on a fresh stack; the refusal's message, or None when it was stored."""
    fresh = scratch_stack()
    try:
        fresh.put(stack_writes(fresh)[letter])
    except StoreError as refusal:
        return f"{type(refusal).__name__}: {refusal}"
    return None


for letter in "abcdef":
    print(letter, who_refuses(letter))
# "invalid round" and "already stored" / "refusing to fork" come from AppendStore (it sits above SchemeStore,
# so f's gap is seen before its broken link); "invalid previous signature" from SchemeStore; d is stored.
first_no = {"a": "AppendStore", "b": "SchemeStore", "c": "AppendStore", "d": None, "e": "AppendStore",
            "f": "AppendStore"}  # fmt: skip
drand_edu.exercises.check_first_refusal(first_no)


# %% [markdown]
# ### Exercise 2 (Implement) — what a package depends on
#
# Write `my_depends_on(graph, package)` returning the set of every package `package` imports, directly
# or through others (`graph` maps a package to the set it imports directly, like `import_graph()`). That
# is everything a bug in a lower layer can break above it. Python allows import cycles, and the checker's
# graphs have some: a package in a cycle depends on itself, and your walk must still end.
# Stuck? `drand_edu.exercises.hint("depends_on")`.

# %%
def my_depends_on(graph, package):
    ...  # your code


# %%
drand_edu.exercises.check_depends_on(my_depends_on)


# %% tags=["solution"]
def my_depends_on(graph, package):
    seen, todo = set(), list(graph.get(package, ()))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(graph.get(dep, ()))
    return seen


drand_edu.exercises.check_depends_on(my_depends_on)


# %% [markdown]
# ### Exercise 3 (Implement) — the layering test
#
# Write the rule that `tests/test_layers.py` enforces: `my_upward_imports(graph, layers)`, where `layers`
# lists the intended layers **from the bottom up**, each a set of package names, e.g.
# `[{"crypto"}, {"threshold"}, {"chain", "tlock"}, {"net", "store", "node"}, {"api", "client"}, {"cli"}]`.
# Return the set of pairs `(importer, imported)` in which a package imports one of a *higher* layer.
# Imports inside one layer are allowed, and packages in no layer (helpers such as `errors`) may be imported
# by anyone. The checker tries the real graph, the real graph on the day `crypto` imports `node`, and
# random ones. Stuck? `drand_edu.exercises.hint("upward_imports")`.

# %%
def my_upward_imports(graph, layers):
    ...  # your code


# %%
drand_edu.exercises.check_upward_imports(my_upward_imports)


# %% tags=["solution"]
def my_upward_imports(graph, layers):
    where = {package: height for height, layer in enumerate(layers) for package in layer}
    return {
        (package, dep)
        for package, deps in graph.items()
        for dep in deps
        if package in where and dep in where and where[dep] > where[package]
    }


drand_edu.exercises.check_upward_imports(my_upward_imports)


# %% [markdown]
# ### Exercise 4 (Break) — a forgery the whole stack accepts
#
# Section 4 slid a wrong beacon in *under* the stack. Now go through the front door: write
# `my_forgery(stack, published)` returning a **forgery** for the round after the node's last one, where a
# forgery is a `Beacon` that
#
# 1. the node's whole store stack accepts (`stack.put` raises nothing),
# 2. looks well-formed: its signature decodes as a point of G2, as every real signature of this scheme
#    does — 96 random bytes do not, and
# 3. is not the real beacon: it does not verify with the chain's public key.
#
# `stack` is the node's stack (chained scheme); `published` is the real chain as anyone can download it,
# rounds 1, 2, … (a few rounds further than the node). The checker tries your function on two fresh chains
# with the node at different rounds, then serves your beacon over the API to a verifying client.
# Stuck? `drand_edu.exercises.hint("store_trusts_its_caller")`.

# %%
def my_forgery(stack, published):
    ...  # your code: return Beacon(round=..., signature=..., previous_signature=...)


# %%
drand_edu.exercises.check_store_trusts_its_caller(my_forgery)


# %% tags=["solution"]
def my_forgery(stack, published):
    last = stack.last()
    # the right round and the right link pass append and scheme; round 1's real signature is a fine point
    # of G2, but it signs round 1's message, not this round's
    return Beacon(round=last.round + 1, signature=published[0].signature, previous_signature=last.signature)


drand_edu.exercises.check_store_trusts_its_caller(my_forgery)

# %% [markdown]
# ### Exercise 5 (Connect) — where drand's aggregator writes
#
# Open drand's
# [`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301)
# (`internal/chain/beacon/chainstore.go`): the loop that collects partials and recovers beacons.
#
# 1. Once the recovered signature has been verified, which method of `chainStore` does it hand the new
#    beacon to — the one that then calls the store stack's `Put`? Set `writer` to its name.
# 2. A partial of round `last + k` (`last` = the last stored round) is kept in the aggregator's cache only
#    while k is small enough. What is the largest k it keeps? Set `furthest_ahead`.
#
# Stuck? `drand_edu.exercises.hint("aggregator_writes")`.

# %%
writer = None  # your answer: a method name
furthest_ahead = None  # your answer: a number

# %%
drand_edu.exercises.check_aggregator_writes(writer, furthest_ahead)

# %% tags=["solution"]
writer = "tryAppend"  # c.tryAppend(ctx, lastBeacon, newBeacon), which calls c.Put (the callback store)
furthest_ahead = 4  # isNotTooFar: pRound <= lastBeacon.Round + partialCacheStoreLimit + 1, the limit is 3
drand_edu.exercises.check_aggregator_writes(writer, furthest_ahead)

# %% [markdown]
# ## Deep dive: waiting, streaming and storing inside a node
#
# *Beyond the 45-minute core: for the question time or at home.* Four pieces of drand's node that the
# journey of §3 passed quickly: how the API waits for the next round, the stream of new beacons behind
# it, how the store is chosen and filled at start, and how a trimmed store gives back a previous signature.
# The cells use a small network of their own (node 0 on memdb, the others on SQLite).

# %%
from drand_edu.net.messages import BeaconPacket, SyncRequest
from drand_edu.node.sync import serve_sync, stop_serving
from drand_edu.store import SQLiteStore, new_chain_store

deep = LocalNetwork.create(4, 3, "pedersen-bls-chained", period=3, rng=drand_edu.seeded_rng("deep-05"),
                           db=["memdb", "sqlite", "sqlite", "sqlite"])  # fmt: skip
deep.run_rounds(4)
print("heads:", deep.heads(), "· backends:", [type(p.backend).__name__ for p in deep.processes])

# %% [markdown]
# ### `PublicRand`'s wait
#
# [`PublicRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L45-L121)
# (the gRPC call behind the HTTP API) reads the last stored beacon (L57-L58). When the request is for the
# round after it, it does not answer "not found": it registers a **one-shot callback** on the store stack
# under a random id (L59-L88); the callback removes itself at once and hands over the beacon if it is the
# wanted round, or closes the channel if something else came (L72-L87). The request then waits for the
# beacon, for its own end, or for a period plus one second, whichever comes first (L89-L105). The HTTP
# handler in front of it waits the same way: its
# [`getRand`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L309-L379)
# puts each request for the next round on a `pending` list (L322-L361), and
# [`watchWithTimeout`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/handler/http/server.go#L217-L270)
# hands every new beacon to all the waiters at once and starts a new list (L253-L268). Ours:
# `PublicAPI._get` and its `_Waiters`: one callback on the served stack, a list of waiters. drand's HTTP
# waiter waits until the beacon comes or the client goes away; ours gives up after a period plus one
# second, since our server has few worker threads. Below, a request for the next round waits while that
# round is produced:

# %%
import threading

from drand_edu.api import ServedChain
from drand_edu.api.server import PublicAPI

store_1 = deep.processes[1].store  # node 1's store stack
next_round = store_1.last_round() + 1
api = PublicAPI([ServedChain(deep.info, store_1)], deep.now, wait=30)
answer = []
waiting = threading.Thread(target=lambda: answer.append(api.handle(f"/public/{next_round}")[0]))
waiting.start()
while waiting.is_alive() and not any(name.startswith("http-api") for name in store_1.callbacks()):
    waiting.join(0.01)  # until the request is on the list of waiters
print("while it waits, node 1's stack has a callback of the API:",
      any(name.startswith("http-api") for name in store_1.callbacks()))  # fmt: skip
deep.run_rounds(1)  # the round is made and stored: the callback wakes the request
waiting.join(30)
api.close()
print(f"the request for round {next_round} was answered {answer} · node 1's head: {store_1.last_round()}")

# %% [markdown]
# ### `PublicRandStream`
#
# [`PublicRandStream`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_public.go#L148-L165)
# is the public twin of the peers' sync: it wraps the request and calls the same
# [`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L546-L653).
# That sends the stored beacons from the requested round (L586-L616, skipped when the round is 0), then
# registers a callback `SyncChain-<address>` that sends every new beacon as it is stored (L618-L643),
# until the client goes away; a second stream from the same address replaces the first (the old callback
# is told `closed` and its call returns, L632-L636). drand's HTTP server reads its own node through
# exactly this: its local client's
# [`Watch`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_proxy.go#L49-L59)
# opens `PublicRandStream` from round 0, new beacons only, and that stream feeds the waiters above. Ours
# is `drand_edu.node.sync.serve_sync` (our HTTP API has no gRPC stream; its waiters hook the store's
# callbacks directly):

# %%
sent = []
serve_sync(store_1, "learner", SyncRequest(3, deep.info.beacon_id), sent.append)
print("history sent at once:", [m.round for m in sent])
deep.run_rounds(2)
print("then, as they were stored:", [m.round for m in sent if isinstance(m, BeaconPacket)][-2:])
stop_serving(store_1, "learner")  # the client went away: the callback is removed

# %% [markdown]
# ### `createDBStore`
#
# [`createDBStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L359-L400)
# picks the bare backend from `--db`: bolt (a new file is trimmed), memdb (a ring of `--memdb-size`
# beacons in memory) or postgres (L372-L396), and for the default chained scheme marks the context so
# that the store rebuilds previous signatures (L367-L370, the next part). The bare store goes to
# [`newBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L402-L454):
# for memdb only, it first calls
# [`storeCurrentFromPeerNetwork`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L508-L565)
# (L428-L440), which asks the peers for the current round, verifies it and puts it into the empty ring;
# then `NewHandler` puts the genesis beacon and builds the stack over the store. drand refuses to start
# the node when that beacon does not verify; our simulated start skips it and starts from the genesis
# beacon. Ours: `node.network.backend` picks the backend; `LocalNetwork.restart` does the memdb start
# (`_store_current_from_peers`). Node 0 (memdb) crashes and comes back:

# %%
deep.crash(0)
deep.run_rounds(2)
deep.restart(0)
print("node 0 (memdb) after its restart holds rounds", [b.round for b in deep.processes[0].store.cursor(0)])
deep.run_rounds(1)
print("a round later:", [b.round for b in deep.processes[0].store.cursor(0)],
      "· node 1 (SQLite) holds rounds 0 to", deep.processes[1].head())  # fmt: skip

# %% [markdown]
# Its history is gone for good: round 3 is not on node 0 any more, and its API would answer a 500 for it.
#
# ### The trimmed store's `requiresPrevious`
#
# A trimmed bolt store keeps one key per round, round → signature
# ([`trimmedStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L98-L123)).
# On the chained scheme the previous signature of round r is the signature of round r − 1, so when the
# context said so at creation (`requiresPrevious`,
# [`newTrimmedStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L33-L62))
# [`getBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L178-L215)
# reads round r − 1 as well and puts its signature in `PreviousSig` (L196-L212); the cursor does the same
# ([`getCursorBeacon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L332-L365)).
# If round r − 1 is missing, drand answers "no beacon stored" for round r itself. Ours (`SQLiteStore`,
# trimmed by default) rebuilds the previous signature the same way, but **where round r − 1 is missing it
# gives round r back with an empty previous signature**, so that `check_store` (session 7) can name the
# broken link instead of losing the round:

# %%
import contextlib
import sqlite3
import tempfile
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    trimmed = SQLiteStore(Path(folder) / "chain.db", genesis_seed=deep.info.genesis_seed, chained=True)
    stack = new_chain_store(deep.info, trimmed)
    for beacon in deep.processes[1].store.cursor(1, 4):
        stack.put(beacon)
    with contextlib.closing(sqlite3.connect(Path(folder) / "chain.db")) as raw:  # the file, read directly
        rows = raw.execute("SELECT round, length(signature), previous_signature FROM beacons").fetchall()
    print("rows (round, bytes of signature, previous signature):", rows)
    linked = trimmed.get(3).previous_signature == trimmed.get(2).signature
    print("round 3's previous signature is round 2's signature:", linked)
    trimmed.delete(2)  # round 2 lost (a damaged file)
    print("round 2 gone: round 3's previous signature is now", trimmed.get(3).previous_signature)
    trimmed.close()

# %% [markdown]
# ## In drand's source
#
# | here | drand |
# |---|---|
# | `Daemon` | `internal/core/drand_daemon.go` (`DrandDaemon`), one `BeaconProcess` per beacon id |
# | `BeaconProcess` | `internal/core/drand_beacon.go`, `internal/chain/beacon/node.go` (`Handler`), `internal/chain/beacon/chainstore.go` |
# | `FileStore` (key store) | `common/key/store.go` (`fileStore`), `common/key/keys.go` |
# | `Vault` | `crypto/vault/vault.go` (`Vault`, `SignPartial`, `SetInfo`) |
# | `ChainStore`, store stack | `internal/chain/store.go` (`Store`), `internal/chain/beacon/store.go` (the layers), `internal/chain/boltdb/store.go` |
# | `SyncManager` | `internal/chain/beacon/sync_manager.go` |
# | `api.serve_node` | `handler/http/server.go` (`DrandHandler`) |
# | `Client` | `drand/go-clients` `client/http`, `drand/drand-client` (JS) |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **7 min** · 1. The layers, from the code — `plot_architecture()`: our import graph in levels; ask where
#   tlock sits and why it needs no node code.
# - **7 min** · 2. A node is a daemon — `LocalNetwork.create(...)` and `run_rounds(3)`; map the daemon's parts
#   to session 1's commands: `start` and `show` are drand's, reading a beacon is the client's (`drand-edu
#   client get`, after go-clients' `drand-client get`: drand v2's CLI has no `get`).
# - **20 min** · 3. One beacon's journey — Round 6 cell by cell, drawn on the board as a swim-lane diagram:
#   the message, node 0's partial, the arrivals, the store stack, then `/public/6` served. Keep it whole: it
#   is the session.
# - **7 min** · 4. Where each layer stops — The tampered store is the moment: the API serves it (200) and only
#   the client refuses it; ask who would notice without the client.
# - **3 min** · Recap — The recap, and where the layers live in drand's source.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Exercises — Questions: the clock-drift answer sits in section 3; the deep dive (`PublicRand`'s
#   wait, `PublicRandStream`, `createDBStore`, the trimmed store's `requiresPrevious`) answers how a node
#   waits, streams and stores, and what a memdb node loses.
# - **24 min** · Exercises — Pairs: Exercise 1 (Explore: the first layer that says no), then Exercise 4
#   (Break: a forgery the whole stack accepts; stuck pairs go back to Exercise 1); Exercise 5 (Connect:
#   `runAggregator`) together on the projector if time is left; 2 and 3 (Implement) as homework.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - Layers import only downwards; the picture and a test come from the code itself.
# - A daemon owns a node's key store, beacon process (signing through its vault), store, metrics and public API.
# - A beacon: partials (verified on arrival) → network → recovery + verification → store stack → API →
#   client verification.
# - The store stack keeps the chain in order (append, scheme) and measured (discrepancy); it does not check
#   signatures. The beacon process, the sync manager and the client verify.
# - New beacons go down the stack; the genesis beacon, a memdb node's first beacon at start and a
#   re-sync's corrections go straight into the backend. A memdb node loses its beacons when it stops.
# - A request for the next round waits on a list of waiters woken by the stack's callback; it does not poll.
#
# Next: [Session 6 — Networking and monitoring](06_networking_and_monitoring.ipynb).
