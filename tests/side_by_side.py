"""A real drand node and one of ours, asked the same things: the HTTP API and the CLI, side by side.

``tests/test_real_drand.py`` observes both networks with :func:`observe_api` and :func:`observe_cli`, checks
that every difference is one we list (:data:`EXPECTED`, with its entry in ``tests/data/differences.toml``)
and that ``docs/drand-side-by-side.md`` is what :func:`render` makes of the observations. To regenerate
that table (needs drand's binary, ``make drand``)::

    .venv/bin/python -m tests.side_by_side

Every answer is reduced to what does not change from run to run (:func:`answer_shape`, :func:`cli_shape`):
the status, ``Cache-Control`` with its changing ages as ``N``, ``Content-Type``, which of the other headers
are there, and the body's shape (a JSON object's keys, empty, or a text with its numbers and hex hidden).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "drand-side-by-side.md"
DIFFERENCES = ROOT / "tests" / "data" / "differences.toml"
SCHEME = "bls-unchained-g1-rfc9380"
PERIOD = 3
GROUP = "drand_group.toml"

#: the API requests: (what, path); {hash} is the node's own chain hash, {next} the round after the latest
API_CASES: list[tuple[str, str]] = [
    ("chain info", "/info"),
    ("chain hashes", "/chains"),
    ("health", "/health"),
    ("latest beacon", "/public/latest"),
    ("round 0 (means latest)", "/public/0"),
    ("a stored round", "/public/1"),
    ("the current round", "/public/{latest}"),
    ("the next round (waits for it)", "/public/{next}"),
    ("a far-future round", "/public/{far}"),
    ("round 2^64 - 1", "/public/18446744073709551615"),
    ("not a number", "/public/abc"),
    ("a negative round", "/public/-1"),
    ("no round", "/public/"),
    ("a trailing slash", "/info/"),
    ("the root", "/"),
    ("an unknown path", "/nope"),
    ("per chain hash: info", "/{hash}/info"),
    ("per chain hash: latest", "/{hash}/public/latest"),
    ("per chain hash: a round", "/{hash}/public/1"),
    ("per chain hash: health", "/{hash}/health"),
    ("per chain hash: chains", "/{hash}/chains"),
    ("an unknown chain hash", "/abcd/info"),
    ("a beacon id instead of a hash", "/default/info"),
    ("a hash that is not hex", "/zz/info"),
]
#: a node's very first /health request (node 2, which nobody asked before): its own row
FIRST_HEALTH = "health, a node's first request"

#: the CLI cases: (what, drand's arguments, ours); {control} {folder} {peer} {group} {closed} {db} get filled
CLI_CASES: list[tuple[str, str, str]] = [
    ("show public", "show public --control {control}", "show public --folder {folder}"),
    ("show chain-info", "show chain-info --control {control}", "show chain-info --folder {folder}"),
    ("show group", "show group --control {control}", "show group --folder {folder}"),
    ("util check, a node", "util check {peer}", "util check {peer}"),
    ("util check, nobody there", "util check {closed}", "util check {closed}"),
    ("util check --group", "util check --group {group}", "util check --group {group}"),
    ("dkg status", "dkg status --control {control}", "dkg status --folder {folder}"),
    ("sync, no --up-to", "sync --control {control} --sync-nodes {peer}",
     "sync --folder {folder} --sync-nodes {peer}"),
    ("sync --up-to 2", "sync --control {control} --sync-nodes {peer} --up-to 2",
     "sync --folder {folder} --sync-nodes {peer} --up-to 2"),
    ("sync --follow, no chain hash", "sync --follow --control {control} --sync-nodes {peer} --up-to 2",
     "sync --follow --db {db} --sync-nodes {peer} --up-to 2"),
    ("stop", "stop --control {control}", "stop --folder {folder}"),
]  # fmt: skip

#: each difference we know of, by row: the ids of tests/data/differences.toml that explain it
EXPECTED: dict[str, set[str]] = {
    "latest beacon": {"api-latest-max-age-colon"},
    "round 0 (means latest)": {"api-latest-max-age-colon"},
    "per chain hash: latest": {"api-latest-max-age-colon"},
    "chain info": {"api-accept-ranges"},
    "per chain hash: info": {"api-accept-ranges"},
    "a stored round": {"api-accept-ranges"},
    "per chain hash: a round": {"api-accept-ranges"},
    "the current round": {"api-accept-ranges"},
    "the next round (waits for it)": {"api-accept-ranges"},
    FIRST_HEALTH: {"api-health-first-request"},
    "show public": {"cli-show-public-fields"},
    "show group": {"cli-show-group-banner"},
    "dkg status": {"cli-dkg-status-pretty"},
    "sync, no --up-to": {"cli-sync-offline"},
    "sync --up-to 2": {"cli-sync-offline"},
    "sync --follow, no chain hash": {"cli-sync-offline"},
    "stop": {"cli-stop-exit-code"},
}
for _what, _path in API_CASES:  # error answers: drand's are empty or a line of text, ours JSON
    if _path in {"/public/{far}", "/public/18446744073709551615", "/public/abc", "/public/-1", "/public/",
                 "/info/", "/", "/nope", "/{hash}/chains", "/abcd/info", "/default/info",
                 "/zz/info"}:  # fmt: skip
        EXPECTED.setdefault(_what, set()).add("api-error-bodies")

#: what each difference may change in an answer (the aspects of :func:`answer_shape` / :func:`cli_shape`)
ASPECTS: dict[str, set[str]] = {
    "api-latest-max-age-colon": {"cache-control"},
    "api-accept-ranges": {"headers"},
    "api-error-bodies": {"body", "content-type", "headers"},
    "api-health-first-request": {"status", "cache-control", "body"},
    "cli-show-public-fields": {"output"},
    "cli-show-group-banner": {"output"},
    "cli-dkg-status-pretty": {"output"},
    "cli-sync-offline": {"exit", "output"},
    "cli-stop-exit-code": {"exit", "output"},
    "cli-sync-follow-panic": set(),  # no row: its outcome is a race (tests/test_real_drand.py checks both)
}

#: the headers compared by presence (Date, Server, Content-Length... name the moment or the software)
COMPARED_HEADERS = ("Expires", "Last-Modified", "Accept-Ranges", "X-Content-Type-Options",
                    "Access-Control-Allow-Origin")  # fmt: skip
#: ages that are constants of drand's API (a week, five minutes, Go's largest duration): kept as they are
CONSTANT_AGES = {"604800", "300", "9223372036"}


# -- reducing an answer to its shape ------------------------------------------------------------------
def _hide(text: str) -> str:
    text = re.sub(r"(?<![\w.])/[\w.-]+(/[\w.-]+)+", "PATH", text)  # temporary folders and files
    text = re.sub(r"\b\d{1,3}(\.\d{1,3}){3}:\d+\b", "ADDR", text)
    text = re.sub(r"desc = .*", "desc = ...", text)  # gRPC's description of a broken connection varies
    text = re.sub(r"[0-9a-fA-F]{16,}", "HEX", text)
    text = re.sub(r"\d+", "N", text)
    return " ".join(text.split())[:90]


def _body_shape(body: bytes) -> str:
    if not body.strip():
        return "(empty)"
    try:
        value = json.loads(body)
    except ValueError:
        return "text: " + _hide(body.decode(errors="replace"))
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(value)) + "}"
    if isinstance(value, list):
        return (
            "["
            + ", ".join(sorted({"hex" if re.fullmatch(r"[0-9a-f]+", str(v)) else "?" for v in value}))
            + "]"
        )
    return "json " + type(value).__name__


def _age(match: re.Match) -> str:
    return f"max-age{match[1]}{match[2] if match[2] in CONSTANT_AGES else 'N'}"


def answer_shape(status: int, headers: dict[str, str], body: bytes) -> dict[str, str]:
    """An HTTP answer as the aspects we compare: ``status``, ``cache-control``, ``content-type``,
    ``headers`` (which of :data:`COMPARED_HEADERS` are there) and ``body``."""
    lower = {k.lower(): v for k, v in headers.items()}
    cache = lower.get("cache-control", "-")
    if "no-cache" not in cache:  # a cacheable answer's age changes with the moment it was asked
        cache = re.sub(r"max-age([=:])(\d+)", _age, cache)
    present = [h for h in COMPARED_HEADERS if h.lower() in lower]
    return {
        "status": str(status),
        "cache-control": cache,
        "content-type": lower.get("content-type", "-").split(";")[0],
        "headers": ", ".join(present) or "-",
        "body": _body_shape(body),
    }


def _shown(line: str) -> bool:
    """Not a log line, drand's version banner, a stack trace's file line, or blank."""
    return bool(line.strip()) and not (re.match(r"\d{4}-\d\d-\d\dT", line) or line.startswith("\t")
                                       or re.match(r"drand \d+\.\d+\.\d+ ", line))  # fmt: skip


def cli_shape(returncode: int, output: str) -> dict[str, str]:
    """A command's result as the aspects we compare: ``exit`` and ``output`` (JSON: its keys; TOML: its
    top-level keys; else the first line that is not a log line, numbers, hex and addresses hidden)."""
    lines = [ln.replace("drand-edu", "drand") for ln in output.splitlines() if _shown(ln)]
    text = "\n".join(lines)
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return {"exit": str(returncode), "output": "JSON {" + ", ".join(sorted(value)) + "}"}
    except ValueError:
        pass
    start = next((i for i, ln in enumerate(lines) if re.match(r"\w+ = ", ln)), None)
    if start is not None:
        try:
            keys = sorted(tomllib.loads("\n".join(lines[start:])))
            before = f"{_hide(lines[0])} + " if start else ""
            return {"exit": str(returncode), "output": before + "TOML {" + ", ".join(keys) + "}"}
        except tomllib.TOMLDecodeError:
            pass
    first = next((ln for ln in lines if not set(ln.strip()) <= set("+-|")), "")
    if first.startswith("|"):  # a table: its header row
        first = "table " + " ".join(c.strip() for c in first.strip("|").split("|"))
    return {"exit": str(returncode), "output": _hide(first) if first else "(nothing)"}


# -- one row of the table --------------------------------------------------------------------------------
@dataclass
class Row:
    """One request or command, asked of both: drand's answer and ours, as shapes."""

    what: str
    request: str
    drand: dict[str, str]
    ours: dict[str, str]

    @property
    def differing(self) -> set[str]:
        return {aspect for aspect in self.drand if self.drand[aspect] != self.ours.get(aspect)}

    def problems(self) -> list[str]:
        """What is wrong with this row: a difference nobody listed, or a listed one that is gone."""
        explained = set().union(*(ASPECTS[i] for i in EXPECTED.get(self.what, set())))
        out = [
            f"{self.what}: {aspect} differs (drand {self.drand[aspect]!r}, ours {self.ours.get(aspect)!r})"
            " and no listed difference explains it"
            for aspect in sorted(self.differing - explained)
        ]
        for ident in sorted(EXPECTED.get(self.what, set())):
            if not ASPECTS[ident] & self.differing:
                out.append(f"{self.what}: {ident} is listed but nothing it explains differs any more")
        return out


def _cell(shape: dict[str, str], keys: tuple[str, ...]) -> str:
    return " · ".join(f"`{shape[k]}`" for k in keys).replace("|", "\\|")


def render(api: list[Row], cli: list[Row], differences: dict[str, dict], flags: list[tuple[str, ...]]) -> str:
    """The markdown tables of the comparisons (``flags``: :func:`flag_rows`), each difference with its
    listed reason."""
    out = [
        "# drand and drand-edu side by side",
        "",
        "Generated by `tests/side_by_side.py` from what `tests/test_real_drand.py` observed: the same",
        f"requests and commands sent to a real drand v2.1.4 network (3 nodes, `{SCHEME}`, {PERIOD} s rounds,",
        "started with drand's own CLI by `drand_edu/realdrand.py`) and to one of ours (`drand-edu demo up`).",
        "Changing ages are written `N`; headers that name the software or the moment (Server, Date,",
        "Content-Length, Via) are left out; in the CLI's output numbers are `N`, hex `HEX`, addresses",
        "`ADDR`, paths `PATH`, and `drand-edu` is written `drand` so that the lines compare.",
        "Regenerate: `.venv/bin/python -m tests.side_by_side`.",
        "",
        "## HTTP API",
        "",
        "Each cell: status · Cache-Control · Content-Type · other headers · body shape.",
        "",
        "| request | path | drand | ours | same? |",
        "|---|---|---|---|---|",
    ]
    keys = ("status", "cache-control", "content-type", "headers", "body")
    for row in api:
        out.append(f"| {row.what} | `{row.request}` | {_cell(row.drand, keys)} | {_cell(row.ours, keys)} "
                   f"| {_verdict(row, differences)} |")  # fmt: skip
    out += ["", "A past round that a node does not hold is a 500 in drand (the store's error reaches",
            "`PublicRand`) and in ours, except the round right after the node's last, which both wait for;",
            "a healthy real node holds every past round, so that case is checked on ours only",
            "(`tests/test_real_drand.py::test_a_missing_past_round_is_a_500`).", "",
            "## CLI", "", "Each cell: exit code · what it printed (shape).", "",
            "| command | drand | drand-edu | same? |", "|---|---|---|---|"]  # fmt: skip
    for row in cli:
        out.append(f"| {row.what} | `drand {row.request[0]}` → {_cell(row.drand, ('exit', 'output'))} "
                   f"| `drand-edu {row.request[1]}` → {_cell(row.ours, ('exit', 'output'))} "
                   f"| {_verdict(row, differences)} |")  # fmt: skip
    out += ["", "## CLI flags", "",
            "The long flags each command's `--help` lists (without `--help`); ours include aliases",
            "(`--beacon-id` for `--id`, `--chain-hash` for `--hash`). A flag only in ours is ours",
            "(`--folder` finds a node's control port and token in its folder); one only in drand is one we",
            "do not model.",
            "",
            "| command | in both | only drand | only drand-edu |", "|---|---|---|---|"]  # fmt: skip
    for command, both, drand_only, ours_only in flags:
        out.append(f"| `{command}` | {both or '-'} | {drand_only or '-'} | {ours_only or '-'} |")
    out += ["", "## The differences", ""]
    used = sorted(
        {i for row in api + cli for i in EXPECTED.get(row.what, set()) if ASPECTS[i] & row.differing}
    )
    for ident in used:
        entry = differences.get(ident, {})
        out.append(f"- **{ident}**: drand: {entry.get('drand', '?')} Ours: {entry.get('ours', '?')} "
                   f"Why: {entry.get('why', '?')}")  # fmt: skip
    return "\n".join(out) + "\n"


def _verdict(row: Row, differences: dict[str, dict]) -> str:
    ids = sorted(i for i in EXPECTED.get(row.what, set()) if ASPECTS[i] & row.differing)
    if not row.differing:
        return "same"
    return "differs: " + ", ".join(f"{i}" for i in ids) if ids else "differs (not listed!)"


#: the commands both CLIs have, whose flags :func:`flag_rows` compares
FLAG_COMMANDS = (
    "generate-keypair", "start", "stop", "show public", "show group", "show chain-info", "util check",
    "util list-schemes", "sync", "dkg generate-proposal", "dkg init", "dkg reshare", "dkg join", "dkg accept",
    "dkg reject", "dkg execute", "dkg abort", "dkg status",
)  # fmt: skip


def drand_flags(help_text: str) -> set[str]:
    """The long flags of a drand (urfave/cli) ``--help`` text."""
    return set(re.findall(r"^\s+(--[\w-]+)", help_text, re.M)) - {"--help"}


def our_flags(command: str) -> set[str]:
    """The long flags of one of our commands, read from our argparse parser."""
    from drand_edu.cli import build_parser

    parser = build_parser()
    for word in command.split():  # ("show public": `show` takes what to show as an argument)
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        parser = subs[0].choices[word] if subs else parser
    return {o for a in parser._actions for o in a.option_strings if o.startswith("--")} - {"--help"}


def flag_rows(binary: Path) -> list[tuple[str, ...]]:
    """For each of :data:`FLAG_COMMANDS`: the command, the flags both have, only drand's, only ours."""
    from drand_edu.realdrand import run

    rows = []
    for command in FLAG_COMMANDS:
        theirs, ours = drand_flags(run(binary, [*command.split(), "--help"]).stdout), our_flags(command)
        rows.append((command, *(" ".join(f"`{f}`" for f in sorted(group))
                                for group in (theirs & ours, theirs - ours, ours - theirs))))  # fmt: skip
    return rows


def load_differences() -> dict[str, dict]:
    """tests/data/differences.toml by id."""
    return {d["id"]: d for d in tomllib.loads(DIFFERENCES.read_text())["difference"]}


# -- observing -----------------------------------------------------------------------------------------
Get = Callable[[str], tuple[int, dict[str, str], bytes]]


def http_get(url: str, timeout: float = 60.0) -> tuple[int, dict[str, str], bytes]:
    """``GET url``: status, headers, body (:func:`drand_edu.realdrand.http_get`, with more time)."""
    from drand_edu.realdrand import http_get as get

    return get(url, timeout)


def _fill(path: str, get: Get, chain_hash: str) -> str:
    if "{latest}" in path or "{next}" in path:
        latest = json.loads(get("/public/latest")[2])["round"]
        return path.format(latest=latest, next=latest + 1)
    return path.format(hash=chain_hash, far=10**6)


def observe_api(real: Get, real_hash: str, ours: Get, our_hash: str,
                real_fresh: Get, ours_fresh: Get) -> list[Row]:  # fmt: skip
    """Every request of :data:`API_CASES` to both; ``*_fresh``: a node nobody asked yet (first /health)."""
    rows = [
        Row(
            FIRST_HEALTH,
            "/health",
            answer_shape(*real_fresh("/health")),
            answer_shape(*ours_fresh("/health")),
        )
    ]
    real("/health")  # drand's API starts watching the chain on its first request (see FIRST_HEALTH)
    time.sleep(PERIOD + 0.5)
    for what, path in API_CASES:
        rows.append(Row(what, path, answer_shape(*real(_fill(path, real, real_hash))),
                        answer_shape(*ours(_fill(path, ours, our_hash)))))  # fmt: skip
    rows.insert(3, rows.pop(0))  # after the healthy /health
    return rows


#: drand's outcomes that are races, by row: each possible shape, and the one shape the table shows for all
#: of them (v2.1.4's daemon closes its control port while ``stop``'s answer is on its way: either wins)
RACES: dict[str, tuple[list[dict[str, str]], dict[str, str]]] = {
    "stop": (
        [{"exit": "1", "output": "error stopping drand daemon: rpc error: code = Unavailable desc = ..."},
         {"exit": "0", "output": "(nothing)"}],
        {"exit": "1 or 0", "output": "error stopping drand daemon: rpc error: code = Unavailable desc = ... "
                                     "(or nothing, when the answer wins the race)"},
    ),
}  # fmt: skip


def settle_race(what: str, shape: dict[str, str]) -> dict[str, str]:
    """drand's ``shape`` for row ``what``, with a known race's outcomes shown as one (others unchanged)."""
    outcomes, shown = RACES.get(what, ([], shape))
    return shown if shape in outcomes else shape


def observe_cli(run_real: Callable[[str], tuple[int, str]], run_ours: Callable[[str], tuple[int, str]],
                real_fill: dict[str, str], our_fill: dict[str, str]) -> list[Row]:  # fmt: skip
    """Every command of :data:`CLI_CASES` (``stop`` last: it stops the node it asks)."""
    rows = []
    for what, drand_args, our_args in CLI_CASES:
        real = settle_race(what, cli_shape(*run_real(drand_args.format(**real_fill))))
        ours = cli_shape(*run_ours(our_args.format(**our_fill)))
        rows.append(Row(what, (drand_args, our_args), real, ours))
    return rows


# -- both networks ---------------------------------------------------------------------------------------
@dataclass
class OurNetwork:
    """``drand-edu demo up`` in ``folder``: the node folders and public URLs; ``stop()`` is ``demo down``."""

    folder: Path
    urls: list[str]

    def node_folder(self, i: int) -> Path:
        return self.folder / f"node{i}"

    def stop(self) -> None:
        cli(["demo", "down", "--folder", str(self.folder)], timeout=120)


def cli(argv: list[str], timeout: float = 120.0) -> tuple[int, str]:
    """``drand-edu ARGV`` as a process: exit code and what it printed (stdout, then stderr)."""
    done = subprocess.run([sys.executable, "-m", "drand_edu.cli", *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def start_ours(folder: Path) -> subprocess.Popen:
    """``drand-edu demo up`` (3 nodes, threshold 2, the real network's scheme and period), started."""
    return subprocess.Popen(
        [sys.executable, "-m", "drand_edu.cli", "demo", "up", "--nodes", "3", "--threshold", "2",
         "--period", str(PERIOD), "--scheme", SCHEME, "--folder", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip


def finish_ours(folder: Path, process: subprocess.Popen, timeout: float = 300.0) -> OurNetwork:
    """Wait for ``demo up`` to finish; raise (after ``demo down``) if it failed."""
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    ours = OurNetwork(folder, re.findall(r"node \d: (http://\S+)", out or ""))
    if process.returncode != 0 or len(ours.urls) != 3:
        ours.stop()
        raise RuntimeError(f"drand-edu demo up failed ({process.returncode}): {out}")
    deadline = time.monotonic() + timeout
    from drand_edu.realdrand import latest_round

    while not all(latest_round(url) >= 2 for url in ours.urls):  # beacons, as the real network has
        if time.monotonic() > deadline:
            ours.stop()
            raise RuntimeError("our demo network made no round 2")
        time.sleep(0.5)
    return ours


def fills(real_net, ours: OurNetwork, closed: int, db: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The values of the CLI cases' placeholders, for drand's node 2 and our node 2 (stop stops them)."""
    node = real_net.nodes[2]
    real = {"control": str(node.control), "peer": real_net.nodes[1].private, "closed": f"127.0.0.1:{closed}",
            "group": str(node.folder / "multibeacon" / real_net.beacon_id / "groups" / GROUP)}  # fmt: skip
    folder = ours.node_folder(2)
    group = folder / "multibeacon" / "default" / "groups" / GROUP
    peer = re.search(r'Address = "([^"]+)"', group.read_text())[1]
    ours_fill = {"folder": str(folder), "peer": peer, "closed": f"127.0.0.1:{closed}", "group": str(group),
                 "db": str(db)}  # fmt: skip
    return real, ours_fill


def observe_all(real_net, ours: OurNetwork, scratch: Path) -> tuple[list[Row], list[Row]]:
    """Both comparisons, as the test and :func:`main` make them."""
    from drand_edu.realdrand import free_port

    real_hash = real_net.info()["hash"]
    our_hash = json.loads(http_get(ours.urls[0] + "/info")[2])["hash"]
    api = observe_api(lambda p: http_get(real_net.nodes[0].public_url + p), real_hash,
                      lambda p: http_get(ours.urls[0] + p), our_hash,
                      lambda p: http_get(real_net.nodes[2].public_url + p),
                      lambda p: http_get(ours.urls[2] + p))  # fmt: skip
    real_fill, our_fill = fills(real_net, ours, free_port(), scratch / "follow.db")

    def run_real(args: str) -> tuple[int, str]:
        done = real_net.drand(*args.split(), timeout=90)
        return done.returncode, done.stdout + done.stderr

    return api, observe_cli(run_real, lambda args: cli(args.split(), timeout=120), real_fill, our_fill)


def main() -> int:
    """Start both networks, observe, write docs/drand-side-by-side.md."""
    import tempfile

    from drand_edu import realdrand

    with tempfile.TemporaryDirectory() as tmp:
        process = start_ours(Path(tmp) / "ours")
        real_net = realdrand.start_network(3, 2, period=PERIOD, scheme=SCHEME, genesis_delay=10)
        try:
            ours = finish_ours(Path(tmp) / "ours", process)
            try:
                api, cli_rows = observe_all(real_net, ours, Path(tmp))
            finally:
                ours.stop()
        finally:
            real_net.stop()
    DOC.write_text(render(api, cli_rows, load_differences(), flag_rows(realdrand.find_drand())))
    problems = [p for row in api + cli_rows for p in row.problems()]
    print(f"wrote {DOC.relative_to(ROOT)}" + "".join(f"\n  {p}" for p in problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
