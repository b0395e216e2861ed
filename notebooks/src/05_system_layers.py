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
#    signatures — and where the sync manager writes.

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
from drand_edu.viz.layers import import_graph, layer_levels, plot_architecture

plot_architecture()
plt.show()
levels = layer_levels(import_graph())
for level in sorted(set(levels.values())):
    print(level, sorted(p for p, lvl in levels.items() if lvl == level))

# %% [markdown]
# Read it bottom-up: `crypto` (curves, BLS) → `threshold` (shares, DKG) and `chain` (beacons, verification)
# → `store` and `net` → `node` (beacon process, sync, daemon) → `api` and `client` → `cli`. A test keeps it
# that way: the day a low layer imports a high one, `make test` fails.

# %% [markdown]
# Inside the `node` box, two parts *write* beacons: the **aggregator** of the beacon process (t partials →
# one signature) and the **sync manager** (beacons fetched from peers). Neither writes into the database
# directly. As in drand, every write goes down a **store stack** — four thin layers, each a store itself,
# over the backend. drand builds it in
# [`newChainStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L51-L73)
# (discrepancy, then scheme, then append, then callbacks, from the inside out) and hands the finished
# stack to its `SyncManager`, so synced beacons pass the same checks; ours is
# `drand_edu.store.new_chain_store`, and `BeaconProcess` builds it when it starts. Who listens at the top
# (the callbacks) is how a node keeps a sync stream to a peer going: session 7.

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

# %%
network = LocalNetwork.create(4, 3, "pedersen-bls-chained", period=3, rng=rng)
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
network.advance(0.5)
arrivals = sorted(e.delivered - network.info.time_of_round(6) for e in network.sim.trace
                  if e.round == 6 and e.delivered is not None)
print(f"{len(arrivals)} partials of round 6 delivered, the last {arrivals[-1] * 1000:.0f} ms after the round time")
beacon_6 = process.store.get(6)
print("stored on every node, identical:", all(p.store.get(6) == beacon_6 for p in network.processes))
late_ms = process.metrics.series("beacon_discrepancy_latency")[1][-1]
print(f"node 0's beacon_discrepancy_latency for it: {late_ms:.0f} ms")

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
# **(d) Public API.** The daemon serves its store over drand's HTTP API. **(e) Client.** A client pinned to
# the chain fetches round 6 and verifies it itself:

# %%
server = serve_node(daemon, network.now)
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

tampered = MemoryStore()  # drand's memdb: a ring of the last 2000 beacons
for beacon in process.store.cursor():
    if beacon.round != 6:
        tampered.put(beacon)
tampered.put(Beacon(6, process.store.get(2).signature, beacon_6.previous_signature))  # a real signature, wrong round
daemon.stop_api()
process.store = tampered
server = serve_node(daemon, network.now)
with urllib.request.urlopen(server.url + "/public/6", timeout=5) as answer:
    print("the API serves it:", answer.status)
fresh_client = Client(server.url, chain_hash=network.info.hash_hex, retries=0)
with drand_edu.expect_error(ClientError):
    fresh_client.get(6)
network.stop_apis()

# %% [markdown]
# That is also why a node's own store is checked when in doubt (`check_store`, session 7), and why a node
# that syncs history from a peer verifies every beacon (session 7): no layer trusts data that crossed a
# boundary it does not control.

# %% [markdown]
# **Try it.** Which layer would you change to let a client *without* the chain hash still be safe? (Hint:
# where does the client get the public key from, and who could lie about it?)

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

# %% [markdown]
# ### Exercise 1 (Implement) — what a package depends on
#
# Write `my_depends_on(graph, package)` returning every package `package` imports, directly or through
# others (`graph` maps a package to the set it imports directly, like `import_graph()`).

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
# ### Exercise 2 (Implement) — stack the layers
#
# Write `my_levels(graph)`: level 0 for a package that imports nothing, otherwise one more than the highest
# level among its imports. (That is how the picture of section 1 is laid out.)

# %%
def my_levels(graph):
    ...  # your code


# %%
drand_edu.exercises.check_layer_levels(my_levels)


# %% tags=["solution"]
def my_levels(graph):
    levels = {}

    def level(package):
        if package not in levels:
            levels[package] = 1 + max((level(dep) for dep in graph[package]), default=-1)
        return levels[package]

    for package in graph:
        level(package)
    return levels


drand_edu.exercises.check_layer_levels(my_levels)

# %% [markdown]
# ### Exercise 3 (Break) — the store trusts its caller
#
# Build `forged`, a `Beacon` of round 4 that is not the real one. The checker writes it into a node's store,
# serves it over the API, and asks a verifying client for round 4: it must be refused.

# %%
forged = None  # your code: Beacon(4, signature_bytes, previous_signature_bytes)

# %%
drand_edu.exercises.check_store_trusts_its_caller(forged)

# %% tags=["solution"]
forged = Beacon(4, bytes(range(96)), bytes(96))  # any bytes: nobody checks them until the client does
drand_edu.exercises.check_store_trusts_its_caller(forged)

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
# **Instructor notes.** For the 45-minute session (+ 30 of questions) follow the minutes per section,
# the cuts and the live-coding script in `docs/instructor-guide.md`; the minutes below (≈60 in all) are for
# an unhurried run, e.g. a workshop.
#
# - 10 min — the architecture picture: ask where *tlock* sits and why it needs no node code.
# - 10 min — the daemon's layers; map each to a drand CLI command of session 1 (`start`, `show`, `get`).
# - 25 min — the journey, cell by cell; draw it on the board as a swim-lane diagram.
# - 10 min — where layers stop: the tampered store is the moment; ask who would notice without the client.
# - Exercises 1 and 3 in class; 2 as homework.

# %% [markdown]
# ## Recap
#
# - Layers import only downwards; the picture and a test come from the code itself.
# - A daemon owns a node's key store, beacon process (signing through its vault), store, metrics and public API.
# - A beacon: partials (verified on arrival) → network → recovery + verification → store stack → API →
#   client verification.
# - The store stack keeps the chain in order (append, scheme) and measured (discrepancy); it does not check
#   signatures. The beacon process, the sync manager and the client verify.
#
# Next: [Session 6 — Networking and monitoring](06_networking_and_monitoring.ipynb).
