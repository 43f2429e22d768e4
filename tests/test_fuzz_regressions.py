"""Every reproduction from the fuzzing campaign (issue 14), one test each, named by its item.

The campaign checked the documented contract (the README's domain rules, "errors name the
function and the value", "a corrupt file raises LoadError and changes nothing", "fit checks every
argument before touching a weight", "every label is escaped"). The property suites that would
have found these are tests/test_fuzz_*.py; here is each case exactly as it was reported.
"""

from __future__ import annotations

import io
import json
import math
import os
import sys

import pytest

import autograd
import nn
from autograd import Stepper, Value, detect_anomaly, grad
from autograd.ops import Quotient, chain

np = pytest.importorskip("numpy")


# -- 1. a zero local times an infinite upstream grad is 0 (PyTorch: 0), in every backward path


def _relu_sqrt() -> tuple[Value, Value]:
    x = Value(-1.0)
    return x, x.relu().sqrt()  # sqrt at 0: local inf; relu below 0: local 0


def test_item1_zero_local_times_inf_is_zero_in_backward() -> None:
    x, out = _relu_sqrt()
    out.backward()
    assert x.grad == 0.0


def test_item1_same_in_grad_stepper_and_create_graph() -> None:
    x, out = _relu_sqrt()
    assert grad(out, [x]) == [0.0]
    assert grad(out, [x], create_graph=True)[0].data == 0.0
    Stepper(out).run()
    assert x.grad == 0.0


@pytest.mark.parametrize("make", [lambda x: x**0, lambda x: x ** Value(0.0)], ids=["x**0", "x**y at y=0"])
def test_item1_pow_at_exponent_zero(make) -> None:
    for data in (math.nan, 0.0, 3.0):
        x = Value(data)
        out = (make(x) - 1.0).sqrt()  # 1 - 1 = 0: sqrt's local is inf, pow's is 0
        out.backward()
        assert x.grad == 0.0, data


def test_item1_nan_upstream_and_the_rule_itself() -> None:
    assert chain(0.0, math.inf) == 0.0 and chain(0.0, math.nan) == 0.0 and chain(-0.0, -math.inf) == 0.0
    assert chain(2.0, math.inf) == math.inf and math.isnan(chain(math.nan, 1.0))
    assert math.isnan(chain(math.inf, 0.0))  # an infinite local times 0 stays nan, as in PyTorch


def test_item1_stepper_equals_backward_bit_for_bit_with_infinities() -> None:
    def build() -> tuple[list[Value], Value]:
        a, b = Value(-1.0), Value(0.0)
        return [a, b], (a.relu() * b + a.relu().sqrt() + (b * a).sqrt() * 2.0).tanh()

    xs1, out1 = build()
    out1.backward()
    xs2, out2 = build()
    Stepper(out2).run()
    assert [repr(x.grad) for x in xs1] == [repr(x.grad) for x in xs2]


# -- 2. div and log keep 1/y as a Quotient when it overflows


def test_item2_div_by_subnormal() -> None:
    x, y = Value(1e-300), Value(1e-310)
    ((x / y) * 1e-300).backward()
    assert x.grad == 1e-300 / 1e-310  # 1e10, as PyTorch gives (grad / y)
    assert math.isfinite(y.grad)
    assert isinstance((x / y).local_grads[0], Quotient)


def test_item2_log_of_subnormal() -> None:
    x = Value(1e-310)
    (x.log() * 1e-300).backward()
    assert x.grad == 1e-300 / 1e-310


def test_item2_quotient_only_where_needed() -> None:
    assert type((Value(1.0) / Value(4.0)).local_grads[0]) is float
    q = (Value(1.0) / Value(-1e-310)).local_grads[0]
    assert q == -math.inf and q.num == 1.0 and q.den == -1e-310


# -- 3. compile agrees with eager at x ** 0


def test_item3_compile_pow_zero_at_nan() -> None:
    f = autograd.compile(lambda x: (x**0) * 3.0)
    x = Value(math.nan)
    f.backward(x)
    assert x.grad == 0.0
    assert "** -1.0" not in f.source


def test_item3_compile_follows_the_zero_local_rule() -> None:
    f = autograd.compile(lambda x: x.relu().sqrt())
    x = Value(-1.0)
    f.backward(x)
    assert x.grad == 0.0


def test_item3_compile_div_by_subnormal_matches_eager() -> None:
    w = Value(1e-300)
    f = autograd.compile(lambda y: (w / y) * 1e-300)
    y = Value(1e-310)
    f.backward(y)
    assert w.grad == 1e-300 / 1e-310


# -- 4. detect_anomaly sees a grad that overflows by accumulation


def test_item4_anomaly_catches_accumulated_overflow() -> None:
    a = Value(1e-300)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="became an infinite value"):
        (a * 1e308 + a * 1e308).backward()


def test_item4_anomaly_in_grad_and_stepper() -> None:
    a = Value(1e-300)
    with detect_anomaly():
        out = a * 1e308 + a * 1e308
        with pytest.raises(FloatingPointError, match="overflow"):
            grad(out, [a])
        with pytest.raises(FloatingPointError, match="overflow"):
            Stepper(out).run()


# -- 5. create_graph: one rule where a derivative is infinite


@pytest.mark.parametrize("make", [lambda x: x.sqrt(), lambda x: x**0.5, lambda x: x ** Value(0.5)])
def test_item5_create_graph_gives_inf_like_the_float_path(make) -> None:
    x = Value(0.0)
    out = make(x)
    (g,) = grad(out, [x], create_graph=True)
    assert isinstance(g, Value) and g.data == math.inf == grad(out, [x])[0]


# -- 6. nn.load and model.load take a file name, never a file descriptor


@pytest.mark.parametrize("path", [True, 0, 1, np.int64(0), b"model.json", None, 3.5])
def test_item6_load_refuses_non_paths(path) -> None:
    before = os.fstat(0), os.fstat(1)
    with pytest.raises(TypeError, match=r"nn\.load: path must be a str or os\.PathLike"):
        nn.load(path)
    model = nn.MLP(2, [1], rng=0)
    with pytest.raises(TypeError, match=r"MLP\.load: path must be a str or os\.PathLike"):
        model.load(path)
    with pytest.raises(TypeError, match=r"nn\.save: path must be a str or os\.PathLike"):
        model.save(path)
    assert (os.fstat(0), os.fstat(1)) == before  # stdin and stdout still open


# -- 7. fit checks accuracy= before the first update


def test_item7_fit_accuracy_true_changes_nothing() -> None:
    X, y = nn.datasets.moons(20, seed=0, signed=True)
    model = nn.MLP(2, [4, 1], rng=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(TypeError, match=r"nn\.fit: accuracy must be a function"):
        nn.fit(model, X, y, loss="hinge", accuracy=True, progress=False)
    assert [p.data for p in model.parameters()] == before


def test_item7_fit_broken_accuracy_function_fails_before_training() -> None:
    X, y = nn.datasets.moons(20, seed=0, signed=True)
    model = nn.MLP(2, [4, 1], rng=0)
    before = [p.data for p in model.parameters()]

    def broken(predictions: list, targets: list) -> float:
        raise RuntimeError("broken accuracy")

    with pytest.raises(RuntimeError, match="broken accuracy"):
        nn.fit(model, X, y, loss="hinge", accuracy=broken, progress=False)
    assert [p.data for p in model.parameters()] == before


# -- 8. optimizer steps are all or nothing


def test_item8_adam_eps_zero_refused_at_construction() -> None:
    with pytest.raises(ValueError, match=r"nn\.optim\.Adam: eps must be > 0"):
        nn.optim.Adam([Value(1.0)], eps=0.0)


@pytest.mark.parametrize("bad", [None, "0.5", True, [1.0]])
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_item8_bad_grad_changes_nothing(kind: str, bad: object) -> None:
    ps = [Value(1.0), Value(2.0), Value(3.0)]
    for p in ps:
        p.grad = 0.5
    ps[2].grad = bad  # type: ignore[assignment]
    opt = getattr(nn.optim, kind)(ps, lr=0.1)
    state = [list(getattr(opt, k)) for k in ("velocity", "m", "v") if hasattr(opt, k)]
    with pytest.raises(TypeError, match=rf"nn\.optim\.{kind}\.step: params\[2\]\.grad must be a number"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0, 3.0]
    assert [list(getattr(opt, k)) for k in ("velocity", "m", "v") if hasattr(opt, k)] == state
    assert opt.steps == 0


# -- 9. a label set later is checked


def test_item9_label_checked_on_assignment() -> None:
    v = Value(1.0, label="a")
    with pytest.raises(TypeError, match="Value: label must be a str, got int"):
        v.label = 5  # type: ignore[assignment]
    assert v.label == "a"
    v.label = "b"
    assert "'b'" in repr(v) and autograd.draw(v * 2).source.count(">b<") == 1


# -- 10. bytes and str are not sequences of numbers


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: autograd.sum(b"12"), "sum"),
        (lambda: autograd.dot(b"1", [1.0]), "dot"),
        (lambda: autograd.dot([1.0], "1"), "dot"),
        (lambda: autograd.sum(""), "sum"),
        (lambda: autograd.mean("12"), "mean"),
        (lambda: autograd.sum(bytearray(b"1")), "sum"),
    ],
)
def test_item10_str_and_bytes_refused(call, where: str) -> None:
    with pytest.raises(TypeError, match=rf"^{where}: "):
        call()


# -- 11. loss targets are real numbers


@pytest.mark.parametrize("target", [np.complex128(1 + 2j), np.bool_(True), 1 + 0j, True])
def test_item11_loss_targets_refuse_complex_and_bools(target) -> None:
    with pytest.raises(TypeError, match=r"nn\.losses\.mse: targets\[0\] must be a real number"):
        nn.losses.mse([Value(1.0)], [target])


# -- 12. every message names the function


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: Value(1.0) + 10**400, "add"),
        (lambda: 10**400 * Value(1.0), "mul"),
        (lambda: Value(10**400), "Value"),
        (lambda: Value(1.0) ** 10**400, "pow"),
        (lambda: autograd.sum([Value(1.0), 10**400]), "sum"),
    ],
)
def test_item12_huge_ints_name_the_function(call, where: str) -> None:
    with pytest.raises(OverflowError, match=rf"^{where}: .*too large for a float"):
        call()


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: autograd.sum(True), "sum"),
        (lambda: autograd.mean(True), "mean"),
        (lambda: autograd.dot(True, [1.0]), "dot"),
        (lambda: autograd.grad(Value(1.0), True), "grad"),
        (lambda: nn.optim.SGD(True), r"nn\.optim\.SGD"),
        (lambda: autograd.gradcheck(lambda x: x, True), "gradcheck"),
        (lambda: nn.datasets.split(True, [1, 2]), r"nn\.datasets\.split"),
        (lambda: nn.load(5), r"nn\.load"),
        (lambda: autograd.animate(Value(1.0) * 2, 5), "animate"),
    ],
)
def test_item12_bools_and_non_paths_name_the_function(call, where: str) -> None:
    with pytest.raises(TypeError, match=rf"^{where}: "):
        call()


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: autograd.draw(Value(1.0), rankdir=np.array(["LR"])), "draw"),
        (lambda: autograd.draw(Value(1.0), collapse=np.array([1])), "draw"),
        (lambda: autograd.draw(Value(1.0), blame=np.array([True])), "draw"),
        (lambda: autograd.draw(Value(1.0), max_nodes=np.array([5])), "draw"),
        (lambda: nn.MLP(2, [3, 1], dropout=np.array([0.1])), r"nn\.MLP"),
        (lambda: nn.MLP(2, [3, 1], activation=np.array(["relu"])), r"nn\.MLP"),
        (lambda: nn.MLP(2, np.array([[3, 1]])), r"nn\.MLP"),
    ],
)
def test_item12_numpy_arrays_as_options(call, where: str) -> None:
    with pytest.raises((TypeError, ValueError), match=rf"^{where}: "):
        call()


# -- 13. sizes past the limit are refused before allocating


@pytest.mark.parametrize(
    "call, where",
    [
        (lambda: nn.Layer(2, 10**400), r"nn\.Layer"),
        (lambda: nn.MLP(2, [10**400]), r"nn\.MLP"),
        (lambda: nn.Neuron(10**400), r"nn\.Neuron"),
        (lambda: nn.MLP(2, [10**5, 10**5]), r"nn\.MLP"),
        (lambda: nn.Layer(10**4, 10**4), r"nn\.Layer"),
    ],
)
def test_item13_sizes_limited(call, where: str) -> None:
    with pytest.raises(ValueError, match=rf"^{where}: .*limit of 10,000,000 \(nn\.mlp\.MAX_PARAMETERS\)"):
        call()


# -- 14. corrupt model files are LoadErrors and change nothing


def _model_doc() -> tuple[nn.MLP, dict]:
    model = nn.MLP(2, [2, 1], rng=0)
    buffer = io.StringIO()
    from nn.serialize import FORMAT, VERSION, architecture

    doc = {
        "format": FORMAT, "version": VERSION, "architecture": architecture(model),
        "weights": dict((n, p.data) for n, p in model.named_parameters()),
    }
    buffer.write(json.dumps(doc))
    return model, doc


def _expect_load_error(tmp_path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    target = nn.MLP(2, [2, 1], rng=1)
    before = [p.data for p in target.parameters()]
    with pytest.raises(nn.LoadError, match=r"^nn\.load: "):
        nn.load(path)
    with pytest.raises(nn.LoadError):
        target.load(path)
    assert [p.data for p in target.parameters()] == before


@pytest.mark.parametrize("where", ["top", "weight", "extra"])
def test_item14_nesting_1000_deep(tmp_path, where: str) -> None:
    _, doc = _model_doc()
    deep = "[" * 1000 + "]" * 1000
    if where == "top":
        text = deep
    elif where == "weight":
        text = json.dumps(doc).replace(repr(doc["weights"]["layers.0.neurons.0.b"]), deep, 1)
    else:
        text = json.dumps(doc)[:-1] + f', "extra": {deep}}}'
    _expect_load_error(tmp_path, text)


def test_item14_weight_as_a_400_digit_integer(tmp_path) -> None:
    _, doc = _model_doc()
    doc["weights"]["layers.0.neurons.0.w.0"] = 10**400
    _expect_load_error(tmp_path, json.dumps(doc))


@pytest.mark.parametrize("kind", [["MLP"], {"MLP": 1}, 3, None])
def test_item14_architecture_type_of_the_wrong_type(tmp_path, kind) -> None:
    _, doc = _model_doc()
    doc["architecture"]["type"] = kind
    _expect_load_error(tmp_path, json.dumps(doc))


# -- 15. what the README promises about model files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_item15_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    with pytest.raises(nn.LoadError, match="not a regular file"):
        nn.load(fifo)


def test_item15_directory_is_refused(tmp_path) -> None:
    with pytest.raises(nn.LoadError, match="not a regular file"):
        nn.load(tmp_path)


def test_item15_symlink_is_followed(tmp_path) -> None:
    model = nn.MLP(2, [2, 1], rng=0)
    model.save(tmp_path / "real.json")
    (tmp_path / "link.json").symlink_to(tmp_path / "real.json")
    assert [p.data for p in nn.load(tmp_path / "link.json").parameters()] == [p.data for p in model.parameters()]


def test_item15_size_limit(tmp_path, monkeypatch) -> None:
    from nn import serialize

    model = nn.MLP(2, [2, 1], rng=0)
    model.save(tmp_path / "m.json")
    monkeypatch.setattr(serialize, "MAX_FILE_BYTES", 100)
    with pytest.raises(nn.LoadError, match="more than the limit of 100"):
        nn.load(tmp_path / "m.json")


def test_item15_readme_states_the_file_rules() -> None:
    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
    section = readme[readme.index("### Model files") :]
    for words in ("no checksum", "FIFO", "symlink", ".tmp-", "1 GiB"):
        assert words in section, words


# -- 17. every label renders


HOSTILE_LABELS = ["a\ufffeb", "x\uffff", "lone \ud800 surrogate", "\udfff", "y" * 40_000, "&" * 20_000,
                  "\n" * 9_000, '"' * 9_000, "\\" * 9_000, "<!--<script>" * 2_000]


@pytest.mark.needs_dot
@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=lambda s: f"{s[:8]!r}x{len(s)}")
def test_item17_hostile_labels_render(label: str) -> None:
    v = Value(1.0, label=label)
    out = v * 2.0
    out.label = label
    out.backward()
    svg = autograd.draw(out).svg()
    assert "<svg" in svg
    import xml.dom.minidom

    xml.dom.minidom.parseString(svg.encode("utf-8"))  # well-formed XML, as a browser needs


def test_item17_tooltips_say_what_was_done() -> None:
    from autograd.viz.dotlabels import MAX_HTML_BYTES, html_text, quoted_text

    assert "U+FFFD" in quoted_text("a\ufffe")
    assert "shortened from 40,000 characters" in quoted_text("y" * 40_000)
    short = html_text("y" * 40_000)
    assert len(short.encode()) <= MAX_HTML_BYTES and short.endswith("(40,000 characters)")
    assert html_text("plain") == "plain" and quoted_text("plain") == "plain"


# -- 18. compile handles sums of thousands of terms


@pytest.mark.parametrize("n", [3_000, 10_000])
def test_item18_compile_wide_sum_and_dot(n: int) -> None:
    xs = [Value(float(i % 13) / 7.0) for i in range(n)]
    ws = [Value(float(i % 5) - 2.0) for i in range(n)]
    f = autograd.compile(lambda xs: autograd.sum(x * x for x in xs) + autograd.dot(ws, xs, 0.5))
    got = f.backward(xs)
    eager = autograd.sum(x * x for x in xs) + autograd.dot(ws, xs, 0.5)
    assert got == eager.data  # the same additions in the same order
    grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    eager.backward()
    assert grads == [x.grad for x in xs]


def test_item18_fit_compile_on_3000_examples() -> None:
    X, y = nn.datasets.moons(3_000, seed=0, signed=True)
    model = nn.MLP(2, [2, 1], rng=0)
    history = nn.fit(model, X, y, loss="hinge", epochs=2, compile=True, progress=False)
    assert history.epochs == 2 and all(math.isfinite(v) for v in history.train_loss)


def test_stdout_still_works() -> None:  # item 6's nn.load(True) closed stdout
    print("", end="", file=sys.stdout)
