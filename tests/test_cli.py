"""blamegrad / python -m autograd: the expression parser, the subcommands, and real terminal sessions.

The terminal tests run ``python`` and ``blamegrad`` in a pseudo-terminal (pexpect) and read what a
person would see: colour on a TTY, none through a pipe, with NO_COLOR or TERM=dumb, and nothing
wider than 80 columns at COLUMNS=80.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from autograd import Value, cli

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
ANY_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
README = Path(__file__).resolve().parent.parent / "README.md"
NEURON = ["tanh(x1*w1 + x2*w2 + b)", "x1=2", "w1=-3", "x2=0", "w2=1", "b=6.8814"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(["--width", "80", *argv])
    out, err = capsys.readouterr()
    return status, out, err


# -- the expression parser ----------------------------------------------------------------------

HOSTILE = [
    ("__import__('os')", "calls to __import__ are not allowed"),
    ("__import__('os').system('true')", "calls to __import__('os').system are not allowed"),
    ("x.__class__", "attributes are not allowed: x.__class__"),
    ("x.__class__.__bases__[0].__subclasses__()", "calls to x.__class__.__bases__[0].__subclasses__"),
    ("(lambda: 1)()", "calls to lambda: 1 are not allowed"),
    ("lambda: x", "lambdas are not allowed"),
    ("x[0]", "subscripts are not allowed: x[0]"),
    ("x[0:1]", "subscripts are not allowed"),
    ('"a"*9**9', "strings are not allowed"),
    ("'a' + x", "strings are not allowed"),
    ("b'x' * x", "strings are not allowed"),
    ("9**9**9**9 * x", "cannot compute it: pow: 9.0 ** 387420489.0 overflows a float"),
    ("x ** 9**9**9", "overflows a float"),
    ("x * 1" + "0" * 400, "is too large for a float"),
    ("x * " + "9" * 5000, "not an expression"),  # Python's own limit on digits
    ("x + " * 25_000 + "x", "characters, over 10000"),  # 100 kB
    ("(" * 300 + "x" + ")" * 300, "too many nested parentheses"),
    ("-" * 9000 + "x", "nested too deeply"),
    ("f'{x}'", "f-strings are not allowed"),
    ("(y := x)", "assignments (:=) are not allowed"),
    ("x if x else x", "conditional expressions"),
    ("[x]", "lists are not allowed: [x]"),
    ("{x}", "sets are not allowed: {x}"),
    ("{x: x}", "dicts are not allowed"),
    ("(x, x)", "tuples are not allowed"),
    ("[x for x in (1,)]", "comprehensions are not allowed"),
    ("(x for x in (1,))", "comprehensions are not allowed"),
    ("1j * x", "complex numbers are not allowed: 1j"),
    ("True * x", "True is not a number"),
    ("None", "None is not a number"),
    ("... * x", "Ellipsis is not a number"),
    ("x < 1", "comparisons are not allowed"),
    ("x and x", "boolean operators (and, or) are not allowed"),
    ("not x", "not is not allowed"),
    ("~x", "~ is not allowed"),
    ("+x", "unary + is not allowed"),
    ("x // 2", "the operator // is not allowed"),
    ("x % 2", "the operator % is not allowed"),
    ("x @ x", "the operator @ is not allowed"),
    ("x << 1", "the operator << is not allowed"),
    ("print(x)", "calls to print are not allowed"),
    ("eval('x')", "calls to eval are not allowed"),
    ("exp(x)(x)", "calls to exp(x) are not allowed"),
    ("tanh(x, x)", "tanh takes one input, got 2"),
    ("tanh(x=x)", "keyword arguments are not allowed"),
    ("tanh(*x)", "starred arguments are not allowed"),
    ("tanh", "tanh is a function: call it as tanh(...)"),
    ("tanh.__globals__", "attributes are not allowed"),
    ("await x", "await expressions are not allowed"),
    ("x; x", "not an expression"),
    ("import os", "not an expression"),
    ("x = 1", "not an expression"),
    ("x\x00", "NUL"),
    ("", "the expression is empty"),
    ("y * x", "the name y is not bound: add y=<number>"),
    ("log(x - 1)", "cannot compute it: log: input must be > 0, got 0.0"),
    ("x / (x - 1)", "cannot compute it: div: division by zero"),
    ("(x - 1) ** -1", "cannot compute it: pow: 0.0 cannot be raised to a negative power"),
    ("(-8) ** 0.5 * x", "negative base -8.0 with fractional exponent 0.5 has no real value"),
    ("exp(x * 1000)", "cannot compute it: exp: result overflows a float"),
    ("sqrt(-x)", "cannot compute it: sqrt: input must be >= 0"),
]


def _alarm(*_: object) -> None:
    raise TimeoutError("the parser took more than 10 s")


@pytest.mark.parametrize("text, message", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_expressions_are_refused_with_a_one_line_message(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = signal.signal(signal.SIGALRM, _alarm)  # a hang fails the test instead of the suite
    signal.alarm(10)
    try:
        dashes = ["--"] if text.startswith("-") else []  # an expression starting with - comes after --
        status, out, err = run(capsys, "grad", *dashes, text, "x=1")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("blamegrad grad: error: ")
    assert message in err
    assert len(err) < 300


def test_there_are_at_least_30_hostile_cases() -> None:
    assert len(HOSTILE) >= 30


def test_nothing_is_evaluated_by_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def refuse(*_: object) -> None:
        raise AssertionError("eval/exec/compile must not be used")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    out, leaves = cli.build("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "w1": -3, "x2": 0, "w2": 1, "b": 6.8814})
    assert out.op == "tanh" and set(leaves) == {"x1", "w1", "x2", "w2", "b"}


@pytest.mark.parametrize(
    "bindings, message",
    [
        (["x1=abc"], "x1='abc': not a number"),
        (["x1=2", "x1=3"], "x1 is bound twice (x1=2 and x1=3)"),
        (["x1"], "expected name=number, got 'x1'"),
        (["1x=2"], "'1x' is not a name"),
        (["class=2"], "'class' is not a name"),
        (["tanh=2"], "'tanh' is a function of expressions"),
        (["x1=nan"], "not a number"),
        (["x1=inf"], "not a number"),
        (["x1=1e999"], "too large for a float"),
        (["x1=0x10"], "not a number"),
        (["x1=2", "x9=1"], "x9 is bound but not used"),
    ],
)
def test_bad_bindings_are_one_line_errors_with_status_2(
    bindings: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "grad", "x1 * 2", *bindings)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert message in err


def test_the_graph_is_the_engines_own() -> None:
    out, leaves = cli.build(
        "-x * 2 ** y / sigmoid(x) + abs(relu(x) - 3) + sqrt(y) * log(y) - exp(-x)", {"x": 0.7, "y": 1.5}
    )
    out.backward()
    x, y = Value(0.7, label="x"), Value(1.5, label="y")
    ref = -x * 2**y / x.sigmoid() + abs(x.relu() - 3) + y.sqrt() * y.log() - (-x).exp()
    ref.backward()
    assert out.data == ref.data
    assert (leaves["x"].grad, leaves["y"].grad) == (x.grad, y.grad)
    numbers, _ = cli.build("2 * 3 + 1", {})  # no names: one constant leaf
    assert numbers.data == 7.0 and numbers.is_leaf


# -- the subcommands ----------------------------------------------------------------------------


def test_step_prints_every_backward_step_then_the_grads(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "step", *NEURON)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] + " " + line.split()[1] for line in lines if line.startswith("step ")] == [
        f"step {k}/5" for k in range(1, 6)
    ]
    assert "all 5 steps done: every grad now equals backward()" in out
    ref, leaves = cli.build(NEURON[0], cli.parse_bindings(NEURON[1:]))
    ref.backward()
    for name, leaf in leaves.items():
        assert f"dL/d{name.ljust(2)} = {leaf.grad:.10g}" in out
    assert max(len(line) for line in lines) <= 80


def test_explain_shows_the_terms_of_one_grad(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "explain", "x*x + x*y", "x=3", "y=2", "--wrt", "x")
    assert status == 0
    assert out.startswith("dL/dx = sum over the 3 uses of x")
    assert re.search(r"total\s+8\.000\s+= x\.grad", out)
    status, out, _ = run(capsys, "explain", "x*y", "x=3", "y=2")  # default: every bound name
    assert "dL/dx =" in out and "dL/dy =" in out
    status, _, err = run(capsys, "explain", "x*y", "x=3", "y=2", "--wrt", "z")
    assert status == 2 and "--wrt z: not a bound name (bound: x, y)" in err


def test_sketch_and_grad(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "sketch", *NEURON)
    assert status == 0
    assert out.splitlines()[1].startswith("L = tanh(n4)")
    assert "-1.5 = -3 x 0.5" in out and "\x1b" not in out
    status, out, _ = run(capsys, "sketch", *NEURON, "--before")
    assert "blame" not in out
    status, out, _ = run(capsys, "grad", *NEURON)
    assert out.splitlines()[0] == f"L = {math.tanh(2 * -3 + 0 * 1 + 6.8814):.10g}"
    status, _, err = run(capsys, "sketch", *NEURON, "--max-nodes", "3")
    assert status == 2 and "over max_nodes=3" in err and err.count("\n") == 1


@pytest.mark.needs_dot
def test_draw_writes_the_file_by_suffix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for suffix in ("svg", "png", "pdf"):
        target = tmp_path / f"graph.{suffix}"
        status, out, err = run(capsys, "draw", *NEURON, "-o", str(target))
        assert status == 0, err
        assert out == f"wrote {target}\n"
        head = target.read_bytes()[:8]
        assert {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}[suffix] in head
    status, _, err = run(capsys, "draw", *NEURON, "-o", str(tmp_path / "graph.gif"))
    assert status == 2 and "must end in .svg, .png or .pdf" in err


def test_help_on_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    for command in [None] + [c.name for c in cli.COMMANDS]:
        with pytest.raises(SystemExit) as done:
            cli.main([command, "--help"] if command else ["--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: blamegrad {command or ''}".rstrip())
        if command:
            assert "example: blamegrad " + command in " ".join(out.split())
    assert [c.name for c in cli.COMMANDS] == ["step", "explain", "sketch", "draw", "grad", "explore"]


def test_one_more_subcommand_is_one_more_row(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def add(parser):
        parser.add_argument("--port", type=int, default=0)

    def serve(args, output):
        output.line(f"would serve on {args.port}")
        return 0

    monkeypatch.setattr(
        cli, "COMMANDS", [*cli.COMMANDS, cli.Command("serve", "a page", add, serve)]
    )
    assert cli.main(["serve", "--port", "8000"]) == 0
    assert capsys.readouterr().out == "would serve on 8000\n"


def test_explore_hands_its_options_to_the_training_explorer(monkeypatch: pytest.MonkeyPatch) -> None:
    import nn.explore

    seen: list[list[str]] = []
    monkeypatch.setattr(nn.explore, "main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["explore", "--port", "0", "--no-browser", "--dataset", "xor"]) == 0
    assert seen == [["--port", "0", "--dataset", "xor", "--no-browser"]]


def test_python_dash_m_autograd_and_the_console_script() -> None:
    env = dict(os.environ, COLUMNS="80")
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "grad", "x*y", "x=3", "y=2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == "L = 6\ndL/dx = 2\ndL/dy = 3\n"
    script = shutil.which("blamegrad", path=str(Path(sys.executable).parent))
    assert script is not None, "pip install -e . installs the blamegrad script"
    bad = subprocess.run(
        [script, "grad", "x.real", "x=1"], capture_output=True, text=True, env=env, timeout=60
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "blamegrad grad: error: attributes are not allowed: x.real\n"
    piped = subprocess.run([script, "sketch", *NEURON], capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout  # through a pipe: no colour


# -- the README's shell session -----------------------------------------------------------------


def readme_commands() -> list[tuple[str, str]]:
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S)
    found = []
    for block in blocks:
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            if command.startswith("blamegrad "):
                found.append((command, output))
    return found


def test_the_readme_shows_what_the_commands_print(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = readme_commands()
    assert {c.split()[1] for c, _ in commands} >= {"step", "explain", "sketch", "draw"}
    monkeypatch.chdir(tmp_path)
    for command, expected in commands:
        argv = shlex.split(command)[1:]
        if argv[0] == "draw" and shutil.which("dot") is None:
            continue
        status = cli.main(["--width", "80", "--color", "never", *argv])
        out, err = capsys.readouterr()
        assert status == 0, err
        assert out == expected, command


# -- a person at a terminal ----------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")

SESSION = [
    "import autograd",
    "from autograd import Value",
    "x1, w1 = Value(2.0, label='x1'), Value(-3.0, label='w1')",
    "x2, w2 = Value(0.0, label='x2'), Value(1.0, label='w2')",
    "b = Value(6.8813735870195432, label='b')",
    "o = (x1*w1 + x2*w2 + b).tanh(); o.label = 'o'",
    "o.backward()",
]


def terminal_env(**changes: str) -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="50", PYTHON_BASIC_REPL="1")
    for name in ("NO_COLOR", "FORCE_COLOR", "COLORTERM"):
        env.pop(name, None)
    env.update(changes)
    return env


def python_session(env: dict[str, str], *lines: str) -> str:
    """Type ``lines`` into an interactive ``python`` on a pseudo-terminal; what the last one showed."""
    child = pexpect.spawn(sys.executable, ["-q"], env=env, dimensions=(50, 80), encoding="utf-8", timeout=60)
    try:
        child.expect(">>> ")
        for line in SESSION + list(lines[:-1]):
            child.sendline(line)
            child.expect(">>> ")
        child.sendline(lines[-1])
        child.expect(">>> ")
        shown = child.before
        child.sendline("exit()")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return shown.split("\r\n", 1)[1]  # drop the echo of the typed line


def console_script(env: dict[str, str], *argv: str) -> str:
    script = shutil.which("blamegrad", path=str(Path(sys.executable).parent))
    assert script is not None
    child = pexpect.spawn(script, list(argv), env=env, dimensions=(50, 80), encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def visible(text: str) -> list[str]:
    return ANY_ESCAPE.sub("", text).replace("\r", "").splitlines()


def test_python_at_a_terminal_shows_the_sketch_in_colour_within_80_columns() -> None:
    shown = python_session(terminal_env(), "autograd.sketch(o)")
    assert ESCAPE.search(shown), shown
    lines = visible(shown)
    assert lines[0].split()[:3] == ["value", "data", "grad"]
    assert any("─ x1" in line and "-1.5 = -3 x 0.5" in line for line in lines)
    assert max(len(line) for line in lines) <= 80
    assert "red: raising it raises L" in lines[-1]


def test_python_with_no_color_or_a_dumb_terminal_shows_no_colour() -> None:
    for env in (terminal_env(NO_COLOR="1"), terminal_env(TERM="dumb")):
        shown = python_session(env, "autograd.sketch(o)")
        assert not ESCAPE.search(shown), shown
        assert any("-1.5 = -3 x 0.5" in line for line in visible(shown))


def test_python_narrow_terminal_fits_and_stepper_show_marks_progress() -> None:
    shown = python_session(terminal_env(COLUMNS="40"), "autograd.sketch(o)")
    assert max(len(line) for line in visible(shown)) <= 40
    shown = python_session(terminal_env(), "s = autograd.Stepper(o); _ = s.next(); _ = s.next()", "s.show()")
    lines = visible(shown)
    assert lines[0].startswith("backward, step 2/5")
    assert any(line.startswith("▶ └─ n4 = n3 + b") for line in lines)
    assert max(len(line) for line in lines) <= 80
    assert ESCAPE.search(shown)


@pytest.mark.parametrize("command", ["step", "explain", "sketch", "grad"])
def test_the_console_script_at_a_terminal(command: str) -> None:
    extra = ["--wrt", "x1"] if command == "explain" else []
    coloured = console_script(terminal_env(), command, *NEURON, *extra)
    lines = visible(coloured)
    assert max(len(line) for line in lines) <= 80
    if command in ("sketch", "grad", "step"):
        assert ESCAPE.search(coloured)
    plain = console_script(terminal_env(NO_COLOR="1"), command, *NEURON, *extra)
    assert not ESCAPE.search(plain)
    assert visible(plain) == [line for line in lines if "red: raising" not in line]
