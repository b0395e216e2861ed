# %% [markdown]
# # Session 1 — What drand is; its CLI and clients
#
# drand is a network of independent operators that together publish, every few seconds, a random value
# nobody could predict or bias — and that anyone can verify. This session meets the real League of
# Entropy chains, tours the command line, runs a network of real node processes on this machine (a DKG,
# then beacons), follows it, and consumes its randomness with a client.
#
# *Live session: 45 minutes of teaching, then 30 of questions and pair programming. On your own: about 60 minutes.*

# %% [markdown]
# ## You will learn
#
# 1. what drand publishes, who runs it (the League of Entropy) and its two main chains;
# 2. drand v2's command line — `generate-keypair`, `start`, `dkg`, `show`, `sync`, `util`, `stop` — and ours;
# 3. to run a network of node processes on 127.0.0.1 — keys, a proposal file, a DKG with the operator's
#    commands, beacons — and a store that `sync` checks, repairs and keeps following;
# 4. to consume randomness with a client that pins the chain — and how drand's Go and JS clients do it.

# %% [markdown]
# ## Setup

# %%
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import drand_edu
from drand_edu.chain import Beacon, ChainInfo, verify_beacon
from drand_edu.notebook import keep_running, stop_kept, temporary_folder

rng = drand_edu.notebook_setup(seed=2024)
workdir = temporary_folder("session1-", reuse=True)  # the same one when run again; removed at the end
# the command line, as a learner would type it (a fixed width keeps the help text the same everywhere)
env = {**os.environ, "COLUMNS": "100"}


def drand_edu_cli(*args):
    """Run ``drand-edu ARGS`` in the session's work folder and show what it prints."""
    command = [sys.executable, "-m", "drand_edu.cli", *args]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=workdir)
    print(result.stdout + result.stderr, end="")
    return result.returncode


# %% [markdown]
# ## 1. What drand is
#
# The **League of Entropy** — universities, companies and foundations — each run a drand node. Together
# they hold a secret key that none of them knows (session 4), and every period a threshold of them sign the
# round number: that signature *is* the beacon, and its hash the randomness (session 2). Two chains matter:
#
# | chain | scheme | period | beacons |
# |---|---|---|---|
# | mainnet "default" | `pedersen-bls-chained` | 30 s | each links to the one before |
# | quicknet | `bls-unchained-g1-rfc9380` | 3 s | independent; usable for timelock encryption |
# | evmnet (a third, for Ethereum) | `bls-bn254-unchained-on-g1` | 3 s | independent; on BN254, so smart contracts can verify them (session 3) |
#
# Their identity is a **chain hash** computed from their public parameters. Here are the real ones, and a
# real quicknet beacon verified on this machine, offline:

# %%
for name in ("beacons-mainnet-default.json", "beacons-quicknet.json"):
    stored = json.loads(Path("data", name).read_text())
    info = ChainInfo.from_json(stored["info"])
    beacon = Beacon.from_json(stored["beacons"][0])
    verify_beacon(info, beacon)
    print(f"{info.beacon_id:8} {info.hash_hex}  period {info.period:2} s  round {beacon.round} verified")

# %% [markdown]
# ### The real League of Entropy, right now
#
# Those were recorded beacons. The cell below asks the League's public relays for the **latest** beacon of
# each of its three chains — each chain's hash pinned, so no relay can pass off another chain — and verifies
# it on this machine (`drand_edu.client.league.latest_all`). Offline, or with `DRAND_EDU_OFFLINE=1` as in
# the course's tests, it says so and verifies the recorded real beacons instead, within 3 seconds.

# %%
# NBVAL_IGNORE_OUTPUT
# Online this shows the current rounds, which change every few seconds; offline, the recorded ones.
from drand_edu.client import league

for result in league.latest_all(budget=3.0):
    print(result.summary())

# %% [markdown]
# ## 2. A tour of the command line
#
# `drand-edu` mirrors drand v2's own CLI. drand's commands are listed in one table,
# [`appCommands`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L306-L552):
# `dkg`, `start`, `stop`, `sync`, `generate-keypair`, `load` (loads a stopped beacon process from disk into
# a running daemon), `util` (`check`, `list-schemes`, ...) and `show` (`group`, `chain-info`, `public`).
# There is no `get` in it: reading randomness is the job of a client,
# and go-clients ships that command line as `drand-client get public|chain-info`. Our table is
# `drand_edu.cli.COMMANDS`; the commands with drand's names have drand's meaning, and the others are ours
# and say so: `verify`, `simulate`, `demo`, `tlock`, and `client get`, named after `drand-client`.
# Every command has `--help`:

# %%
drand_edu_cli("--help")

# %%
drand_edu_cli("util", "list-schemes")

# %% [markdown]
# `simulate` runs a DKG and a network on a virtual clock in a second and writes drand's JSON, which
# `verify` checks like any real chain (same seed, same bytes):

# %%
drand_edu_cli("simulate", "--nodes", "5", "--threshold", "3", "--rounds", "10", "--seed", "1", "--out", "sim")
drand_edu_cli("verify", "--info", "sim/info.json", "sim/beacons.json")

# %% [markdown]
# **Try it.** Run `simulate` again with `--seed 2` (same nodes, threshold and rounds) and `verify` its
# output. Predict: does the chain hash change? Does `verify` still say `ok`? And what does `verify` say
# for the beacons of seed 2 checked against the `info.json` of seed 1?

# %% [markdown] tags=["try-answer"]
# **Answer.** The chain hash changes: the seed drives the simulated DKG, so the group's public key is new,
# and with it the genesis seed (the group's hash); both are hashed into the chain hash (Exercise 1 finds
# which fields are). `verify` says `ok` for seed 2's own pair. Seed 2's beacons against seed 1's info are
# refused (`invalid signature` for every round, `INVALID`, exit code 1): their signatures were made under
# another group key, so not one verifies — which is why a client pins the chain hash (or the key) it
# expects instead of trusting the info a server hands it.

# %% [markdown]
# ## 3. A network of real processes, set up by hand
#
# Four operators, four folders. Each generates a key pair bound to the address where its node will
# listen for the others: drand's
# [`keygenCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L674-L733)
# writes it into the folder of one beacon id (`multibeacon/default/key`), and so does our
# `generate_keypair`. Then each starts its node (`drand start`). drand's daemon, in
# [`LoadBeaconsFromDisk`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L304-L346),
# starts one beacon process for every key folder it finds (a node can run several chains: session 6), on
# shared ports; our `NodeDaemon` does the same. The process talks to its peers over HTTP on 127.0.0.1 and
# takes operator commands on a *control port* that only this machine can reach. The nodes have keys but no
# chain yet.
#
# Which ports a node opens is drand v2's rule, and ours. In
# [`DrandDaemon.init`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L117-L133)
# drand refuses to start without `--private-listen` (the address its peers dial: "private listen address
# cannot be empty"), and it creates the public HTTP API only `if pubAddr != ""`, that is, only with
# `--public-listen`. Its metrics listener always starts: at the end of
# [`LoadBeaconsFromDisk`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/core/drand_daemon.go#L304-L346)
# it calls
# [`metrics.Start`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/metrics/metrics.go#L374-L413),
# which listens on `127.0.0.1:` plus the `--metrics` value, any free port when there is none. So every node
# below gets `--private-listen` (the address of its key pair) and `--public-listen 127.0.0.1:0` (any free
# port, which the node writes to `public.url`); the first `start` shows the refusal. One default is ours
# on purpose: drand's control port defaults to 8888, JupyterLab's port, so ours takes any free port and
# writes it to `control.port`, where `drand-edu dkg|show|stop --folder` find it.
#
# > **Asked in the room:** drand's nodes speak gRPC and TLS; ours speak HTTP. Is that the same thing?
# > The messages are the same kind: drand's peer service
# > ([`Protocol`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/protobuf/drand/protocol.proto#L14-L23)) has `GetIdentity`, `PartialBeacon` (one
# > partial signature to one peer) and `SyncChain` (a stream of stored beacons); our peer port has the
# > same three as HTTP on 127.0.0.1: `GET /identity`, partials posted to `/protocol`, `GET /sync`. The
# > transport differs: a drand daemon listens in *plain* gRPC
# > ([`NewGRPCListenerForPrivate`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/listener.go#L36-L98) says it assumes a reverse proxy
# > in front that terminates TLS), and dials its peers over TLS 1.2 or later
# > ([`grpcClient.conn`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/net/conn_tls.go#L16-L67)), unless it was built with the
# > `conn_insecure` tag (section 6 builds it so). What TLS does *not* carry is the beacon's safety: every
# > partial and every beacon is a BLS signature that the receiver verifies against the group's key, so a
# > forger on the wire is refused over plain HTTP too; TLS adds privacy and knowing which operator you
# > talk to. [Notebook 06](06_networking_and_monitoring.ipynb) goes into the network in depth.

# %%
# NBVAL_IGNORE_OUTPUT
# Fresh keys on every run.
import socket


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


demo = workdir / "demo"
stop_kept("session 1 nodes")  # run again, this cell starts a fresh network: the nodes of the last run stop
shutil.rmtree(demo, ignore_errors=True)
addresses = [f"127.0.0.1:{free_port()}" for _ in range(4)]
for i, address in enumerate(addresses):
    drand_edu_cli("generate-keypair", "--folder", f"demo/node{i}", address)
drand_edu_cli("start", "--folder", "demo/node0")  # refused, as drand refuses it: no --private-listen


def start_nodes():
    """``drand-edu start --folder demo/nodeI --private-listen ADDRESS --public-listen 127.0.0.1:0`` for the
    four nodes, each in its own process."""
    started = []
    for i in range(4):
        for name in ("control.port", "public.url"):  # left by a node that was killed: not a running one
            (demo / f"node{i}" / name).unlink(missing_ok=True)
        command = [sys.executable, "-m", "drand_edu.cli", "start", "--folder", f"demo/node{i}",
                   "--private-listen", addresses[i], "--public-listen", "127.0.0.1:0"]  # fmt: skip
        with (demo / f"node{i}" / "node.log").open("a") as log:
            started.append(subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT))
    keep_running("session 1 nodes", started)  # the ones started before stop; the rest stop with the kernel
    while not all((demo / f"node{i}" / "control.port").exists() for i in range(4)):
        assert all(node.poll() is None for node in started), f"a node failed: see {demo}/node*/node.log"
        time.sleep(0.2)
    return started


def running_nodes():
    """The four node processes; started again from their folders if they were stopped (the last demo cell)."""
    global nodes
    if any(node.poll() is not None for node in nodes):
        print("the nodes had been stopped: started again (drand-edu start --folder demo/nodeI)")
        nodes = start_nodes()
    return nodes


nodes = start_nodes()

# %% [markdown]
# Now the DKG, the way drand v2 runs it (session 4 explains what happens inside). First the leader writes
# a *proposal file*: drand's
# [`generateProposalCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L679-L805)
# asks each participant's node for its identity (address and key, for this beacon id), checks the node
# answered for the address it was asked at, and writes them to a TOML file (`[[Joining]]` entries with
# `Address`, `Key`, `Signature`). Our `generate_proposal` (in `drand_edu/cli/dkg.py`) does the same:

# %%
running_nodes()  # (run again after the last demo cell stopped them, this starts them again)
joiners = [arg for address in addresses for arg in ("--joiner", address)]
drand_edu_cli("dkg", "generate-proposal", "--folder", "demo/node0", *joiners, "--out", "proposal.toml")
proposal = (workdir / "proposal.toml").read_text()
fields = sorted({line.split(" =")[0] for line in proposal.splitlines() if " = " in line})
print(proposal.count("[[Joining]]"), "joiners, each with", fields)

# %% [markdown]
# Then node 0 *leads*: it proposes the terms of a new chain — who takes part (the file), the threshold, the
# scheme, the period, the catch-up period, when round 1 is due. drand's
# [`parseInitialProposal`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L261-L299)
# refuses an initial proposal unless every one of those flags is given, and turns `--genesis-delay` and
# `--timeout` into absolute times; the timeout defaults to 24 hours, drand's `DefaultDKGTimeout` (see
# [`dkgTimeoutFlag`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/dkg_cli.go#L188-L192)).
# Our `_initial_body` checks the same flags with the same defaults. Each of the others *joins*. The leader
# then orders *execute*: deals, responses (and justifications if someone complained) fly between the
# processes until each node holds its share.

# %%
def cli_output(*args):
    """What ``drand-edu ARGS`` prints, without showing it (for values that change every run)."""
    command = [sys.executable, "-m", "drand_edu.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=workdir).stdout


def dkg_status(i):
    """``drand-edu dkg status --format json`` for node ``i``, run in this kernel (asked often: a new
    process each time would take a second on a busy machine)."""
    import contextlib
    import io

    from drand_edu.cli import main

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        main(["dkg", "status", "--folder", str(demo / f"node{i}"), "--format", "json"])
    return json.loads(said.getvalue())


# %%
def fresh_nodes():
    """Running nodes that have not begun a DKG, and a proposal file that names them. Run again, this cell
    finds nodes that ran one (or were stopped): it deletes what a DKG wrote — share, group file, beacons —
    keeping the key pairs, as drand's ``util reset`` does, and starts the nodes again."""
    global nodes
    stopped = any(node.poll() is not None for node in nodes)
    if stopped or dkg_status(0)["status"] != "Fresh" or list(demo.glob("node*/**/dkg.json")):
        stop_kept("session 1 nodes")
        for folder in demo.glob("node*/multibeacon/*"):
            for entry in folder.iterdir():
                if entry.name != "key":
                    if entry.is_dir():
                        shutil.rmtree(entry)
                    else:
                        entry.unlink()
        for log in demo.glob("node*/node.log"):  # the new chain's story starts afresh
            log.unlink()
        nodes = start_nodes()
        print("these nodes had begun a DKG: reset (key pairs kept) and started again for a new one")
    proposal = workdir / "proposal.toml"
    if not all(address in proposal.read_text() for address in addresses):  # the start cell ran again
        joiners = [arg for address in addresses for arg in ("--joiner", address)]
        cli_output("dkg", "generate-proposal", "--folder", "demo/node0", *joiners, "--out", "proposal.toml")
        print("proposal.toml named the nodes of an earlier run: generated again for these")
    return nodes


# %%
def run_the_dkg(say=drand_edu_cli):
    """The operators' commands, on fresh nodes: node 0 proposes, the others join, node 0 executes. ``say``
    runs each command (``cli_output``: without showing it). Each node's DKG log is kept in
    ``demo/dkg-logs.json`` for the figure below (a node keeps its log in memory only)."""
    fresh_nodes()
    terms = ["--threshold", "3", "--period", "2s", "--scheme", "pedersen-bls-chained", "--catchup-period", "1s"]
    init = ["dkg", "init", "--folder", "demo/node0", "--proposal", "proposal.toml", *terms]
    if say is drand_edu_cli:
        say(*init)  # refused: an initial proposal needs --genesis-delay
    say(*init, "--genesis-delay", "8s")
    for i in (1, 2, 3):
        while dkg_status(i)["status"] == "Fresh":  # until the proposal has travelled over the network
            time.sleep(0.2)
        say("dkg", "join", "--folder", f"demo/node{i}")
    say("dkg", "execute", "--folder", "demo/node0")
    say("dkg", "status", "--folder", "demo/node0", "--wait", "Complete")
    deadline = time.time() + 60
    while any(dkg_status(i)["status"] != "Complete" for i in (1, 2, 3)):  # the others: asked in here
        assert time.time() < deadline, f"the DKG did not complete: see {demo}/node*/node.log"
        time.sleep(0.2)
    (demo / "dkg-logs.json").write_text(json.dumps([dkg_status(i)["log"] for i in range(4)]))


def dkg_logs():
    """Each node's DKG log, as it was when the last DKG completed."""
    return json.loads((demo / "dkg-logs.json").read_text())


# %%
def public_urls():
    """The nodes' public API URLs, which each node writes to ``public.url`` once its chain runs (a new
    port each time a node starts: the cells below ask for them again). Nodes that were stopped start
    again; nodes without a chain (the start cell ran again) get a DKG first, by `run_the_dkg`."""
    running_nodes()
    if not list(demo.glob("node*/multibeacon/*/groups/*.toml")) or not (demo / "dkg-logs.json").exists():
        print("these nodes have no chain yet (the start cell ran again): the DKG above runs again")
        run_the_dkg(say=cli_output)
        deadline = time.time() + 60  # and its first two rounds, which the cells below read
        logs = [demo / f"node{i}" / "node.log" for i in range(4)]
        while not all("NEW_BEACON_STORED round 2 " in log.read_text() for log in logs):
            assert time.time() < deadline, f"no round 2 after the DKG: see {demo}/node*/node.log"
            time.sleep(0.5)
    while not all((demo / f"node{i}" / "public.url").exists() for i in range(4)):
        assert all(node.poll() is None for node in nodes), f"a node stopped: see {demo}/node*/node.log"
        time.sleep(0.2)
    return [(demo / f"node{i}" / "public.url").read_text().strip() for i in range(4)]


run_the_dkg()

# %% [markdown]
# What node 2 saw, from its own log (`dkg status --format json`). Its share number is its rank by public
# key among the four (drand orders participants that way), not the number of its folder:

# %%
# NBVAL_IGNORE_OUTPUT
# Times and the share's number vary on every run.
public_urls()  # the nodes run and have a chain (run again after the start cell, this runs the DKG again)
for line in dkg_logs()[2]:  # kept when the DKG ended: a node started again has an empty log in memory
    print(line)

# %% [markdown]
# Each node has written its share and the group file into its folder, started its chain (SQLite store,
# public HTTP API, since we passed `--public-listen`) and will sign round 1 at the genesis time. `drand-edu demo up --nodes 4 --threshold 3
# --period 2` does all of the above in one command; `demo down` stops what it started.
#
# What does a node hold? `drand show public` asks the running daemon through its control port
# ([`showPublicCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L254-L267)
# sends the `PublicKey` request for the beacon id) and prints the node's long-term key; `show group` and
# `show chain-info` work the same way. `show share` is ours: it says whether the share fits the group's
# public polynomial, never the share itself.

# %%
urls = public_urls()
shown = json.loads(cli_output("show", "public", "--folder", "demo/node1"))
print("show public:", sorted(shown), "· the address is node 1's:", shown["address"] == addresses[1])
share = cli_output("show", "share", "--folder", "demo/node1")
print("node 1's share fits the group's public polynomial:", share.strip().endswith("True"))

# %%
from drand_edu.client import Client


def current_round(url):
    """The node's last stored round, from its ``/health`` answer: 200 when it is up to date, 503 while a
    restarted node catches up (the body says where it is either way: not round 0)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as answer:
            body = answer.read()
    except urllib.error.HTTPError as answer:  # 503: behind the expected round, but its round all the same
        with answer:
            body = answer.read()
    except OSError:  # not answering (yet)
        return 0
    return json.loads(body).get("current", 0)


def wait_for_rounds(n):
    """Wait (at most a minute) until every node has stored round ``n``; whether they all have."""
    deadline = time.time() + 60
    while min(current_round(u) for u in public_urls()) < n and time.time() < deadline:
        time.sleep(0.5)
    return min(current_round(u) for u in public_urls()) >= n


print("every node has produced at least 3 rounds:", wait_for_rounds(3))

# %% [markdown]
# ### The picture: one DKG, then the first rounds, on one time axis
#
# Each node told us its story: its DKG log (`dkg status`, one line per step, on the node's clock) and its
# own output, `node.log`, where the node writes one `NEW_BEACON_STORED` line for each beacon it stores, with
# the time — the line drand's
# [`discrepancyStore.Put`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/store.go#L159-L198)
# logs, with how late the beacon was (`time_discrepancy_ms`). Put on one axis (seconds since the
# leader's proposal): the proposal reaches every node, each joins (each `dkg join` is a new Python
# process here, so the joins take a second or two each), and the execution — deals, responses and the
# finish, a fraction of a second, since every bundle arrives at once (fast sync) — leaves each node with
# its share. Round 1 is due at the **genesis time** the leader fixed (`--genesis-delay 8s` after the
# proposal), and one more every period (2 s). When the DKG ends first, the nodes hold their shares and
# wait (the pale bar); on a busy machine it can end *after* the genesis time, and then the nodes produce
# the rounds already due one *catch-up period* apart (`--catchup-period 1s`) until they are on time, as
# drand's round loop does in its "fast catchup mode"
# ([`Handler.run`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L368-L466)). Either way each node stores each
# round a moment after its time, once 3 partials are in.

# %%
import matplotlib.pyplot as plt

from drand_edu.viz.timeline import node_timeline, plot_session_timeline, timeline_explorer, timeline_facts


def session_timelines():
    """Each node's timeline, from its DKG log and node.log, and the chain's genesis time and period."""
    wait_for_rounds(3)
    info = json.loads(cli_output("client", "get", "chain-info", "--url", public_urls()[0]))
    logs = dkg_logs()
    lanes = [node_timeline(f"node {i}", logs[i], (demo / f"node{i}" / "node.log").read_text(),
                           info["genesis_time"]) for i in range(4)]  # fmt: skip
    return lanes, info["genesis_time"], info["period"]


timelines, genesis, period = session_timelines()
plot_session_timeline(timelines, genesis, period)
plt.show()
for fact in timeline_facts(timelines, genesis, period):
    print(fact)

# %% [markdown]
# Pick one node, or move the window to zoom in on the DKG (its steps are tenths of a second apart) or on
# the rounds (the figure above is the default: every node, the whole run):

# %%
timeline_explorer(*session_timelines())

# %% [markdown]
# **Try it.** Stop node 3 — `drand_edu_cli("stop", "--folder", "demo/node3")` — wait six seconds
# (`time.sleep(6)`), then run the two cells above again (their `public_urls()` starts node 3 again).
# Predict: did the chain go on without node 3? What does node 3's lane show after it is back?

# %% [markdown] tags=["try-answer"]
# **Answer.** The chain goes on: the threshold is 3 of 4, so the three running nodes still gather 3
# partials for every round, and `wait_for_rounds` sees their rounds grow. Node 3's lane shows a gap, then a
# burst: a node that starts on a running chain asks its peers for the rounds it missed and stores them
# within a moment of each other, while it waits for the next round's time to sign again. drand's
# [`Handler.Catchup`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L277-L286)
# does that: it starts the round loop at the next round's time and, meanwhile, syncs every round up to
# that one from its peers (`RunSync`). (In node 3's `node.log` the burst's
# `time_discrepancy_ms` values are large: those rounds were stored seconds after their time.) With two nodes
# stopped, only 2 partials would exist per round and the chain would stall until a third came back.

# %% [markdown]
# Are all the nodes there? drand's `util check`
# ([`checkConnection`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/cli.go#L756-L818))
# asks each address for its identity and reports which nodes answer; ours is `check_nodes`:

# %%
running_nodes()
answered = cli_output("util", "check", *addresses).count("answers correctly")
print(answered, "of 4 nodes answer")

# %% [markdown]
# The chain's info, as a client sees it: go-clients' `drand-client get chain-info`
# ([`getChainInfo`](https://github.com/drand/go-clients/blob/7c896735d9a9b2cad51f7916e0fe570519f8431d/internal/cli.go#L132-L144)
# fetches the info from the first relay that answers and prints it); ours is `drand-edu client get
# chain-info`:

# %%
# NBVAL_IGNORE_OUTPUT
# A fresh DKG: a new key and chain hash each run.
def chain_hash_of(url):
    """The chain hash of the chain a node serves, as ``drand-edu client get chain-info`` reads it."""
    return json.loads(cli_output("client", "get", "chain-info", "--url", url))["hash"]


urls = public_urls()
drand_edu_cli("client", "get", "chain-info", "--url", urls[0])

# %% [markdown]
# ## 4. A follower: `sync` and `sync --follow`
#
# A follower keeps a verified copy of the chain without signing. drand's `sync` does one of two things
# ([`syncCmd`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/control.go#L427-L433)):
# with `--follow` it follows the chain from the `--sync-nodes`, up to `--up-to` if given; without it, it
# only *checks*: it requires `--up-to N`, checks the stored rounds 1..min(N, last) by their signatures
# alone, re-fetches the faulty ones from the sync nodes (a dry run if the only sync node is the node
# itself), and never appends a new round — so a follower fills its store with `--follow` first. drand asks
# the daemon to do it on its own database; ours works on a SQLite file (`--db`, ours). The check and its
# corrections fetch from public APIs (`--url`, ours); `--follow --sync-nodes` reads the nodes' `SyncChain`
# streams on their peer ports, as drand's does (session 7). Every beacon is verified (signatures batched,
# links from the genesis seed on) before it is written.

# %%
from drand_edu.store import SQLiteStore, check_store

urls = public_urls()
chain_hash = chain_hash_of(urls[0])
client = Client(urls, chain_hash=chain_hash)
db = f"follower-{chain_hash[:8]}.db"  # one store per chain (a new DKG, a new chain)
sync = ["--chain-hash", chain_hash, "--db", db]
target = current_round(urls[0]) + 1
cli_output("sync", "--follow", "--url", urls[2], "--sync-nodes", ",".join(addresses), *sync, "--up-to", str(target))
info_now = client.info()
follower = SQLiteStore(workdir / db, genesis_seed=info_now.genesis_seed, chained=info_now.scheme.chained)
print("followed the chain up to the round after the current one:", follower.last_round() == target)
print("and its store checks out:", check_store(info_now, follower) == [])
checked = cli_output("sync", "--url", urls[0], "--url", urls[1], *sync, "--up-to", str(target + 100))
print("sync without --follow checked the stored rounds only:", f"1 to {target} (signatures only): 0 faulty" in checked)
print("and appended nothing:", follower.last_round() == target)
follower.close()

# %% [markdown]
# ## 5. Consuming randomness
#
# An application asks a client — pinned to the chain hash, with several endpoints for failover — for the
# latest beacon and derives its numbers from it (session 8 shows how to do that fairly):

# %%
# NBVAL_IGNORE_OUTPUT
# The latest round and its randomness change every 2 seconds.
from drand_edu.client import BeaconRandom

urls = public_urls()
client = Client(urls, chain_hash=chain_hash_of(urls[0]))  # pinned: another chain's beacons are refused
latest = client.latest()
print("round", latest.round, "randomness", latest.randomness.hex())
print("today's dice:", BeaconRandom(latest, "dice").randint(1, 6))

# %% [markdown]
# > **Asked in the room:** who sees a beacon first — and can they front-run it? The nodes do. At a round's
# > time each node signs its partial and sends it to every other node
# > ([`broadcastNextPartial`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/node.go#L468-L546)); each node that has gathered
# > the threshold of partials recovers the beacon and stores it
# > ([`runAggregator`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/chain/beacon/chainstore.go#L149-L301)), and only then can its public
# > API, the relays and their caches serve it — milliseconds to seconds later (the figure of section 3
# > shows when each node stored each round). No single node can know a beacon earlier: it needs the
# > others' partials, and honest nodes sign only at the round's time. But any threshold of operators
# > together could sign *any* future round whenever they like: that is the trust drand asks for. So an
# > application fixes the round it will use *before* that round is due (bets close first) and never takes
# > "the latest" beacon after the fact. [Notebook 02](02_beacons.ipynb) goes into it in depth.

# %% [markdown]
# drand's own clients are less strict than ours (session 8 shows where). In Go (`github.com/drand/go-clients`)
# the plain HTTP client checks the chain info's hash but does **not** verify beacons; wrap it with `client.New`:
#
# ```go
# h, _ := http.NewSimpleClient("https://api.drand.sh", chainHashHex) // info's hash checked, beacons NOT verified
# c, _ := client.New(client.From(h), client.WithChainHash(chainHash)) // this one verifies every beacon
# r, _ := c.Get(ctx, 0)                                               // latest, verified
# fmt.Println(r.GetRound(), hex.EncodeToString(r.GetRandomness()))
# ```
#
# and in JavaScript (npm `drand-client`; it verifies beacons, and compares the info's stated hash and key with
# the pinned strings without recomputing the hash) — run here with node against our network:

# %%
# NBVAL_IGNORE_OUTPUT
# Needs node and npm (installed on first use); the randomness changes every run.
from drand_edu import js

if js.node_available():
    node = js.ensure_packages()
    urls = public_urls()
    info_now = Client(urls, chain_hash=chain_hash_of(urls[0])).info()
    check = subprocess.run([node, str(js.JS_DIR / "drand_client_check.mjs"), urls[1], info_now.hash_hex,
                            info_now.public_key.hex(), "2"], capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stderr
    print("drand-client verified round 2:", check.stdout.strip())
else:
    print("node/npm not installed: skipping the JavaScript client")

# %% [markdown]
# Stop the network, node by node. drand's `stop` is a call on the control port
# ([`stopDaemon`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/internal/drand-cli/daemon.go#L52-L78)
# sends `Shutdown`: with `--id` for one beacon process, without for the whole daemon), not a signal; ours
# too (`stop_node`, answered by the daemon's `NodeDaemon.stop`):

# %%
for i, process in enumerate(nodes):
    drand_edu_cli("stop", "--folder", f"demo/node{i}")
    process.wait(timeout=10)

# %% [markdown]
# ## 6. The real `drand`, beside ours
#
# Everything above ran `drand-edu`. With Go on the machine, `make drand` builds drand's own binary from
# drand v2.1.4's source (the release nearest the commit this course cites) into `tests/drandref/bin/drand`,
# and the cells below run it: what they show is what drand itself printed, in the run whose outputs are
# stored here. Without the binary each cell says so in one line and the course goes on. (drand v2's nodes
# speak gRPC over TLS to each other; the binary is built with drand's `conn_insecure` tag, as drand's own
# `demo/main.go` builds it, so that a network on 127.0.0.1 needs no certificates.)

# %%
# NBVAL_IGNORE_OUTPUT
# What drand's own binary prints (its keys are fresh each run); one line when it is not built here.
from drand_edu import realdrand

drand = realdrand.find_drand()
real_dir = workdir / "real-drand"


def drand_cli(*args):
    """Run drand's own ``drand ARGS``: what it printed (drand logs on stderr), then its exit code."""
    done = realdrand.run(drand, [str(a) for a in args])
    print((done.stdout + done.stderr).strip().replace(str(real_dir), "…"))
    print(f"(exit code {done.returncode})")
    return done


if drand is None:
    print("drand's own binary is not here: `make drand` (needs Go) builds it, and this section runs it")
else:
    drand_cli("--version")
    shutil.rmtree(real_dir, ignore_errors=True)
    solo = ["--folder", real_dir / "solo", "--id", "default", "--control", free_port()]
    drand_cli("generate-keypair", *solo, "--scheme", "bls-unchained-g1-rfc9380", "127.0.0.1:4444")

# %% [markdown]
# `generate-keypair` also tries to hand the new keys to a running daemon on the control port; none runs
# here, so it says so and keeps them in the folder. Now a real network of three drand daemons, made with
# drand's own commands — the ones of section 3: `generate-keypair` and `start` for each node, then
# `dkg generate-proposal`, `dkg init`, `dkg join`, `dkg execute` — by `drand_edu.realdrand.start_network`,
# which keeps each command and what it printed:

# %%
# NBVAL_IGNORE_OUTPUT
# A real network: fresh keys, ports and chain each run (about 15 seconds); skipped without the binary.
if drand is None:
    print("no drand binary: `make drand` (needs Go)")
else:
    stop_kept("session 1 real drand")  # run again: the earlier network stops and its folder goes first
    shutil.rmtree(real_dir / "net", ignore_errors=True)
    network = realdrand.start_network(3, genesis_delay=8, wait_round=1, folder=real_dir / "net")
    real_net = keep_running("session 1 real drand", network)  # stopped below, or with the kernel
    for command in real_net.transcript:  # each command, and the last line it printed (shortened)
        said = [ln for ln in command.stdout.splitlines() if ln.strip() and not ln.startswith("drand 2.")]
        last = (said or ["(nothing on stdout)"])[-1].replace(str(real_dir), "…")
        print("$", command.line.replace(str(real_dir), "…"), "\n   ", last[:100] + ("…" if len(last) > 100 else ""))
    print("serving round", real_net.latest_round(), "of chain", real_net.info()["hash"][:16], "…")

# %% [markdown]
# The same questions as in section 3, asked of a real node through its control port:

# %%
# NBVAL_IGNORE_OUTPUT
# Real keys, ports and times; skipped without the binary.
def real_net_running() -> bool:
    """Whether the real network of the cell above still runs (the cell below stops it)."""
    running = drand is not None and "real_net" in globals() and all(
        node.process is not None and node.process.poll() is None for node in real_net.nodes
    )
    if drand is not None and not running:
        print("the real network was stopped: run the cell that starts it again")
    return running


if drand is None:
    print("no drand binary: `make drand` (needs Go)")
elif real_net_running():
    control = real_net.nodes[0].control
    drand_cli("show", "chain-info", "--control", control)
    drand_cli("util", "check", real_net.nodes[1].private)
    drand_cli("dkg", "status", "--control", control, "--format", "csv")

# %% [markdown]
# Its public HTTP API, and our verifier on its chain: `drand-edu verify` checks the real node's beacons
# against its `/info`. Then `drand stop` on each node.

# %%
# NBVAL_IGNORE_OUTPUT
# Real rounds and times; skipped without the binary.
if drand is None:
    print("no drand binary: `make drand` (needs Go)")
elif real_net_running():
    status, headers, body = real_net.get("/public/latest")
    print(status, {k: headers[k] for k in ("Cache-Control", "Expires", "Last-Modified")})
    last = json.loads(body)["round"]
    beacons = [json.loads(real_net.get(f"/public/{r}")[2]) for r in range(1, last + 1)]
    (workdir / "real-info.json").write_text(json.dumps(real_net.info()))
    (workdir / "real-beacons.json").write_text(json.dumps(beacons))
    drand_edu_cli("verify", "--info", "real-info.json", "real-beacons.json")
    stop_kept("session 1 real drand")
    for command in real_net.transcript[-3:]:
        said = " ".join(ln for ln in command.stdout.splitlines() if not ln.startswith("drand 2."))
        print("$", command.line, "→ exit", command.returncode, "·", said[:90] + "…")

# %% [markdown]
# Put side by side — the same requests to a real node and to ours, the same commands to both CLIs — they
# agree on what the course teaches: status codes, cache times, the JSON of beacons and chain info, the
# flags and exit codes of `show`, `util check` and the DKG flow. The table is
# [`docs/drand-side-by-side.md`](../docs/drand-side-by-side.md), made by `tests/test_real_drand.py`, and
# the differences it found are ours on purpose (each listed in `tests/data/differences.toml`):
#
# - on `/public/latest` drand writes `max-age:N` with a colon (`max-age:3, public` above), which caches do
#   not read as a max-age; they go by its `Expires`. Ours writes the standard `max-age=N`, with the same
#   `Expires`;
# - drand serves `/info` and stored beacons with Go's `ServeContent`, so it offers
#   byte ranges (`Accept-Ranges`) and conditional requests; a beacon is 200 bytes and ours sends it whole;
# - drand's refusals have an empty body or one line of text; our errors carry a JSON body
#   `{"error": "..."}` that says why, with drand's status codes (a past round a node lacks is a 500 in both);
# - drand's API starts following the chain on its first request: a real node's first `/health` answers 503
#   with `current: 0`; ours reads its store and is right from the first request;
# - `drand show public` names its fields `pubKey`, `addr`, `schemeName`...; ours uses our key file's
#   names. drand's `show group` wraps the file in a banner and a hash line; ours prints the group file only.
#   `dkg status` prints one line in ours (`--format json` for everything); drand prints a table;
# - drand's `sync` is a request to the running daemon (`--up-to` required, `--chain-hash` for `--follow`);
#   our `sync` works on a stopped node's store or a SQLite file, with the chain info from `--url`. And v2.1.4's
#   `drand sync --follow` can end in a nil-pointer panic (exit 2) once the chain is followed: its CLI reads
#   a progress channel the daemon has closed (a race; ours exits 0 at `--up-to`);
# - `drand stop` exits 1 (`error stopping drand daemon: ... Unavailable`) although the daemon stops: the
#   daemon closes the control connection before its answer arrives. Ours answers, then stops: exit 0.

# %% [markdown]
# ## Exercises
#
# Each exercise has a task cell (write your answer there), a check cell, and hints in steps: stuck? call
# `drand_edu.exercises.hint("<name>")` (each call gives one more step; the name is given in the task).

# %% [markdown]
# ### Exercise 1 (Explore) — what the chain hash is made of
#
# A client pins a chain by its hash. But which of the `/info` fields does that hash cover? Find out by
# experiment: take a copy of mainnet's `/info` JSON (`info_json` below), change **one** field, delete the
# stated `"hash"` (or `ChainInfo.from_json` refuses the copy), and compare `ChainInfo.from_json(copy).hash_hex`
# with the original's. Put the names of the fields whose change moves the hash in `hashed_fields` (a set of
# strings; for the beacon id write `"metadata.beaconID"`). Stuck? `drand_edu.exercises.hint("hashed_fields")`.

# %%
import copy

info_json = json.loads(Path("data", "beacons-mainnet-default.json").read_text())["info"]
print(sorted(info_json), info_json["metadata"])

hashed_fields = ...  # your answer: a set of field names

# %%
drand_edu.exercises.check_hashed_fields(hashed_fields)


# %% tags=["solution"]
def hash_after(edit):
    """The chain hash of a copy of info_json changed by ``edit`` (without the stated hash)."""
    changed = copy.deepcopy(info_json)
    del changed["hash"]
    edit(changed)
    return ChainInfo.from_json(changed).hash_hex


def flip(hex_text):  # another hex string of the same length
    return ("1" if hex_text[0] == "0" else "0") + hex_text[1:]


def negate(key_hex):  # another key: the sign bit (0x20 of the first byte) flipped gives the point -P
    return f"{int(key_hex[:2], 16) ^ 0x20:02x}" + key_hex[2:]  # random hex is no point: from_json refuses it


edits = {
    "period": lambda j: j.update(period=j["period"] + 1),
    "genesis_time": lambda j: j.update(genesis_time=j["genesis_time"] + 1),
    "public_key": lambda j: j.update(public_key=negate(j["public_key"])),
    "groupHash": lambda j: j.update(groupHash=flip(j["groupHash"])),
    "schemeID": lambda j: j.update(schemeID="pedersen-bls-unchained"),  # same key size as mainnet's
    "metadata.beaconID": lambda j: j["metadata"].update(beaconID="another-id"),
}
original = hash_after(lambda j: None)
hashed_fields = {name for name, edit in edits.items() if hash_after(edit) != original}
print("change the hash:", sorted(hashed_fields))
print("'' instead of 'default' changes it:", hash_after(lambda j: j["metadata"].update(beaconID="")) != original)
drand_edu.exercises.check_hashed_fields(hashed_fields)


# %% [markdown]
# ### Exercise 2 (Implement) — which round is it now?
#
# A client that wants "the latest beacon" must know which round is due. Write `my_round_at(genesis_time,
# period, now)`: the number of the latest round that is due at Unix time `now` (whole seconds, with
# `now ≥ genesis_time`; round 1 is due at the genesis time, and one more round every `period` seconds).
# The check tries many chains, at genesis, on round boundaries and between them.
# Stuck? `drand_edu.exercises.hint("current_round")`.

# %%
def my_round_at(genesis_time, period, now):
    ...  # your code


# %%
drand_edu.exercises.check_current_round(my_round_at)


# %% tags=["solution"]
def my_round_at(genesis_time, period, now):
    return (now - genesis_time) // period + 1


drand_edu.exercises.check_current_round(my_round_at)


# %% [markdown]
# ### Exercise 3 (Break) — two chains, one hash
#
# drand's [`Hash`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/chain/info.go#L45-L64)
# feeds SHA-256 the fields you found in Exercise 1, one after the other. A chain hash is meant to name
# **one** chain. Write `my_twin(info)`: given a `ChainInfo` (with a beacon id of a few letters), return
# another chain info — a `ChainInfo` or its `/info` JSON — with the **same chain hash**, the **same
# scheme**, and a **different beacon id** (`""` and `"default"` count as the same id). That is what counts
# as a break; changing only the stated `hash`, or only the scheme (which is not hashed, Exercise 1), is not
# one. The check tries chains with random keys, seeds and beacon ids.
# Stuck? `drand_edu.exercises.hint("twin_chain")`.

# %%
import dataclasses


def my_twin(info):
    ...  # your code


# %%
drand_edu.exercises.check_twin_chain(my_twin)


# %% tags=["solution"]
def my_twin(info):
    # nothing in the hashed bytes marks where the seed ends and the id begins: move one byte across
    seed = info.genesis_seed + info.beacon_id[:1].encode()
    return dataclasses.replace(info, genesis_seed=seed, beacon_id=info.beacon_id[1:])


# Why it works: the hashed bytes carry no lengths or separators, so "seed ‖ id" can be cut in more than
# one place. Real seeds are 32 bytes (the group's hash): a client that checks that length is not fooled,
# but the hash alone does not check it.
drand_edu.exercises.check_twin_chain(my_twin)

# %% [markdown]
# ### Exercise 4 (Connect) — the edges of drand's clock
#
# Open drand's [`TimeOfRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L13-L38)
# (with the constant above it) and [`CurrentRound`](https://github.com/drand/drand/blob/f45e7e0435299e45a7ea5c321e2963cd2c81605f/common/time.go#L40-L63)
# (which calls `NextRound`, just below it) in `common/time.go`. For mainnet — genesis 1595431050, period
# 30 s — what does drand's code answer for:
#
# - `round_zero_time`: `TimeOfRound(30 s, 1595431050, 0)`;
# - `before_genesis_round`: `CurrentRound(1595431050 - 3600, 30 s, 1595431050)`, an hour before genesis;
# - `far_round_time`: `TimeOfRound(30 s, 1595431050, 2**60)` (a number, or the name of drand's constant).
#
# Follow each input through the Go code; the formula of Exercise 2 is not the whole story.
# Stuck? `drand_edu.exercises.hint("time_edges")`.

# %%
round_zero_time = ...  # your answers
before_genesis_round = ...
far_round_time = ...

# %%
drand_edu.exercises.check_time_edges(round_zero_time, before_genesis_round, far_round_time)

# %% tags=["solution"]
round_zero_time = 1595431050  # `if round == 0 { return genesis }`
before_genesis_round = 1  # NextRound answers 1 before genesis, and CurrentRound returns it as it is
far_round_time = (2**63 - 1) - 2**36  # TimeOfRoundErrorValue = math.MaxInt64 - maxTimeBuffer (1 << 36)
drand_edu.exercises.check_time_edges(round_zero_time, before_genesis_round, far_round_time)

# %% [markdown]
# ## In drand's source
#
# | here | drand |
# |---|---|
# | `drand-edu generate-keypair`, `start`, `stop` | `drand generate-keypair`, `drand start`, `drand stop` (`internal/drand-cli/cli.go`, `internal/drand-cli/daemon.go`) |
# | `drand-edu dkg generate-proposal/init/join/accept/execute/status/reshare` | `drand dkg ...` (`internal/drand-cli/dkg_cli.go`); the DKG process in `internal/dkg/dkg_process.go`, `internal/dkg/execution.go` |
# | the control port (`drand_edu/api/control.py`) | `protobuf/drand/control.proto`, `protobuf/dkg/dkg_control.proto`, `--control 8888` |
# | `NodeDaemon` (several beacons, one set of ports) | `DrandDaemon` in `internal/core/drand_daemon.go` |
# | `demo up/down` (ours) | drand's `demo/`, a Go program (`demo/main.go`, `demo/lib/orchestrator.go`) that starts real `drand` processes and drives them through the CLI |
# | `drand-edu client get public`, `client get chain-info` | go-clients' `drand-client get public`, `get chain-info` |
# | `drand-edu sync`, `sync --follow` | `drand sync`, `drand sync --follow` (`internal/drand-cli/control.go`) |
# | `drand-edu util check`, `util list-schemes` | `drand util check`, `drand util list-schemes` |
# | `HttpNetwork` (HTTP/JSON between nodes) | gRPC in `internal/net` with `protobuf/drand/protocol.proto` |
# | `Client` | `drand/go-clients` (`client/http`), npm `drand-client` |

# %% [markdown] tags=["instructor"]
# **Instructor notes.** The plan of this session (the guide, the slides' speaker notes and these notes
# all come from `docs/plan.toml`). What to cut when late, the live-coding script and which sections
# later cells need are in `docs/instructor-guide.md`.
#
# <!-- plan: written by scripts/make_plan.py from docs/plan.toml; edit it there -->
# **Teaching, 45 minutes:**
#
# - **1 min** · You will learn — Read the four objectives aloud.
# - **4 min** · 1. What drand is — Open https://api.drand.sh/public/latest if online, else the stored beacons;
#   the League of Entropy and its two main chains.
# - **7 min** · 2. A tour of the command line — `drand_edu_cli("--help")`, `util list-schemes`, then
#   `simulate` and `verify`: a whole network's output checked by an independent verifier. Learners may type
#   along in a terminal.
# - **18 min** · 3. A network of real processes, set up by hand — The session: `generate-keypair` for four
#   nodes, `start`, `dkg generate-proposal` (open proposal.toml), `dkg init --proposal` (refused without
#   `--genesis-delay`, as drand), `join`, `execute`, `dkg status`; show a node folder (the key store of
#   session 3). The moment: every node has produced at least 3 rounds, and the timeline figure shows each
#   node's DKG steps and rounds on one axis. In a hurry: `drand-edu demo up` does it all.
# - **5 min** · 4. A follower: `sync` and `sync --follow` — A follower checks, syncs and follows; its store
#   checks out.
# - **7 min** · 5. Consuming randomness — `BeaconRandom(latest, "dice").randint(1, 6)`; the Go and JS snippets
#   are for reading. Always end with the `stop` loop (or `demo down` after `demo up`).
# - **3 min** · Recap — The recap, and where the same things live in drand's source.
#
# **Questions and pairs, 30 minutes:**
#
# - **8 min** · Exercises — Questions.
# - **22 min** · Exercises — Pairs: Exercise 1 (Explore: what the chain hash is made of) and Exercise 2
#   (Implement: which round is it now?); Exercise 3 (Break: two chains, one hash) for pairs that finish early;
#   Exercise 4 (Connect: drand's `TimeOfRound`/`CurrentRound`) as homework. Point stuck pairs to
#   `drand_edu.exercises.hint(...)`, not the solution.
# <!-- end of plan -->

# %% [markdown]
# ## Recap
#
# - drand publishes a verifiable random value every period; a threshold of League of Entropy nodes signs it.
# - drand's CLI: keys, `start`, a proposal file then `dkg init --proposal`, `show`, `util check`, `sync`, `stop`
#   (through the control port); ours beside it: `verify`, `simulate`, `demo`, `client get`.
# - A network of processes, a follower that verifies everything, a client pinned to a chain hash.
#
# Next: [Session 2 — What is a drand beacon?](02_beacons.ipynb)
