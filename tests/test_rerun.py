"""Live-coding safety (issue #16): every notebook survives each cell run twice, run again after the cells
below it, and a second Run All.

scripts/run_twice.py executes a notebook with each code cell run twice in a row, then (from the bottom
up) each once more followed by the cell below it, then the whole notebook again in the same kernel, and
fails on an error (outside cells tagged ``raises-exception``), a re-run that starts one more process or
server, a process or listening port still there at the end, or a temporary folder left after the kernel
shut down. The first tests here check that the harness itself catches each
of those on a small notebook made to fail; then one test per course notebook (sessions 4-8 are in
tests/test_rerun_sessions.py, so that ``-n 2 --dist loadfile`` runs the two halves side by side).
"""

from __future__ import annotations

import nbformat
import pytest

from .rerun_common import check_course_notebook, harness, stems


def _notebook(tmp_path, *cells: tuple[str, list[str]]):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_harness_sees_what_a_rerun_breaks_and_what_is_left_behind(tmp_path) -> None:
    path = _notebook(
        tmp_path,
        ("import os, socket, subprocess, sys, tempfile\nimport drand_edu\nruns = []", []),
        ("runs.append(1)\nassert len(runs) == 1, 'second run'", []),  # fails when run again
        ("with drand_edu.expect_error(ValueError):\n    {}['typo']", []),  # another error than the lesson
        ("raise KeyError('first') if not runs.append(2) and runs.count(2) == 1 else ValueError('other')",
         ["raises-exception"]),  # the demonstrated error changes on a re-run
        ("raise KeyError('always the same')", ["raises-exception"]),  # fine: the lesson is the same each time
        # in a session of its own a process outlives the kernel (whose process group is signalled at shutdown)
        ("sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],\n"
         "                           start_new_session=True)", []),
        ("runs.append(socket.socket()); runs[-1].bind(('127.0.0.1', 0)); runs[-1].listen()", []),
        ("left = tempfile.mkdtemp(prefix='probe-left-')", []),
    )
    report = harness().check_notebook(path, repeat=2)
    text = report.text()
    problems = report.problems
    assert any("cell 1" in p and "run 2 of 2" in p and "AssertionError: second run" in p
               for p in problems), text
    assert not any("cell 1" in p and "run 1 of 2" in p for p in problems), text
    assert sum("cell 2" in p and "KeyError" in p for p in problems) == 2, text  # expect_error lets it through
    assert any("cell 3" in p and "ValueError" in p and "first run: KeyError" in p for p in problems), text
    assert not any("cell 4" in p for p in problems), text
    assert any("cell 5" in p and "run 2 of 2" in p and "1 more child process" in p for p in problems), text
    assert any("cell 6" in p and "run 2 of 2" in p and "1 more listening port" in p for p in problems), text
    at_exit = [p for p in problems if "when the kernel stops" in p]
    assert sum("child process still running" in p for p in at_exit) == 2, text
    assert sum("port still listening" in p for p in at_exit) == 2, text
    assert sum("after kernel shutdown: process survived" in p for p in problems) == 2, text
    assert sum("temporary folder left: probe-left-" in p for p in problems) == 2, text


def test_the_harness_passes_a_notebook_that_cleans_up_and_reruns_from_a_cell(tmp_path) -> None:
    path = _notebook(
        tmp_path,
        ("import socket, subprocess, sys, tempfile\nimport drand_edu\nseen = []", []),
        ("with tempfile.TemporaryDirectory() as folder:\n    seen.append(folder)", []),
        ("child = subprocess.Popen([sys.executable, '-c', 'pass'])\nchild.wait()", []),
        ("with socket.socket() as s:\n    s.bind(('127.0.0.1', 0)); s.listen()", []),
        # kept until the kernel stops, replaced by a re-run: drand_edu.notebook.keep_running
        ("from drand_edu.notebook import keep_running, temporary_folder\n"
         "kept = socket.socket(); kept.bind(('127.0.0.1', 0)); kept.listen()\n"
         "keep_running('listener', kept)\n"
         "sleep = [sys.executable, '-c', 'import time; time.sleep(60)']\n"
         "sleeper = keep_running('sleeper', subprocess.Popen(sleep))\n"
         "folder = temporary_folder('probe-kept-')", []),
        ("with drand_edu.expect_error(KeyError):\n    {}['missing']", []),
        ("assert len(seen) >= 1", []),
    )
    run_twice = harness()
    report = run_twice.check_notebook(path, repeat=2, again_from=1)
    assert report.ok, report.text()
    assert report.runs == 7 * 2 + 6  # every cell twice, then cells 1..6 once more


def test_the_harness_runs_again_after_the_cells_below(tmp_path) -> None:
    # cell 1 works on its own and twice in a row, but not after cell 2 ran: --again-from and --upwards see it
    path = _notebook(tmp_path, ("state = {'open': True}", []),
                     ("assert state['open'], 'closed by a later cell'", []),
                     ("state['open'] = False", []))
    run_twice = harness()
    assert run_twice.check_notebook(path, repeat=2).ok
    report = run_twice.check_notebook(path, repeat=1, again_from=1)
    again = [p for p in report.problems if "again from cell 1" in p and "closed by a later cell" in p]
    assert again, report.text()
    report = run_twice.check_notebook(path, repeat=1, upwards=True)
    upwards = [p for p in report.problems if "cell 1" in p and "after the cells below it" in p]
    assert len(report.problems) == len(upwards) == 1, report.text()
    report = run_twice.check_notebook(path, repeat=1, pairs=True)
    pairs = [p for p in report.problems if "cell 1" in p and "again, then the cell below it" in p]
    assert len(report.problems) == len(pairs) == 1, report.text()


def test_the_harness_runs_a_cell_again_then_the_one_below_it(tmp_path) -> None:
    # session 7's story: a generator cell run again, then the cell that stores its output refuses it
    path = _notebook(tmp_path, ("import itertools\ncounter = itertools.count()", []),
                     ("made = next(counter)", []),
                     ("stored = globals().get('stored', made)\nassert stored == made, 'a fork'", []))
    run_twice = harness()
    assert run_twice.check_notebook(path, repeat=2, upwards=True).ok
    report = run_twice.check_notebook(path, repeat=1, pairs=True)
    forks = [p for p in report.problems if "cell 2" in p and "after cell 1 was run" in p and "fork" in p]
    assert forks, report.text()


def test_keep_running_stops_what_an_earlier_run_of_the_cell_kept(tmp_path) -> None:
    from drand_edu.notebook import keep_running, stop_everything, temporary_folder

    class Thing:
        def __init__(self) -> None:
            self.closed = 0

        def close(self) -> None:
            self.closed += 1

    first, second, shared = Thing(), Thing(), Thing()
    keep_running("probe", [first, shared])
    keep_running("probe", [second, shared])  # the cell run again: first stopped, shared reused
    assert (first.closed, second.closed, shared.closed) == (1, 0, 0)
    assert keep_running("probe", [second, shared]) == [second, shared]  # the very same things: nothing stops
    assert second.closed == 0
    folder = temporary_folder("probe-")
    (folder / "file").write_text("x")
    assert temporary_folder("probe-") != folder  # a re-run's own folder, unless it asks for the same one
    assert temporary_folder("probe-", reuse=True) == folder and (folder / "file").exists()
    stop_everything()  # what the kernel's end runs
    assert (first.closed, second.closed, shared.closed) == (1, 1, 1)
    assert not folder.exists()


def test_serve_node_replaces_an_api_closed_behind_the_daemons_back() -> None:
    import urllib.request

    from drand_edu.api import serve_node
    from drand_edu.node.network import LocalNetwork
    from drand_edu.rng import seeded_rng

    network = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng("rerun"))
    network.run_rounds(2)
    daemon = network.daemons[0]
    server = serve_node(daemon, network.now)
    assert serve_node(daemon, network.now) is server  # running: reused
    server.close()  # closed without telling the daemon (session 6 did this)
    assert server.closed
    again = serve_node(daemon, network.now)
    try:
        assert again is not server and not again.closed
        with urllib.request.urlopen(again.url + "/public/1", timeout=5) as answer:
            assert answer.status == 200
    finally:
        network.stop_apis()
    assert again.closed and daemon.api is None


@pytest.mark.parametrize("stem", stems("00", "01", "02", "03"))
def test_notebook_survives_reruns(stem: str) -> None:
    check_course_notebook(stem)


def test_a_sigterm_to_the_kernel_stops_what_is_kept_and_removes_its_folders(tmp_path) -> None:
    # Jupyter sends SIGTERM to a kernel that is slow to exit on restart/shutdown: atexit would not run
    import os
    import signal
    import subprocess
    import sys

    program = (
        "import subprocess, sys, time\n"
        "from drand_edu.notebook import keep_running, temporary_folder\n"
        "folder = temporary_folder('probe-sigterm-')\n"
        "(folder / 'share').write_text('secret')\n"
        "sleep = [sys.executable, '-c', 'import time; time.sleep(60)']\n"
        "child = keep_running('sleeper', subprocess.Popen(sleep))\n"
        "print(folder, child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = dict(os.environ, TMPDIR=str(tmp_path))
    kernel = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True, env=env)
    child_pid = None
    try:
        folder, child_pid = kernel.stdout.readline().split()  # type: ignore[union-attr]
        assert os.path.isdir(folder)
        kernel.send_signal(signal.SIGTERM)
        assert kernel.wait(60) == -signal.SIGTERM  # still ends the way SIGTERM does
        assert not os.path.exists(folder), "the session folder was left behind"
        assert not os.path.exists(f"/proc/{child_pid}"), "the kept process still runs"
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait()
        if child_pid is not None:
            try:
                os.kill(int(child_pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_keep_serving_run_again_serves_the_new_chains_at_the_same_urls() -> None:
    import json
    import urllib.request

    from drand_edu.api import ServedChain
    from drand_edu.node.network import LocalNetwork
    from drand_edu.notebook import keep_serving, stop_kept
    from drand_edu.rng import seeded_rng

    def chains(seed: str, rounds: int) -> tuple[LocalNetwork, list[ServedChain]]:
        network = LocalNetwork.create(3, 2, "bls-unchained-g1-rfc9380", rng=seeded_rng(seed))
        network.run_rounds(rounds)
        return network, [ServedChain(network.info, p.store) for p in network.processes[:2]]

    def last_round(server, network) -> int:
        url = f"{server.url}/{network.info.hash_hex}/public/latest"
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())["round"]

    try:
        first_net, first = chains("serve-a", 2)
        servers = keep_serving("probe endpoints", first, clock=first_net.now)
        urls = [s.url for s in servers]
        assert [last_round(s, first_net) for s in servers] == [2, 2]
        servers[1].close()  # an endpoint "killed" by a later cell
        second_net, second = chains("serve-b", 4)  # the cell run again: another chain
        again = keep_serving("probe endpoints", second, clock=second_net.now)
        assert [s.url for s in again] == urls and again[0] is servers[0] and not again[1].closed
        assert [last_round(s, second_net) for s in again] == [4, 4]
    finally:
        stop_kept("probe endpoints")
    assert all(s.closed for s in again)
