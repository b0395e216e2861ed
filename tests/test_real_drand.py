"""A real drand network beside ours: drand v2.1.4's own daemons, started with drand's own CLI
(:mod:`drand_edu.realdrand`), judge our verifier, client, timelock, HTTP API and CLI.

One real network (3 nodes, threshold 2, ``bls-unchained-g1-rfc9380``, 3 s rounds) and one of ours
(``drand-edu demo up``, the same parameters) serve every test of this file; both are stopped at the end of
the session, also when a test fails. Skipped with the reason without Go (failed with
``DRAND_EDU_REQUIRE_GO=1``). The scheme is unchained on G1 (quicknet's) because timelock needs an unchained
chain and tlock's ``tle`` v1.2.0, the release built here, has no BN254: evmnet's timelock is checked
against kyber's functions by the reference program instead (tests/drandref/README.md).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from drand_edu import realdrand
from drand_edu.api.server import MAX_AGE_CAP, ServedChain, serve
from drand_edu.cli import main
from drand_edu.store import MemoryStore

from . import side_by_side as sbs

slow = pytest.mark.slow


@pytest.fixture(scope="session")
def networks(drand_binary, tmp_path_factory):
    """(the real network, ours), running for the whole session; stopped at its end, or when starting fails."""
    folder = tmp_path_factory.mktemp("side-by-side")
    process = sbs.start_ours(folder / "ours")  # ours makes its DKG while drand's starts
    try:
        real = realdrand.start_network(3, 2, period=sbs.PERIOD, scheme=sbs.SCHEME, genesis_delay=10,
                                       binary=drand_binary, folder=folder / "real")  # fmt: skip
    except BaseException:
        try:
            sbs.finish_ours(folder / "ours", process).stop()
        finally:
            raise
    try:
        ours = sbs.finish_ours(folder / "ours", process)
    except BaseException:
        real.stop()
        raise
    yield real, ours
    try:
        ours.stop()
    finally:
        real.stop()


@pytest.fixture(scope="session")
def real(networks) -> realdrand.RealNetwork:
    return networks[0]


@pytest.fixture(scope="session")
def observations(networks, tmp_path_factory) -> tuple[list[sbs.Row], list[sbs.Row]]:
    """The API and CLI comparisons (the CLI's last command stops node 2 of each network)."""
    return sbs.observe_all(*networks, tmp_path_factory.mktemp("observe"))


def _beacons(real: realdrand.RealNetwork, last: int) -> list[dict]:
    return [json.loads(real.get(f"/public/{r}")[2]) for r in range(1, last + 1)]


# -- the real network itself -----------------------------------------------------------------------------
@slow
def test_the_network_was_made_with_drands_own_cli(real) -> None:
    """Every command of the operator's flow ran and said what drand says when it works."""
    said = {c.argv[0] if c.argv[0] != "dkg" else f"dkg {c.argv[1]}": c for c in real.transcript}
    assert [c.argv[0] for c in real.transcript].count("generate-keypair") == 3
    assert all(c.returncode == 0 for c in real.transcript[:8]), [(c.line, c.stderr) for c in real.transcript]
    assert "Proposal created successfully" in said["dkg generate-proposal"].stdout
    assert "DKG initialized successfully!" in said["dkg init"].stdout
    assert "Joined the DKG successfully!" in said["dkg join"].stdout
    assert "DKG execution started successfully!" in said["dkg execute"].stdout
    info = real.info()
    assert info["schemeID"] == sbs.SCHEME and info["period"] == sbs.PERIOD


def test_without_the_binary_realdrand_says_so(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(realdrand.BINARY_ENV, str(tmp_path / "no-drand-here"))
    assert realdrand.find_drand() is None
    with pytest.raises(realdrand.RealDrandError, match="make drand"):
        realdrand.start_network(3)
    assert not list(tmp_path.iterdir())  # nothing made


# -- our verifier, client and timelock accept the real chain ------------------------------------------
@slow
def test_our_verify_accepts_the_real_chain_and_refuses_a_tampered_beacon(real, tmp_path) -> None:
    last = real.wait_for_round(3)
    beacons = _beacons(real, last)
    (tmp_path / "info.json").write_text(json.dumps(real.info()))
    (tmp_path / "beacons.json").write_text(json.dumps(beacons))
    assert main(["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "beacons.json")]) == 0
    beacons[1]["signature"] = beacons[2]["signature"]  # round 2 with round 3's signature
    (tmp_path / "bad.json").write_text(json.dumps(beacons))
    assert main(["verify", "--info", str(tmp_path / "info.json"), str(tmp_path / "bad.json")]) == 1


@slow
def test_our_client_gets_verified_beacons_from_the_real_node(real, capsys) -> None:
    url, chain_hash = real.nodes[0].public_url, real.info()["hash"]
    capsys.readouterr()
    assert main(["client", "get", "public", "--url", url, "--hash", chain_hash, "2"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["randomness"] == json.loads(real.get("/public/2")[2])["randomness"]
    other = "00" * 32  # a chain hash the node does not serve: refused
    assert main(["client", "get", "public", "--url", url, "--hash", other, "2"]) != 0


@slow
def test_tle_encrypts_to_the_real_chain_and_we_decrypt(real, tle_binary, tmp_path, capsys) -> None:
    url, chain_hash = real.nodes[0].public_url, real.info()["hash"]
    target = real.latest_round() + 2
    (tmp_path / "msg").write_bytes(b"sealed by drand's tle")
    made = subprocess.run([str(tle_binary), "-e", "-n", url + "/", "-c", chain_hash, "-r", str(target), "-a",
                           "-o", str(tmp_path / "msg.age"), str(tmp_path / "msg")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    decrypt = [
        "tlock",
        "decrypt",
        "-u",
        url,
        "-c",
        chain_hash,
        "-o",
        str(tmp_path / "out"),
        str(tmp_path / "msg.age"),
    ]
    if real.latest_round() < target:
        assert main(decrypt) == 1  # too early: its round has no beacon yet
        assert "round" in capsys.readouterr().err
    real.wait_for_round(target)
    assert main(decrypt) == 0
    assert (tmp_path / "out").read_bytes() == b"sealed by drand's tle"


@slow
def test_we_encrypt_to_the_real_chain_and_tle_decrypts(real, tle_binary, tmp_path) -> None:
    url, chain_hash = real.nodes[0].public_url, real.info()["hash"]
    target = real.latest_round() + 2
    (tmp_path / "msg").write_bytes(b"sealed by drand-edu")
    assert main(["tlock", "encrypt", "-u", url, "-c", chain_hash, "-r", str(target),
                 "-o", str(tmp_path / "msg.age"), str(tmp_path / "msg")]) == 0  # fmt: skip
    tle = [str(tle_binary), "-d", "-n", url + "/", "-c", chain_hash, str(tmp_path / "msg.age")]
    real.wait_for_round(target)
    opened = subprocess.run(tle, capture_output=True, timeout=120)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout == b"sealed by drand-edu"


# -- the HTTP API and the CLI side by side ---------------------------------------------------------------
@slow
def test_the_http_api_side_by_side(observations) -> None:
    api, _ = observations
    assert [row.what for row in api if row.what != sbs.FIRST_HEALTH] == [what for what, _ in sbs.API_CASES]
    assert [p for row in api for p in row.problems()] == []
    by_what = {row.what: row for row in api}
    # what drand's own node says, checked here in so many words, beside the table
    assert by_what["latest beacon"].drand["cache-control"] == "max-age:N, public"
    assert by_what["a stored round"].drand["cache-control"] == "public, max-age=604800, immutable"
    assert by_what["a far-future round"].drand["status"] == "404"
    assert (
        by_what["round 2^64 - 1"].drand["cache-control"] == f"public, must-revalidate, max-age={MAX_AGE_CAP}"
    )
    assert by_what["a trailing slash"].drand["status"] == "404"
    assert by_what["the next round (waits for it)"].drand["status"] == "200"


@slow
def test_the_cli_side_by_side(observations) -> None:
    _, cli = observations
    assert [row.what for row in cli] == [what for what, _, _ in sbs.CLI_CASES]
    assert [p for row in cli for p in row.problems()] == []
    by_what = {row.what: row for row in cli}
    for what in ("util check, a node", "util check --group", "show chain-info"):
        assert by_what[what].drand == by_what[what].ours and by_what[what].ours["exit"] == "0", what
    assert by_what["util check, nobody there"].ours["exit"] == "1"


def test_the_dkg_flow_takes_drands_flags(drand_binary) -> None:
    """Every flag of drand's DKG commands, and of show, stop, util check and generate-keypair but
    ``--control`` (ours finds the node from ``--folder`` or takes ``--control``), is one of ours too."""
    for command, _, drand_only, _ in sbs.flag_rows(drand_binary):
        if (command.startswith("dkg") and command != "dkg reshare") or command.split()[0] in ("show", "stop"):
            assert drand_only.replace("`--hash`", "").replace("`--out`", "").strip() == "", (
                command,
                drand_only,
            )
    assert sbs.drand_flags("   --control value  x\n   --help, -h  y\n") == {"--control"}


@slow
def test_sync_follow_side_by_side(networks, tmp_path) -> None:
    """``sync --follow`` with the chain hash, up to a round: a fresh drand daemon follows the real chain; our
    ``sync --follow`` fills a store from our network. Listed (``cli-sync-follow-panic``): v2.1.4's CLI
    reads its progress channel after the daemon closed it, so it ends either with drand's "Finished
    following" (exit 0) or with a nil-pointer panic (exit 2), depending on which channel wins the race."""
    real, ours = networks
    follower = real.start_follower()
    chain_hash = real.info()["hash"]
    peers = ["--sync-nodes", real.nodes[1].private, "--chain-hash", chain_hash, "--up-to", "2"]
    done = real.drand("sync", "--follow", "--control", str(follower.control), *peers, timeout=120)
    said = done.stdout + done.stderr
    assert "Launching a follow request" in said, said[-800:]
    if done.returncode == 0:
        assert "Finished following beacon chain" in said, said[-800:]
    else:
        assert done.returncode == 2 and "nil pointer dereference" in said and "followSync" in said, said[
            -800:
        ]
    our_hash = json.loads(sbs.http_get(ours.urls[0] + "/info")[2])["hash"]
    peer = json.loads(sbs.cli(["show", "public", "--folder", str(ours.node_folder(0))])[1])[
        "address"
    ]  # running
    code, printed = sbs.cli(["sync", "--follow", "--url", ours.urls[0], "--sync-nodes", peer, "--chain-hash",
                             our_hash, "--db", str(tmp_path / "follower.db"), "--up-to", "2"])  # fmt: skip
    assert code == 0, printed
    from drand_edu.store import SQLiteStore

    store = SQLiteStore(tmp_path / "follower.db")
    assert store.last_round() == 2
    store.close()


@slow
def test_the_committed_table_is_current(observations, drand_binary) -> None:
    """docs/drand-side-by-side.md is what this run observed (regenerate: python -m tests.side_by_side)."""
    api, cli = observations
    flags = sbs.flag_rows(drand_binary)
    assert sbs.DOC.read_text() == sbs.render(api, cli, sbs.load_differences(), flags)


def test_a_race_in_drands_stop_is_one_row_and_nothing_else_is_hidden() -> None:
    """drand's ``stop`` exits 1 or 0 depending on a race; both give the same row, any other outcome shows."""
    error = "error stopping drand daemon: rpc error: code = Unavailable desc = conn closed"
    unavailable = sbs.cli_shape(1, error)
    quiet = sbs.cli_shape(0, "")
    assert sbs.settle_race("stop", unavailable) == sbs.settle_race("stop", quiet) == sbs.RACES["stop"][1]
    other = sbs.cli_shape(1, "error stopping drand daemon: permission denied")
    assert sbs.settle_race("stop", other) == other
    assert sbs.settle_race("show public", quiet) == quiet


def test_every_listed_difference_is_in_the_file_and_its_notebook() -> None:
    differences = sbs.load_differences()
    root = Path(__file__).resolve().parent.parent
    for ident in sbs.ASPECTS:
        entry = differences[ident]
        assert entry["test"].split("::")[0] == "tests/test_real_drand.py", ident
        assert entry["phrase"] in (root / entry["notebook"]).read_text(), ident
        assert "github.com/drand/drand/blob/" in entry["drand"], ident


# -- what we fixed after asking the real node -------------------------------------------------------------
def _served(rounds: list[int]):
    """Our API over a store holding only ``rounds`` of a simulated chain, with the clock at round 10."""
    from drand_edu.node.network import LocalNetwork
    from drand_edu.rng import seeded_rng

    net = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", period=3, rng=seeded_rng("missing round"))
    net.advance(3 * 9 + 0.5)  # rounds 1..10
    store = MemoryStore()
    for r in rounds:
        store.put(net.processes[0].store.get(r))
    return serve(ServedChain(net.info, store), clock=net.now, wait=0), net


def test_a_missing_past_round_is_a_500() -> None:
    """drand's getRand asks its store for a past round it lacks and PublicRand answers that error with 500."""
    server, _ = _served([1, 2, 3, 5])
    with server:
        assert sbs.http_get(server.url + "/public/4")[0] == 500
        assert sbs.http_get(server.url + "/public/5")[0] == 200
        assert sbs.http_get(server.url + "/public/6")[0] == 404  # the next one: waited for, not there yet


def test_odd_paths_and_the_largest_round_as_drand() -> None:
    server, _ = _served([1, 2])
    with server:
        for path in ("/info/", "//info", "/public/1/", "/"):
            assert sbs.http_get(server.url + path)[0] == 404, path
        status, headers, _ = sbs.http_get(server.url + "/public/18446744073709551615")
    assert status == 404 and headers["Cache-Control"] == f"public, must-revalidate, max-age={MAX_AGE_CAP}"
    assert MAX_AGE_CAP == 9223372036  # what a real node wrote (see the table), Go's largest duration in s
