"""The set-up files agree with each other: environment.yml lists what pyproject.toml installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!\[ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_environment_yml_lists_every_pyproject_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"])
    for requirements in project["optional-dependencies"].values():
        wanted |= _names([r for r in requirements if not r.startswith("drand_edu")])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = _names([p for p in pip_section if not p.startswith("-e")])
    assert wanted - listed == set(), f"missing from environment.yml: {sorted(wanted - listed)}"
    assert listed - wanted == set(), f"in environment.yml but not pyproject.toml: {sorted(listed - wanted)}"
    assert "-e ." in pip_section


def test_ci_runs_exactly_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1].strip() == "make test"


def test_readme_quick_start_is_the_two_make_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["make lab", "make test"]


def test_expect_error_prints_the_error_and_insists_on_one(capsys) -> None:
    import pytest

    import drand_edu
    from drand_edu.errors import InvalidInput

    with drand_edu.expect_error(InvalidInput):
        raise InvalidInput("bad hex")
    assert capsys.readouterr().out == "InvalidInput: bad hex\n"
    with pytest.raises(AssertionError, match="expected to fail with InvalidInput"), \
            drand_edu.expect_error(InvalidInput):
        pass
    with pytest.raises(TypeError, match="needs the exception type"), drand_edu.expect_error():
        raise InvalidInput("a cell that names no type teaches nothing")
    with pytest.raises(KeyError), drand_edu.expect_error(InvalidInput):
        raise KeyError("not the expected kind: it propagates")


def test_make_lab_reaches_both_copies_of_the_course() -> None:
    """JupyterLab is rooted at the repository and opens the learner's copy; notebooks/ is as reachable."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "--ServerApp.root_dir=." in recipe and "student/00_start_here.ipynb" in recipe
    assert "--notebook-dir=notebooks" not in recipe
    start_here = (ROOT / "notebooks" / "src" / "00_start_here.py").read_text()
    assert "student/" in start_here and "Which copy to open" in start_here


def test_start_here_says_true_things_in_both_copies() -> None:
    """The student copy has no solutions and no instructor notes: 00's text must not promise them there."""
    import nbformat

    for copy in ("notebooks", "student"):
        notebook = nbformat.read(ROOT / copy / "00_start_here.ipynb", as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert "The links open the instructor copies" not in text
        assert "Nothing here talks to the internet" not in text
        assert "drand **v2.1.4**" in text and "`threshold/`" in text  # the drand it follows, the folder map
