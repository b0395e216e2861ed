# %% [markdown]
# # Session 7 — Storage and sync
#
# A drand node is only as good as the history it keeps: it must store every beacon, never a wrong one, and
# a node that joins late — or comes back after a crash — must fetch and *verify* everything it missed.
# This session follows drand's code from the database up: the backends (a bounded in-memory ring, an
# embedded file trimmed by default), the store stack a node's writes go through (and the few that skip it),
# how a node catches up at start and notices later that it is behind, syncing from peers it does not rank,
# and how a store is checked and repaired.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 60 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. what drand's backends keep: memdb, a ring of the last N beacons, and an embedded store, *trimmed* by
#    default, that drops every previous signature of a chained chain;
# 2. the store stack a node writes through (append, scheme, discrepancy, callbacks) and what it refuses;
# 3. when a running node decides it is behind, and how its sync manager tries peers one at a time;
# 4. what a memdb node cannot serve, and how a check finds gaps and corrupted rows and a repair fixes them.

# %% [markdown]
# ## Setup

# %%
from pathlib import Path

import matplotlib.pyplot as plt

import drand_edu
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.crypto import bls, scheme_by_id
from drand_edu.store import (
    MemoryStore,
    SQLiteStore,
    StoreSource,
    check_past_beacons,
    check_store,
    new_chain_store,
    repair,
)
from drand_edu.errors import StoreError
from drand_edu.notebook import temporary_folder
from drand_edu.store.stack import BeaconAlreadyStored

rng = drand_edu.notebook_setup(seed=2024)
workdir = temporary_folder("session7-", reuse=True)  # removed when the kernel stops; run again: the same

# %% [markdown]
# ## 1. A chain to store
#
# We need a few thousand rounds of a **chained** chain (mainnet's scheme). A threshold network produces
# them as in sessions 4-6; here a single key signs them, which is faster and gives the same kind of chain
# (a verifier cannot tell the difference: it only sees the group key).

# %%
scheme = scheme_by_id("pedersen-bls-chained")
keys = bls.keygen(scheme, rng=drand_edu.seeded_rng("session7-chain"))  # the same chain each time it runs
info = ChainInfo(public_key=keys.public.to_bytes(), period=30, genesis_time=1_595_431_050,
                 genesis_seed=bytes(32), scheme=scheme)
chain, previous = [], info.genesis_seed
for round_number in range(1, 2001):
    signature = bls.sign(scheme, keys.secret, scheme.digest(round_number, previous))
    chain.append(Beacon(round_number, signature, previous))
    previous = signature
print(f"{len(chain)} rounds of chain {info.hash_hex[:16]}…; round 2000 links to round 1999:",
      chain[-1].previous_signature == chain[-2].signature)

# %% [markdown]
# ## 2. Backends side by side
#
# drand's store interface,
# [`Store`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/store.go#L15-L26) (`Put`, `Get`, `Last`, `Cursor`,
# `Len`, `Del`...), is our `ChainStore`. drand has three backends (`--db bolt|postgres|memdb`); we have two:
#
# - **`MemoryStore`** — drand's **memdb**: a sorted buffer of the *last N beacons* only. drand's
#   [`NewStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/memdb/store.go#L26-L37) refuses a buffer under
#   10 beacons, and its [`memDBSizeFlag`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L283-L288)
#   (`--memdb-size`) defaults to 2000. Every write cuts the oldest beyond N off: nothing on disk, no history.
#   A memdb node that restarts starts empty and takes only the current round from its peers (notebook 05 §2).
# - **`SQLiteStore`** — our stand-in for **bolt**, drand's default: one embedded file, one row per round.
#   A new store is **trimmed**, as drand v2's
#   [`NewBoltStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/store.go#L57-L100) makes it; an
#   existing one keeps the form it has (`trimmed=False` asks for the old, untrimmed form).
#
# The `drand_node_db` metric says which one a node runs: drand's
# [`DrandStorageBackend`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L220-L224) gauge, with
# its codes 1 = bolt-trimmed, 3 = memdb, 4 = bolt-untrimmed (our SQLite reports 1 or 4, labelled
# `sqlite-trimmed` or `sqlite-untrimmed`).

# %%
from drand_edu.node.metrics import NodeMetrics

for old in [*workdir.glob("full.db*"), *workdir.glob("trimmed.db*")]:
    old.unlink()  # run again (perhaps after a new chain above), this cell starts from empty files
stores = {
    "memdb (size 2000)": MemoryStore(),
    "sqlite, untrimmed": SQLiteStore(workdir / "full.db", trimmed=False),
    "sqlite (trimmed)": SQLiteStore(workdir / "trimmed.db", genesis_seed=info.genesis_seed),
}
for name, store in stores.items():
    if isinstance(store, SQLiteStore):
        store.put_many(chain)  # one transaction for the whole batch
    else:
        for beacon in chain:
            store.put(beacon)
    print(f"{name:18} {len(store)} beacons, last round {store.last_round()}, round 1234 intact:",
          store.get(1234) == chain[1233], f"· drand_node_db = {store.metric_code} ({store.db_type})")

# %% [markdown]
# A memdb is a ring: give it 10 beacons of room (drand's minimum) and it forgets all but the last 10.

# %%
ring = MemoryStore(10)
for beacon in chain[:25]:
    ring.put(beacon)
print(ring, "· rounds kept:", [b.round for b in ring.cursor()])
print("round 5 still there?", 5 in ring)
with drand_edu.expect_error(StoreError):
    MemoryStore(5)

# %% [markdown]
# ## 3. Trimmed storage
#
# On a chained chain, round $r$'s `previous_signature` **is** round $r-1$'s signature: storing it again
# doubles the size for nothing. drand's trimmed store keeps only round → signature
# ([`trimmedStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L100-L123) writes the
# signature alone) and rebuilds the link when reading; round 1 links to round 0, the genesis beacon whose
# "signature" is the genesis seed. That is why it needs a chain without gaps.

# %%
sizes = {}
for name in ("sqlite, untrimmed", "sqlite (trimmed)"):
    store = stores[name]
    store.close()  # flush the write-ahead log into the file
    sizes[name] = sum(p.stat().st_size for p in workdir.glob(store.path.name + "*"))
    print(f"{name:18} {sizes[name] / 1024:7.0f} KiB, {sizes[name] / len(chain):5.0f} bytes per beacon")
fig, ax = plt.subplots(figsize=(6, 2.6))
ax.barh(list(sizes), [s / 1024 for s in sizes.values()], color=["tab:blue", "tab:green"])
ax.set_xlabel("KiB on disk for 2,000 chained beacons")
plt.show()
trimmed = SQLiteStore(workdir / "trimmed.db", genesis_seed=info.genesis_seed)
print("opened again:", trimmed, "· a trimmed read gives the full beacon back:", trimmed.get(777) == chain[776])

# %% [markdown]
# ### Asked in the room: bolt or postgres — sizes, and moving between them
#
# - **bolt, trimmed** (drand v2's default for a new file): key = the round as 8 big-endian bytes, value =
#   the signature alone, 96 bytes on mainnet, 48 on quicknet
#   ([`trimmedStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/trimmed.go#L100-L123)).
# - **bolt, untrimmed** (a file an older drand made):
#   [`BoltStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/store.go#L173-L202) stores
#   `beacon.Marshal()`, a JSON object with both signatures in hex: about 440 bytes per mainnet round.
#   [`NewBoltStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/boltdb/store.go#L57-L100) keeps the form a file has.
# - **postgres**: one row `(beacon_id, round, signature)` in `beacon_details`; the schema's migration
#   1.04 [drops the `previous_sig` column](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/postgresdb/schema/schema.sql#L26-L29),
#   so it is trimmed too (plus PostgreSQL's per-row overhead and the primary-key index). Its
#   [`Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/postgresdb/pgdb/pgdb.go#L150-L181) is `INSERT … ON CONFLICT DO
#   NOTHING`: a round already there is never overwritten (bolt's `Put` overwrites).
#
# **Migration:** at the pinned commit drand has no tool that copies a chain from one backend to another.
# `drand util backup` copies a bolt file only (postgres' and memdb's
# [`SaveTo`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/postgresdb/pgdb/pgdb.go#L349-L355) answer "not implemented"). An
# operator starts the node with the new `--db` (and `--pg-dsn`) over an empty store, and the start-up
# catch-up (§5) syncs the whole chain from the group, each beacon verified; an untrimmed bolt file
# becomes trimmed the same way: move `drand.db` away and let the node sync again.

# %% [markdown]
# ## 4. The store stack: what a node's writes go through
#
# A drand node's beacons reach its backend through layers, each a `Store` itself, which
# [`newChainStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L51-L89) stacks over the
# backend (outermost first: callbacks, append, scheme, discrepancy; `internal/chain/beacon/store.go`):
#
# - [`appendStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L58-L88): the round must
#   be the last one + 1; the very same beacon again is "already stored" (harmless), another one is refused;
# - [`schemeStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L112-L140): on the chained
#   scheme, the previous signature must equal the last stored signature (on unchained ones it is dropped);
# - `discrepancyStore.Put`: the metrics (session 6); `callbackStore.Put`: tell whoever listens.
#
# Ours are `AppendStore`, `SchemeStore`, `DiscrepancyStore` and `CallbackStore`, stacked by
# `new_chain_store(info, backend)`. The stack does **not** check signatures: whoever calls `put` verified
# the beacon already. It keeps the chain in order.
#
# ### Three writes that skip the stack
#
# - The **genesis beacon** (round 0, the genesis seed as its signature) goes straight into the backend:
#   [`NewHandler`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L71-L94) puts it before stacking the
#   layers, so the append layer always has a "last".
# - The sync manager holds the stack *and* the raw backend, its `insecureStore`
#   ([`newChainStore`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L51-L84) passes
#   `BoltdbStore: store`). A normal sync writes through the stack; a **re-sync** of faulty rounds (§7)
#   writes each verified beacon into the raw backend
#   ([`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L480-L502)).
# - **Follow mode** (`drand sync --follow`) builds a reduced stack: the genesis beacon directly, then
#   only the scheme and callback layers — no append layer, no discrepancy layer
#   ([`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L355); §6 says what
#   that changes).

# %%
node_store = new_chain_store(info, MemoryStore())
print(" → ".join(node_store.layers()))
print("round 0:", node_store.get(0).round, "· its signature is the genesis seed:",
      node_store.get(0).signature == info.genesis_seed)
for beacon in chain[:5]:
    node_store.put(beacon)
with drand_edu.expect_error(StoreError):
    node_store.put(chain[6])  # round 7 after round 5: a gap
with drand_edu.expect_error(StoreError):
    node_store.put(Beacon(6, chain[5].signature, chain[3].signature))  # round 6 on top of round 4's signature
with drand_edu.expect_error(BeaconAlreadyStored):
    node_store.put(chain[4])  # round 5 again: "already stored", which callers treat as done
print("last round:", node_store.last_round())

# %% [markdown]
# ## 5. A running node falls behind, and syncs
#
# Three paths ask the sync manager for a sync. **At start**, drand's daemon starts a loaded beacon with
# [`StartBeacon(ctx, true)`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L405-L417), whose
# [catch-up branch](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon.go#L179-L189) calls
# [`Handler.Catchup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L277-L286): it starts the round loop
# at the next round's time and asks for a sync **up to that next round**, from every node of the group.
# Ours: `BeaconProcess.catchup()`, which `net.restart(3)` below calls.
#
# Later, a running node does not notice it is behind by asking around: drand's
# [`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L388-L424) checks at every tick
# whether `last + 1 < current round`, and the aggregator notices when it recovers a beacon *ahead* of its
# chain (`shouldSync`). Either asks for a sync up to that round. The sync manager
# ([`SyncManager.Sync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L341-L368))
# then tries the group's nodes **one at a time, in shuffled order** — it has no idea who is ahead — and
# with each ([`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L375-L524))
# opens a stream from its last round + 1, verifies each beacon and puts it through the stack. A peer that
# stays silent is abandoned when a new request comes and nothing arrived for two periods
# ([`SyncManager.Run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L132-L197)).
# Ours: `drand_edu.node.sync.SyncManager`, fed by `BeaconProcess.tick` and `_new_valid_partial`.
#
# Below, node 3 of four is down for six rounds, and node 0 runs a memdb of 10 beacons.
# The log is node 3's; watch which path asks.

# %%
from drand_edu.node.network import LocalNetwork

net = LocalNetwork.create(4, 3, "pedersen-bls-chained", rng=rng, db=["memdb", "sqlite", "sqlite", "sqlite"],
                          memdb_size=10)
net.run_rounds(14)
net.crash(3)
net.run_rounds(6)
print("heads before the restart:", net.heads())
net.restart(3)
net.run_rounds(2)
print("heads after:", net.heads())
for line in net.processes[3].sync_manager.log:
    print(" ", line)

# %% [markdown]
# Node 3 restarts at t = 58.5 s, during round 20 (a 3-second period here), so its catch-up asks for a
# sync up to round 21, the next one. That is the **start-up path** (`Handler.Catchup`), not a tick:
# one request, peers in shuffled order, finished by node 1 with rounds 15–21. Its ticks then find it on
# time, so `Handler.run` never has to ask.

# %% [markdown]
# The other side of the stream is drand's
# [`SyncChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L546-L653), our
# `drand_edu.node.sync.serve_sync`: refuse if the store's last round is below the one asked for; otherwise
# send what the store has from there, then register a store callback that sends every *new* beacon — the
# stream keeps following the chain. That is what a **memdb** node cannot do well: asked for history it no
# longer holds, it sends nothing of it (drand's memdb cursor finds no such round), only the new beacons,
# which the requester's append layer refuses as a gap. (Between real processes the same stream runs over
# HTTP: `GET /sync` on a node's protocol port, `drand_edu.node.sync_http`.)

# %%
from drand_edu.net.messages import SyncRequest
from drand_edu.node.sync import serve_sync, stop_serving

for node in (0, 1):
    sent = []
    store = net.processes[node].store
    serve_sync(store, "curious", SyncRequest(1, net.info.beacon_id), sent.append)
    stop_serving(store, "curious")
    first = next(store.cursor(1)).round
    print(f"node {node} ({store.db_type}): holds rounds {first}–{store.last_round()}; "
          f"a sync from round 1 gets {len(sent)} beacons")

# %% [markdown]
# ### Break it yourself: a control panel over a network
#
# A fresh simulated network of four nodes (threshold 3) and a panel over it: kill or restart a node, split
# the network, slow a node's links, let the clock run — and watch each node's head against the round the
# clock says is due. The cell plays this section's story with the panel's methods: node 3 is down for four
# rounds, comes back, and its sync manager fetches what it missed (the picture is the end state). The
# widget under it gives the same actions as buttons. **Try it:** split the network 2 | 2 for three rounds,
# heal it: who has to sync then, and from whom?

# %%
from drand_edu.node.network import LocalNetwork
from drand_edu.viz.panel import NetworkPanel

panel = NetworkPanel(LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng('panel-07')))
panel.advance(3)
panel.kill(3)
panel.advance(4)
print("while node 3 is down:", [view.head for view in panel.nodes()])
panel.restart(3)
panel.advance(2)
print(panel.text())
panel.figure()
plt.show()

# %%
panel.widget()

# %% [markdown] tags=["try-answer"]
# **Answer.** Nobody can sync from anybody. During the split each half holds 2 of the 3 partials a round
# needs, so **no beacon is made at all**: every head stays where it was and the panel flags all four
# nodes as behind. After `heal()` there is nothing to fetch: every tick finds its node behind the clock
# and asks for a sync ([`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L414-L423)), and
# every peer answers "no beacon stored above …" — the sync manager logs "tried every peer without
# success". The missing rounds are not synced but *made*: once the first round after the heal is
# recovered, the nodes sign the next one a catch-up period later instead of waiting for its tick
# ([catch-up mode](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L425-L463)), round after round, until
# they reach the clock (here: rounds 11 to 14 within two periods).

# %% [markdown]
# ## 6. Syncing thousands of rounds, batched (ours)
#
# A store that is not a running node's — a follower's file, a newcomer's first sync — can be filled faster.
# `BatchSync` is ours, not drand's: it asks a source for *chunks* and checks each before writing: the links
# (each beacon to the one before, the first to the store's own last beacon — the only thing it already
# trusts) and the signatures, **batched** (one pairing check per chunk; session 3's random linear
# combination). A source caught lying is dropped.

# %%
# NBVAL_IGNORE_OUTPUT
# The progress bar shows speeds of this machine; the next cell prints what does not vary.
from tqdm.auto import tqdm

from drand_edu.node.sync import BatchSync

newcomer = SQLiteStore(workdir / "newcomer.db", trimmed=False)
peer = StoreSource(stores["memdb (size 2000)"])
with tqdm(total=len(chain), desc="syncing", unit="round") as bar:
    sync_report = BatchSync(info, newcomer, [peer], chunk=250).sync(
        len(chain), progress=lambda done, total: bar.update(done - bar.n)
    )

# %%
print("stored:", sync_report.stored, "rounds · peers rejected:", sync_report.rejected)
print("problems in the synced store:", check_store(info, newcomer))

# %% [markdown]
# Now a lying peer: it serves one forged beacon (a valid signature of *another* round). The chunk
# containing it is refused, the liar dropped, and the honest peer finishes the job.

# %%
liar_store = MemoryStore()
for beacon in chain:
    liar_store.put(beacon)
liar_store.delete(1500)
liar_store.put(Beacon(1500, chain[99].signature, chain[1498].signature))
second = MemoryStore()
report2 = BatchSync(info, second, [StoreSource(liar_store), peer], chunk=250).sync(len(chain))
print("stored:", report2.stored, "· rejected:", report2.rejected)
print("same history as the honest chain:", list(second.cursor()) == chain)

# %% [markdown]
# ### drand's follow mode, and ours
#
# drand fills a store that is not (yet) a group member's with `drand sync --follow --sync-nodes … --chain-hash
# H`: the daemon's [`StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L396)
# asks the sync nodes for the chain info (`chainInfoFromPeers`), refuses it unless its hash is `H` (the
# control client refuses to follow without a hash), then runs a sync manager over the reduced stack of §4
# until `--up-to` or Ctrl-C. `drand-edu sync --follow --sync-nodes … --chain-hash H` does the same over
# the nodes' `/sync` and `/info` on their protocol ports, with two differences:
#
# - ours writes through the full stack, **append layer included**: on an unchained chain drand's follow
#   stack would store a round after a gap (only the chained scheme layer checks a link), ours refuses it
#   and drops that peer;
# - when every peer was tried and failed, drand's follow loop means to try again a period later, but the
#   error channel it waits on is never made (`var errChan chan error` is nil in Go: the send blocks for
#   good and the `case <-errChan` never fires), so it waits for Ctrl-C without asking again; **ours exits 1**
#   with one line saying every sync node was tried and dropped.

# %% [markdown]
# ## 7. A corrupted store, detected and repaired
#
# Disks fail and files get edited. Here we damage the node's SQLite file behind its back: one row gets a
# wrong signature, two rows disappear. drand's
# [`syncCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L427-L433) without `--follow` runs
# `checkCmd`, and it is narrower than "check, then sync": it requires `--up-to N`, and the daemon's
# [`CheckPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L199-L265)
# checks rounds 1..min(N, last stored) one at a time, **by signature only** (a round it cannot read is
# faulty); then
# [`CorrectPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L267-L301)
# re-fetches each faulty round alone from the sync nodes. Given only the node's own address, it is a dry run
# ([`StartCheckChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L398-L490)),
# and it never appends a round above the last stored one: filling a store is `sync --follow`'s job. Each
# re-fetched beacon is verified, then written into the **raw backend**, below the stack (the sync
# manager's `insecureStore`, §4): a corrected round sits in the middle of the chain, where the append
# layer would refuse it. Ours has that check as `check_past_beacons` and `correct_past_beacons` (what
# `drand-edu sync --up-to N` runs, into the store file itself), and a stricter one for this notebook:
# `check_store` reads everything back, gaps and links included; `repair` refetches exactly the bad rounds
# from a peer, verifying each before writing it into the backend.

# %%
import sqlite3

with sqlite3.connect(newcomer.path) as raw:
    raw.execute("UPDATE beacons SET signature = ? WHERE round = 321", (chain[0].signature,))
    raw.execute("DELETE FROM beacons WHERE round IN (1001, 1002)")
problems = check_store(info, newcomer)
for problem in problems:
    print(problem.kind, "·", problem)

# %% [markdown]
# drand's own check of rounds 1..1100, each by its signature alone. It finds the bad row and the two missing
# ones, but not the broken link at round 322: in this full (untrimmed) store, round 322 keeps its own
# correct previous signature, so its signature verifies; only `check_store` compares it with row 321.

# %%
faulty = check_past_beacons(info, newcomer, up_to=1100)
print("faulty rounds (signatures only, 1..1100):", sorted(faulty))

# %%
fixed = repair(info, newcomer, peer)
print("rounds refetched:", fixed, "· problems now:", check_store(info, newcomer))

# %% [markdown]
# **Try it.** Corrupt the *previous_signature* column of a full (not trimmed) store instead of the
# signature. Which kind of problem does `check_store` report, and for which round?

# %% [markdown] tags=["try-answer"]
# **Answer.** Two problems, both for the round you edited (say round 20): a **link** problem (its
# previous signature is no longer round 19's signature) and a **signature** problem (on a chained chain the
# signature covers the previous signature — drand's
# [`DigestFunc`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/crypto/schemes.go#L109-L117) hashes it with the round — so with another
# previous signature round 20's own signature no longer verifies). Rounds 19 and 21 are fine: round 21
# keeps round 20's true signature in its own row. drand's `CheckPastBeacons` flags round 20 too (by its
# signature); `repair` refetches rounds 19 and 20 (a broken link could be either side's fault). A trimmed
# store has no such column to corrupt: it rebuilds the previous signature from row 19.

# %% [markdown]
# ## Exercises
#
# Four exercises, in the order Explore → Implement → Break → Connect. Each check cell says "correct" or
# "not yet" with a hint; stuck? `drand_edu.exercises.hint("<name>")` gives the next hint each time you call
# it (the name is given with each exercise), the last one is the recipe.

# %% [markdown]
# ### Exercise 1 (Explore) — what a trimmed store loses
#
# Section 3 said a trimmed store "needs a chain without gaps". Find out what that means. The cell below
# puts rounds 1–40 of `chain` into a trimmed and a full (untrimmed) SQLite store and deletes round 17
# from both, as a failing disk might. Which rounds of 1–40 can each store **no longer give back as a
# beacon that verifies** (`is_valid_beacon(info, store.get(r))` false, or `get` raising `StoreError`)?
# Try them, then put your findings in `lost_trimmed` and `lost_untrimmed` (sets of round numbers).
# Stuck? `drand_edu.exercises.hint("trimmed_loss")`.

# %%
from drand_edu.chain import is_valid_beacon

explore_trimmed = SQLiteStore(":memory:", genesis_seed=info.genesis_seed)  # new stores are trimmed
explore_full = SQLiteStore(":memory:", trimmed=False, genesis_seed=info.genesis_seed)
for store in (explore_trimmed, explore_full):
    store.put_many(chain[:40])
    store.delete(17)
print(explore_trimmed, explore_full, "· rounds kept:", len(explore_trimmed), len(explore_full))

# your exploration here
lost_trimmed = None  # your answer: a set of rounds
lost_untrimmed = None  # your answer: a set of rounds

# %%
drand_edu.exercises.check_trimmed_loss(lost_trimmed, lost_untrimmed)


# %% tags=["solution"]
def unservable(store):
    """The rounds 1..40 that a store cannot give back as a valid beacon."""
    lost = set()
    for r in range(1, 41):
        try:
            if not is_valid_beacon(info, store.get(r)):
                lost.add(r)
        except StoreError:
            lost.add(r)
    return lost


lost_trimmed, lost_untrimmed = unservable(explore_trimmed), unservable(explore_full)
print("trimmed:", sorted(lost_trimmed), "· full:", sorted(lost_untrimmed))
drand_edu.exercises.check_trimmed_loss(lost_trimmed, lost_untrimmed)


# %% [markdown]
# ### Exercise 2 (Implement) — the rounds a sync must fetch
#
# A node that comes back knows which rounds it holds and the round the network is at (`head`). Write
# `my_gaps(rounds, head)`: every run of rounds between 1 and `head` that is **not** in `rounds`, as
# `(first, last)` pairs in order — including the tail the node has not got yet. `rounds` comes in any
# order, may repeat a round and may contain round 0 (the genesis beacon, never missing).
# `my_gaps([1, 4, 5, 9], 11)` → `[(2, 3), (6, 8), (10, 11)]`. Stuck? `drand_edu.exercises.hint("find_gaps")`.

# %%
def my_gaps(rounds, head):
    ...  # your code


# %%
drand_edu.exercises.check_find_gaps(my_gaps)


# %% tags=["solution"]
def my_gaps(rounds, head):
    present, gaps, start = set(rounds), [], None
    for r in range(1, head + 1):
        if r not in present and start is None:
            start = r  # a run of missing rounds begins
        elif r in present and start is not None:
            gaps.append((start, r - 1))  # ... and ends before the first round we have
            start = None
    if start is not None:
        gaps.append((start, head))  # the tail: rounds the node has not got yet
    return gaps


drand_edu.exercises.check_find_gaps(my_gaps)


# %% [markdown]
# ### Exercise 3 (Break) — valid signatures are not enough
#
# A peer sends a node whose last beacon is round 1 (`chain[0]`) a chunk of beacons. Build `chunk` so that
# the node's store stack (`new_chain_store`) **refuses** it although it looks perfect. What counts as a
# break — all of these at once:
#
# - at least 3 beacons, rounds **2, 3, 4, … in order** (a gap, a reorder or a repeat is refused by the
#   append layer without any thought, so it does not count);
# - every beacon **verifies on its own**, as drand's `VerifyBeacon` checks it: the signature over the
#   scheme's message. (drand's chained message simply leaves out an empty previous signature, so a beacon
#   with none verifies there; our `is_valid_beacon` refuses an empty previous signature on a chained chain,
#   and the checker judges a chunk as drand does);
# - every beacon after the first **links to the one before it in the chunk** (its `previous_signature` is
#   that beacon's `signature`): the chunk is a chain in itself.
#
# You may use `keys.secret`, the chain's secret key — as a threshold of colluding nodes could. Why does
# the node still refuse, and which layer does it? Stuck? `drand_edu.exercises.hint("sneaky_chunk")`.

# %%
chunk = None  # your code: a list of Beacon

# %%
drand_edu.exercises.check_sneaky_chunk(info, chain, chunk)

# %% tags=["solution"]
# A fork: sign round 2 over a previous signature that is not round 1's, then keep the fork linked.
chunk, previous = [], bytes(96)
for r in (2, 3, 4):
    signature = bls.sign(scheme, keys.secret, scheme.digest(r, previous))
    chunk.append(Beacon(r, signature, previous))
    previous = signature
drand_edu.exercises.check_sneaky_chunk(info, chain, chunk)

# %% [markdown]
# ### Exercise 4 (Connect) — when a synced beacon is already there
#
# In drand's sync manager, [`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L375-L524)
# puts each beacon it received through the node's store stack. Sometimes the aggregator stored that
# round a moment earlier, and `Put` answers "already stored" (our `BeaconAlreadyStored`). What does
# `tryNode` return then — when does that count as a finished sync? Read the branch for
# [`ErrBeaconAlreadyStored`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L490-L501)
# and write
# `my_done(round_number, up_to)` returning what `tryNode` returns for a beacon of `round_number` in a sync
# asked up to `up_to` (`up_to = 0` means "follow the chain forever", see
# [`SendSyncRequest`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L113-L119)).
# Stuck? `drand_edu.exercises.hint("already_stored")`.

# %%
def my_done(round_number, up_to):
    ...  # your code: True or False, as tryNode returns


# %%
drand_edu.exercises.check_already_stored(my_done)


# %% tags=["solution"]
def my_done(round_number, up_to):
    return round_number == up_to  # tryNode: `return beacon.Round == upTo`


drand_edu.exercises.check_already_stored(my_done)

# %% [markdown]
# ## Deep dive: checking, correcting and following a chain in drand
#
# *Beyond the 45-minute core: for the question time, or at home.* The functions behind `drand sync`, read
# at the pinned commit, each with the piece of ours that plays its part.

# %% [markdown]
# ### `CheckPastBeacons`: signatures only
#
# [`SyncManager.CheckPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L199-L265) reads the store's last beacon (no beacon at all is an
# error), lowers `upTo` to it when the store ends earlier, then walks rounds 1..`upTo` — never round 0,
# the genesis. A round `Get` cannot return is faulty; any other is checked by `scheme.VerifyBeacon` alone,
# so two rows that do not link are not noticed while each signature verifies. It returns the faulty
# rounds and changes nothing. Ours: `check_past_beacons` (and, stricter, `check_store`, which compares the
# links and finds gaps).

# %% [markdown]
# ### `CorrectPastBeacons` and `ReSync`: one round at a time, below the stack
#
# [`SyncManager.CorrectPastBeacons`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L267-L301) calls `ReSync(b, b, peers)` for each faulty round,
# keeps going after a failure and returns the first error with all of them.
# [`SyncManager.ReSync`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L304-L336) refuses `from == 0` and runs `Sync` for that single round — the
# peers shuffled, the node's own address skipped — and **once more** if every peer failed. In
# [`tryNode`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/sync_manager.go#L480-L502) a re-sync verifies the beacon and writes it with `insecureStore.Put`, the raw
# backend: bolt overwrites the bad row, but postgres' `Put` does nothing for a round it holds, so there
# only a *missing* round is filled. Ours: `correct_past_beacons` fetches each round alone from a source,
# verifies it, deletes the old row and writes the new one into the backend; like drand's, it goes on past
# a round it cannot correct and tries each round a second time.

# %% [markdown]
# ### `StartCheckChain`: what `drand sync` without `--follow` runs
#
# [`BeaconProcess.StartCheckChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L398-L490) needs a running beacon handler ("first --follow a
# chain"), refuses while another sync runs, and drops its own address from the sync nodes. It checks
# (`ValidateChain`, i.e. `CheckPastBeacons`), sends the number of faulty rounds to the CLI, and stops there
# when nothing is faulty or when the only sync node given was its own address: the **dry run**. Otherwise
# it corrects (`CorrectChain`, i.e. `CorrectPastBeacons`). Nothing above the last stored round is ever
# written. Ours: `check_and_repair` in `drand_edu/cli/sync.py`, same rules, on a stopped node's file.

# %% [markdown]
# ### `StartFollowChain` and `chainInfoFromPeers`: what `--follow` runs
#
# [`BeaconProcess.StartFollowChain`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L263-L396) refuses while a sync runs, skips its own address,
# and asks the sync nodes for the chain info with
# [`chainInfoFromPeers`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_beacon_control.go#L492-L527) — every peer in turn (its loop has no `break`), keeping the last
# answer it could parse. It refuses that info unless its hash is the `--chain-hash` given and its beacon id
# is the node's, writes the genesis beacon into a fresh store, stacks only the scheme and callback layers
# over it, and loops on `Sync` until `--up-to` or Ctrl-C (the loop's nil `errChan` means a failed `Sync`
# is never retried, §6). Ours: `follow_streams` with `chain_info_from_peers` and `follow_chain`
# (`drand_edu/node/sync_http.py`), over the full stack. The cell below puts drand's follow stack and a
# node's stack side by side on an unchained chain, handed round 3 right after round 1.

# %%
from drand_edu.store import CallbackStore, SchemeStore, genesis_beacon

unchained = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=drand_edu.seeded_rng("deep-dive-07"))
unchained.run_rounds(4)
first, _, third = list(unchained.processes[0].store.cursor(1, 3))
follow_backend = MemoryStore()
follow_backend.put(genesis_beacon(unchained.info))  # StartFollowChain writes the genesis beacon directly
stacks = {
    "drand's follow stack": CallbackStore(SchemeStore(follow_backend, unchained.info.scheme.chained)),
    "a node's stack (ours, also in follow)": new_chain_store(unchained.info, MemoryStore()),
}
for name, stack in stacks.items():
    stack.put(first)
    try:
        stack.put(third)  # round 3 right after round 1: a gap
        outcome = f"stored, rounds {[b.round for b in stack.cursor(1)]}"
    except StoreError as refused:
        outcome = f"refused: {refused}"
    print(f"{name}: {' → '.join(stack.layers()[:-1])}\n    round 3 right after round 1 → {outcome}")

# %% [markdown]
# ## In drand's source
#
# | here | drand |
# |---|---|
# | `ChainStore`, `MemoryStore` | `internal/chain/store.go` (`Store`), `internal/chain/memdb/store.go` |
# | `SQLiteStore` (trimmed by default) | `internal/chain/boltdb/store.go`, `internal/chain/boltdb/trimmed.go`; `internal/chain/postgresdb` |
# | `new_chain_store`, `AppendStore`, `SchemeStore`, `DiscrepancyStore`, `CallbackStore` | `internal/chain/beacon/store.go`, `internal/chain/beacon/chainstore.go` |
# | `BeaconProcess` (sync triggers, partial window) | `internal/chain/beacon/node.go`, `internal/chain/beacon/cache.go` |
# | `SyncManager`, `serve_sync`, `sync_http` | `internal/chain/beacon/sync_manager.go` (`SyncManager`, `tryNode`, `SyncChain`) |
# | `BatchSync` | ours (batched verification) |
# | `check_past_beacons`, `correct_past_beacons` (and the stricter `check_store`, `repair`) | `drand sync` without `--follow`: `checkCmd` (`internal/drand-cli/control.go`), `CheckPastBeacons`, `CorrectPastBeacons` (`internal/chain/beacon/sync_manager.go`) |
# | `BeaconProcess.catchup` | `StartBeacon(ctx, true)` (`internal/core/drand_beacon.go`), `Handler.Catchup` (`internal/chain/beacon/node.go`) |
# | `follow_chain`, `chain_info_from_peers`, `drand-edu sync --follow` | `StartFollowChain`, `chainInfoFromPeers` (`internal/core/drand_beacon_control.go`) |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the objectives aloud.
# - **3 min** · 1. A chain to store — The chain every later cell stores, syncs and corrupts: never skip this
#   cell.
# - **6 min** · 2. Backends side by side — memdb forgets (who would run one? a node that needs no history);
#   SQLite keeps all. Never skip: four later cells use its stores.
# - **5 min** · 3. Trimmed storage — Trimmed is the default: why is trimming safe (the link is implied) and
#   what does it cost (gaps hurt)?
# - **6 min** · 4. The store stack: what a node's writes go through — Try a gap, a fork, a wrong link live:
#   the stack checks order, not signatures.
# - **9 min** · 5. A running node falls behind, and syncs — `net.crash(3)`, six rounds, `net.restart(3)`: who
#   triggers the sync, why peers are shuffled, what a silent peer costs (two periods).
# - **8 min** · 6. Syncing thousands of rounds, batched (ours) — `BatchSync` over 2000 rounds, then the lying
#   peer: its chunk refused, the liar dropped. What does the newcomer trust? The chain info and its own last
#   beacon.
# - **5 min** · 7. A corrupted store, detected and repaired — Corrupt the SQLite file, `check_store`,
#   `repair`: "problems now: []".
# - **2 min** · Recap — The recap.
#
# **Questions and pairs, 30 minutes:**
#
# - **6 min** · Exercises — Questions; Exercise 1 (Explore: what a trimmed store loses) solo while pairs form.
# - **24 min** · Exercises — Pairs: Exercise 2 (Implement: the rounds a sync must fetch) and Exercise 3
#   (Break: valid signatures are not enough); Exercise 4 (Connect: `tryNode`) as homework. When late, 3 goes
#   home too: give its first hint aloud.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - Every backend offers the same small interface; memdb keeps only the last N beacons, SQLite (our bolt)
#   one crash-safe file, trimmed by default: the previous signatures of a chained chain are the previous rows.
# - A node writes through drand's stack: append (last + 1), scheme (the link), discrepancy (metrics),
#   callbacks (sync streams) — a gap or a fork never reaches the backend. The genesis beacon and re-synced
#   rounds go straight into the backend; follow mode keeps only the scheme and callback layers.
# - A node syncs at start (catch-up up to the next round), when a tick finds it behind, or when it recovers
#   a beacon ahead; its sync manager tries shuffled peers one at a time, verifies every beacon, and moves
#   on after two silent periods.
# - `check_store` finds gaps, bad rows and broken links; `repair` refetches and verifies before writing.
#
# Next: [Session 8 — Client libraries and tlock](08_client_libraries_and_tlock.ipynb).
