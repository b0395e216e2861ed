"""The reference program answers, refuses and names drand's version: the harness differential tests use."""

from __future__ import annotations

import pytest

from tests.drandref import RefError


def test_reference_program_lists_its_ops_and_names_drand(drandref):
    assert {"ops", "version"} <= set(drandref.call("ops"))
    assert drandref.call("version").startswith("2.")


def test_unknown_op_is_refused_not_crashed(drandref):
    with pytest.raises(RefError) as refused:
        drandref.call("no-such-op")
    assert refused.value.kind == "error" and "unknown op" in refused.value.message
    assert drandref.outcome("version")[0] == "ok"  # still answering after a refusal
