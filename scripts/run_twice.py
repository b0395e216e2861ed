"""Run a notebook the way a live-coding instructor does, and say what breaks or is left behind.

    python scripts/run_twice.py notebooks/05_system_layers.ipynb [more notebooks or sources...]
    python scripts/run_twice.py --upwards notebooks/05_system_layers.ipynb
    python scripts/run_twice.py --once --pairs notebooks/07_storage_and_sync.ipynb
    python scripts/run_twice.py --again-from 12 notebooks/07_storage_and_sync.ipynb
    python scripts/run_twice.py --again notebooks/08_client_libraries_and_tlock.ipynb

In a live session a cell is run twice (a typo fixed, a demo repeated), or an earlier cell is run again
after the cells below it. Issue #16 asks that every notebook survives both. For each notebook this
executes the code cells in one kernel, the way ``scripts/build_notebook.py`` and nbval do (kernel
``python3``, working directory ``notebooks/``, ``DRAND_EDU_OFFLINE=1``):

* **pass 1**: every code cell in order, each run ``--repeat`` times in a row (2 by default);
* **upwards** (``--upwards``): then every code cell once more, from the last to the first, so each one
  runs again after all the cells below it (scrolling back up to show a cell again; a cell that a later
  cell broke, such as a client cell after a store was swapped under its server, fails here);
* **pairs** (``--pairs``): then, from the bottom up, each code cell once more followed by the cell below
  it (a generator cell run again after everything below it ran, then the cell that stores what it made:
  session 7's store cell refused the new chain as a fork). Each cell thus also runs again after all the
  cells below it, as with ``--upwards``, which is the cheaper check;
* **again** (``--again-from N``, or ``--again`` = from the first cell): then cells N to the end once
  more, in order, in the same kernel (Run All a second time).

A problem is reported for a cell that raises when it is not tagged ``raises-exception`` (on any run),
and for a tagged cell whose repeated run raises a *different* exception than its first run (the lesson
changed), and for a cell whose second run in a row leaves more child processes or listening ports than
its first (it started another server instead of reusing or restarting the first). At the end what the
kernel's end runs for the notebook is run (``drand_edu.notebook.stop_everything``: a notebook may keep
its servers until the kernel stops, with ``keep_running``, so that any cell still works when run again
later); then no child process of the kernel may still run and no port the kernel or its children opened
may listen. After the kernel is shut down it checks
that no process the notebook started survived it and no temporary file or folder is left: the kernel
gets a private ``TMPDIR``, so every entry left in it is the notebook's (other programs on the machine
cannot be mistaken for it). Survivors are killed and the private folder removed afterwards.

The exit status is 1 when any notebook has a problem. ``tests/test_rerun.py`` and
``tests/test_rerun_sessions.py`` run this on every instructor copy (notebooks/) with each cell twice, the
pairs bottom up, and the whole notebook again (about five normal runs); ``tests/test_rerun_student*.py`` on
every student copy (student/) in the other mode, upwards, followed by the pairs (about four runs): after
the upwards pass the generator cells at the top have made new objects, which the cells below must use.
The slowest cell run is shown with the result (for the 10 s budget; not checked).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import itertools
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


@dataclass
class Report:
    """What one harness run of a notebook found: problems (failures) and how long it took."""

    notebook: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    runs: int = 0  # code-cell executions
    slowest: tuple[float, str] = (0.0, "")  # the longest cell run: seconds, which (information, not a check)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        head = f"{self.notebook}: {'ok' if self.ok else f'{len(self.problems)} problem(s)'}"
        head += f" ({self.runs} cell runs, {self.seconds:.1f}s"
        head += f"; slowest run {self.slowest[0]:.1f}s: {self.slowest[1]})" if self.slowest[1] else ")"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


def load(path: Path) -> nbformat.NotebookNode:
    """A notebook from its ``.ipynb``, or from its jupytext source prepared as build_notebook does."""
    if path.suffix == ".py":
        import jupytext

        builder = ROOT / "scripts" / "build_notebook.py"
        spec = importlib.util.spec_from_file_location("build_notebook", builder)
        assert spec and spec.loader
        build = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(build)
        nb = jupytext.read(path)
        build.prepare(nb)
        return nb
    return nbformat.read(path, as_version=4)


def _first_line(cell: nbformat.NotebookNode) -> str:
    for line in cell.source.splitlines():
        if line.strip() and not line.startswith("# NBVAL"):
            return line.strip()[:70]
    return ""


def _error(outputs: list) -> tuple[str, str] | None:
    """(exception name, message) of the first error output, if the cell raised."""
    for out in outputs:
        if out.get("output_type") == "error":
            return out.get("ename", "?"), out.get("evalue", "")[:300]
    return None


def _descendants(pid: int) -> dict[int, psutil.Process]:
    try:
        return {p.pid: p for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return {}


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _listening(procs: list[psutil.Process]) -> list[str]:
    found = []
    for proc in procs:
        try:
            conns = proc.net_connections(kind="inet")
            name = proc.name()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for conn in conns:
            if conn.status == psutil.CONN_LISTEN:
                found.append(f"{conn.laddr.ip}:{conn.laddr.port} ({name} pid {proc.pid})")
    return found


class _Abort(Exception):
    """A cell hung or killed the kernel: the rest of the notebook cannot run."""


class _Run:
    """One kernel executing one notebook, with the bookkeeping of what it started."""

    def __init__(self, nb: nbformat.NotebookNode, report: Report, timeout: int) -> None:
        self.nb = nb
        self.report = report
        self.client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=True, record_timing=False,
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        self.first_error: dict[int, tuple[str, str] | None] = {}
        self.seen: dict[int, psutil.Process] = {}
        self.kernel_pid: int | None = None
        self.kernel_ports_before: set[str] = set()
        self.after_run = (0, 0)  # (child processes, listening ports) after the last cell run
        self.last_cell = -1

    def kernel_process(self) -> int:
        pid = self.client.km.provisioner.pid  # type: ignore[union-attr]
        assert pid is not None
        return pid

    def execute(self, index: int, label: str) -> None:
        cell = self.nb.cells[index]
        run = copy.deepcopy(cell)
        run.outputs = []
        where = f"cell {index} [{_first_line(cell)}] ({label})"
        began = time.perf_counter()
        try:
            self.client.execute_cell(run, index)
        except (CellTimeoutError, DeadKernelError) as exc:
            self.report.problems.append(f"{where}: {type(exc).__name__}: {str(exc)[:200]}")
            raise _Abort from exc
        took = time.perf_counter() - began
        if took > self.report.slowest[0]:
            self.report.slowest = (took, where)
        self.report.runs += 1
        self.seen.update(_descendants(self.kernel_pid or self.kernel_process()))
        self._count_running(index, where)
        error = _error(run.outputs)
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        first_run = index not in self.first_error
        if first_run:
            self.first_error[index] = error
        if error is None:
            return
        if not tagged:
            self.report.problems.append(f"{where}: {error[0]}: {error[1]}")
        elif not first_run and (self.first_error[index] or ("",))[0] != error[0]:
            before = self.first_error[index]
            self.report.problems.append(
                f"{where}: raised {error[0]}: {error[1]} (first run: {before[0] if before else 'no error'})")

    def running(self) -> tuple[list[psutil.Process], list[str]]:
        """The kernel's live child processes, and the ports it or they listen on (not its own ZMQ ports)."""
        assert self.kernel_pid is not None
        children = [p for p in _descendants(self.kernel_pid).values() if _alive(p)]
        kernel = psutil.Process(self.kernel_pid)
        ports = [p for p in _listening([kernel]) if p not in self.kernel_ports_before]
        return children, ports + _listening(children)

    def _count_running(self, index: int, where: str) -> None:
        """A re-run of a cell must reuse or restart what its earlier run started, not start one more."""
        children, ports = self.running()
        now = (len(children), len(ports))
        before = self.after_run if self.last_cell == index else None  # the same cell, just before
        self.after_run, self.last_cell = now, index
        if before is None:
            return
        if now[0] > before[0]:
            self.report.problems.append(f"{where}: {now[0] - before[0]} more child process(es) running than "
                                        "after its previous run (the earlier ones were not stopped)")
        if now[1] > before[1]:
            self.report.problems.append(f"{where}: {now[1] - before[1]} more listening port(s) than after "
                                        "its previous run (the earlier servers were not stopped or reused)")

    def at_exit(self) -> None:
        """Run what the kernel's end runs for the notebook, then nothing may run or listen.

        That is ``drand_edu.notebook.stop_everything`` (registered with atexit) when the notebook
        imported it. Not every atexit handler: ipykernel's own ones would stop the kernel answering."""
        cell = nbformat.v4.new_code_cell(
            "import sys as _sys\n"
            "if 'drand_edu.notebook' in _sys.modules:\n"
            "    _sys.modules['drand_edu.notebook'].stop_everything()")
        self.nb.cells.append(cell)  # nbclient writes the outputs back at the cell's index
        try:
            self.client.execute_cell(cell, len(self.nb.cells) - 1)
        finally:
            self.nb.cells.pop()
        error = _error(cell.outputs)
        if error:
            self.report.problems.append(f"when the kernel stops: {error[0]}: {error[1]}")
        self.leftovers("when the kernel stops (after drand_edu.notebook.stop_everything)")

    def leftovers(self, when: str) -> None:
        """Child processes and listening ports of the kernel now (the notebook should have stopped them)."""
        children, ports = self.running()
        for proc in children:
            try:
                cmd = " ".join(proc.cmdline())[:120]
            except psutil.Error:
                cmd = "?"
            self.report.problems.append(f"{when}: child process still running: pid {proc.pid}: {cmd}")
        for port in ports:
            self.report.problems.append(f"{when}: port still listening: {port}")


def check_notebook(
    path: Path, repeat: int = 2, upwards: bool = False, again_from: int | None = None, timeout: int = 120,
    pairs: bool = False,
) -> Report:
    """Execute ``path``: each code cell ``repeat`` times; then (``upwards``) each once more from the last to
    the first; then (``again_from``) the cells from that notebook index on once more. See the module doc."""
    path = Path(path).resolve()
    report = Report(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path))
    nb = load(path)
    private_tmp = Path(tempfile.mkdtemp(prefix="run-twice-"))
    saved_env = {k: os.environ.get(k) for k in ("TMPDIR", "DRAND_EDU_OFFLINE")}
    os.environ["TMPDIR"] = str(private_tmp)  # the kernel (and what it starts) inherits it
    os.environ["DRAND_EDU_OFFLINE"] = "1"
    run = _Run(nb, report, timeout)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    start = time.perf_counter()
    try:
        with run.client.setup_kernel():
            run.kernel_pid = run.kernel_process()
            run.kernel_ports_before = set(_listening([psutil.Process(run.kernel_pid)]))
            try:
                for index in code:
                    for n in range(repeat):
                        run.execute(index, f"run {n + 1} of {repeat}")
                if upwards:
                    for index in reversed(code):
                        run.execute(index, "again after the cells below it")
                if pairs:
                    for index, below in reversed(list(itertools.pairwise(code))):
                        run.execute(index, "again, then the cell below it")
                        run.execute(below, f"after cell {index} was run again")
                if again_from is not None:
                    for index in (i for i in code if i >= again_from):
                        run.execute(index, f"again from cell {again_from}")
                run.at_exit()
            except _Abort:
                pass
        # the kernel is shut down (gracefully: atexit handlers ran); what did it leave?
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in run.seen.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        for proc in run.seen.values():
            if _alive(proc):
                try:
                    cmd = " ".join(proc.cmdline())[:120]
                except psutil.Error:
                    cmd = "?"
                ports = _listening([proc])
                report.problems.append(
                    f"after kernel shutdown: process survived: pid {proc.pid}: {cmd}"
                    + (f" (listening on {', '.join(ports)})" if ports else ""))
                try:
                    proc.kill()
                except psutil.NoSuchProcess:
                    pass
        for entry in sorted(private_tmp.iterdir()):
            kind = "folder" if entry.is_dir() else "file"
            report.problems.append(f"after kernel shutdown: temporary {kind} left: {entry.name}")
    finally:
        report.seconds = time.perf_counter() - start
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(private_tmp, ignore_errors=True)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files or notebooks/src/*.py sources")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each code cell in a row (default 2)")
    parser.add_argument("--once", action="store_const", const=1, dest="repeat", help="same as --repeat 1")
    parser.add_argument("--upwards", action="store_true",
                        help="after the notebook, each cell once more from the last to the first")
    parser.add_argument("--pairs", action="store_true",
                        help="after the notebook, bottom up: each cell again, then the cell below it")
    parser.add_argument("--again-from", type=int, metavar="CELL",
                        help="after the notebook, run cell CELL (notebook index) and the ones after it again")
    parser.add_argument("--again", action="store_const", const=0, dest="again_from",
                        help="after the notebook, run the whole notebook again in the same kernel")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell before giving up")
    args = parser.parse_args(argv)
    failed = False
    for path in args.notebooks:
        report = check_notebook(path, repeat=args.repeat, upwards=args.upwards, again_from=args.again_from,
                                timeout=args.timeout, pairs=args.pairs)
        print(report.text(), flush=True)
        failed |= not report.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
