"""Stepped hints and stub detection, shared by every checker (drand_edu.exercises.common)."""

from drand_edu.exercises import common


def test_hints_go_one_step_further_each_call_and_repeat_the_last(capsys):
    common.register_hints("demo-steps", "look at the round", "hash 8 bytes", "sha256(prev + round)")
    common.reset_hints("demo-steps")
    for _ in range(4):
        common.hint("demo-steps")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "look at the round", "hash 8 bytes", "sha256(prev + round)", "sha256(prev + round)"]
    assert "last hint" in lines[-1] and "last hint" not in lines[0]
    common.reset_hints("demo-steps")
    common.hint("demo-steps")
    assert capsys.readouterr().out.endswith("look at the round\n")


def test_untouched_stubs_are_recognised_and_written_code_is_not():
    def dots(x): ...

    def documented(x):
        """A docstring above the placeholder."""
        ...  # your code

    def passes(x):
        pass

    def answers(x):
        return x

    def expression_only(x):
        x  # noqa: B018

    assert all(map(common.is_stub, (None, ..., dots, documented, passes)))
    assert not any(map(common.is_stub, (answers, expression_only, 0, "")))


def test_a_stub_gets_the_nudge_never_a_later_step(capsys):
    common.register_hints("demo-nudge", "first nudge", "the recipe")
    assert common.nudge_if_stub(None, "demo-nudge")
    out = capsys.readouterr().out
    assert "first nudge" in out and "the recipe" not in out and out.startswith(common.NOT_YET)
    assert not common.nudge_if_stub(lambda x: x + 1, "demo-nudge")


def test_unknown_exercise_says_which_have_hints(capsys):
    common.hint("no-such-exercise")
    assert "no hints for 'no-such-exercise'" in capsys.readouterr().out


def test_a_verdict_is_a_bool_to_code_and_shows_nothing_under_a_check_cell(capsys):
    right, wrong = common.report(True, praise="fine"), common.report(False, "look again")
    assert right and not wrong and right == True and wrong == False  # noqa: E712
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"{common.CORRECT} — fine", f"{common.NOT_YET}: look again"]
    from IPython.core.formatters import DisplayFormatter

    shown, _ = DisplayFormatter().format(right)
    assert shown == {}  # the check line printed above is the whole output of the cell
    assert common.safely(lambda: right, "unused") and not common.safely(lambda: 1 / 0, "it broke")


def test_every_checker_answers_with_a_verdict_on_every_path():
    """A bare True/False would be echoed under the check cell, below the verdict line."""
    import ast
    from pathlib import Path

    import drand_edu.exercises as exercises

    bare = []
    for module in Path(exercises.__file__).parent.glob("*.py"):
        for function in ast.parse(module.read_text()).body:
            if not (isinstance(function, ast.FunctionDef) and function.name.startswith("check_")):
                continue
            pending = list(ast.iter_child_nodes(function))
            while pending:
                node = pending.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    continue  # an inner check() returns to safely(), which makes the Verdict
                if isinstance(node, ast.Return):
                    call = node.value
                    if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") in
                            ("report", "safely", "Verdict")):  # fmt: skip
                        bare.append(f"{module.name}:{node.lineno} {function.name}")
                pending.extend(ast.iter_child_nodes(node))
    assert not bare, bare


def test_an_error_of_the_checker_is_not_blamed_on_the_learner(capsys):
    """"your code raised" only when the learner's code is on the way to the error."""
    from drand_edu.exercises.beacons import check_lagrange_at_zero
    from drand_edu.exercises.crypto import check_scheme_message

    def learner_bug(scheme, round_number, previous):
        return {}["no such key"]

    check_scheme_message(learner_bug)
    assert "your code raised KeyError" in capsys.readouterr().out
    check_lagrange_at_zero(lambda xs, modulus: ["one"] * len(xs))  # int("one") fails in the checker
    out = capsys.readouterr().out
    assert "your code raised" not in out and "could not use your answer (ValueError" in out
    # the lambda is this test's, so the learner's code
    ok = common.safely(lambda: common.Verdict(bytes.fromhex("zz") == b""), "unused")
    assert not ok and "your code raised ValueError" in capsys.readouterr().out
