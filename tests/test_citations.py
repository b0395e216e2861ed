"""Every pointer into drand's code names something that exists at the pinned commits.

The course is a walk through drand's real code, so the notebooks, the library's docstrings and the docs
link drand's sources as permalinks (``https://github.com/drand/<repo>/blob/<commit>/<path>#L<a>-L<b>``)
and name files in backticks (`` `crypto/schemes.go` ``). This test checks them against the file lists
kept in ``tests/data/source-trees/`` (every path of each repository at its pinned commit, with its line
count), so it needs nothing outside the project:

* a permalink's repository is one of drand's pinned ones, its commit is the pinned one, its path exists
  there, its line anchors lie inside the file and run forwards;
* a backticked ``.go`` / ``.proto`` / ``.ts`` path exists in some pinned tree;
* every session notebook (01-08) has at least 5 permalinks, in at least 3 different cells (inline,
  beside the explanation, not only in a closing table).

When clones of drand's repositories are at hand (``DRAND_EDU_SOURCE_MIRRORS``, a folder holding
``drand+<repo>/repo`` bare git directories), it also checks that each Go/TypeScript identifier in a
link's text (a camel-case word such as ``SortedByPublicKey``) occurs inside the cited lines.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = Path(__file__).parent / "data" / "source-trees"

LINK = re.compile(
    r"(?:\[([^\]]*)\]\()?https://github\.com/drand/([\w.-]+)/blob/([0-9a-f]{7,40})/([^\s)#\"'>]+)"
    r"(?:#L(\d+)(?:-L(\d+))?)?"
)
BARE_PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.(?:go|proto|ts))`")
IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*[A-Z][A-Za-z0-9_]*\b")
MIN_LINKS_PER_NOTEBOOK = 5
MIN_CELLS_WITH_LINKS = 3


def pinned_commits() -> dict[str, str]:
    commits = {}
    for line in (TREES / "README.md").read_text().splitlines():
        m = re.match(r"\| drand/([\w.-]+) \| ([0-9a-f]{40}) \|", line)
        if m:
            commits[m[1]] = m[2]
    return commits


@cache
def tree(repo: str) -> dict[str, int]:
    """Path -> number of lines, for one repository at its pinned commit."""
    rows = (TREES / f"{repo}.tsv").read_text().splitlines()
    return {path: int(lines) for path, lines in (row.split("\t") for row in rows if row)}


def documents() -> list[tuple[str, list[str]]]:
    """(where, [text of each cell or file]) for every notebook, library module and doc page."""
    docs = []
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        docs.append((f"notebooks/{nb.name}", ["".join(c["source"]) for c in cells]))
    for py in sorted((ROOT / "drand_edu").rglob("*.py")):
        docs.append((str(py.relative_to(ROOT)), [py.read_text()]))
    for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if md.exists():
            docs.append((str(md.relative_to(ROOT)), [md.read_text()]))
    return docs


def mirrors() -> Path | None:
    candidates = [os.environ.get("DRAND_EDU_SOURCE_MIRRORS"), ROOT.parent / ".mirror", "/work/.mirror"]
    for c in candidates:
        if c and (Path(c) / "drand+drand" / "repo").exists():
            return Path(c)
    return None


@cache
def source_lines(repo: str, commit: str, path: str) -> list[str] | None:
    base = mirrors()
    if base is None:
        return None
    git_dir = base / f"drand+{repo}" / "repo"
    result = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"], capture_output=True)
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace").splitlines()


def link_problems(where: str, text: str) -> list[str]:
    commits = pinned_commits()
    problems = []
    for m in LINK.finditer(text):
        label, repo, commit, path, first, last = m.groups()
        if repo not in commits:
            problems.append(f"{where}: unknown repository drand/{repo}")
            continue
        if commit != commits[repo]:
            problems.append(f"{where}: drand/{repo} cited at {commit[:10]}, pinned {commits[repo][:10]} "
                            f"(use the full pinned commit)")
        files = tree(repo)
        if path not in files:
            problems.append(f"{where}: drand/{repo}/{path} does not exist at the pinned commit")
            continue
        n = files[path]
        a = int(first) if first else None
        b = int(last) if last else a
        if a is not None and not (1 <= a <= b <= n):
            problems.append(f"{where}: drand/{repo}/{path}#L{first}-L{last} not inside the file's {n} lines")
            continue
        body = source_lines(repo, commits[repo], path)
        if body is None or not label:
            continue
        cited = "\n".join(body[a - 1:b]) if a is not None else "\n".join(body)
        for ident in IDENTIFIER.findall(label):
            if ident not in cited:
                problems.append(f"{where}: '{ident}' (link text) not in drand/{repo}/{path}"
                                + (f"#L{a}-L{b}" if a else ""))
    return problems


def bare_path_problems(where: str, text: str) -> list[str]:
    every = {p for repo in pinned_commits() for p in tree(repo)}
    return [
        f"{where}: `{p}` is in none of drand's pinned trees"
        for p in BARE_PATH.findall(text)
        if not any(q == p or q.endswith("/" + p) for q in every)
    ]


def test_pinned_lists_are_complete():
    commits = pinned_commits()
    assert set(commits) == {"drand", "kyber", "kyber-bls12381", "go-clients", "drand-client", "tlock",
                            "tlock-js"}
    assert tree("drand")["crypto/schemes.go"] > 100
    assert "share/dkg/dkg.go" in tree("kyber")


@pytest.mark.parametrize("where, cells", documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_citation_exists(where: str, cells: list[str]):
    problems = []
    for text in cells:
        problems += link_problems(where, text) + bare_path_problems(where, text)
    assert not problems, "\n".join(problems)


SESSION_NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-8]_*.ipynb"))


@pytest.mark.parametrize("notebook", SESSION_NOTEBOOKS, ids=lambda p: p.stem)
def test_session_notebooks_link_drand_inline(notebook: Path):
    cells = ["".join(c["source"]) for c in json.loads(notebook.read_text())["cells"]]
    per_cell = [len(LINK.findall(text)) for text in cells]
    assert sum(per_cell) >= MIN_LINKS_PER_NOTEBOOK, f"{notebook.name}: {sum(per_cell)} permalinks"
    cells_with_links = sum(1 for n in per_cell if n)
    assert cells_with_links >= MIN_CELLS_WITH_LINKS, (
        f"{notebook.name}: permalinks in only {cells_with_links} cells; spread them over the sections"
    )


def test_the_checker_refuses_broken_links():
    """The checks can fail: a wrong commit, a missing path, a line past the end, a bad bare path."""
    drand = pinned_commits()["drand"]
    good = f"https://github.com/drand/drand/blob/{drand}/crypto/schemes.go#L1-L2"
    assert link_problems("x", good) == []
    assert link_problems("x", good.replace(drand, "0" * 40))
    assert link_problems("x", f"https://github.com/drand/drand/blob/{drand}/internal/http/server.go")
    assert link_problems("x", f"https://github.com/drand/drand/blob/{drand}/crypto/schemes.go#L99999")
    assert link_problems("x", f"https://github.com/drand/nope/blob/{drand}/x.go")
    assert bare_path_problems("x", "`internal/key/store.go`")
    assert bare_path_problems("x", "`crypto/schemes.go`") == []
