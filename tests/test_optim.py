"""nn.optim: SGD (momentum, weight decay), Adam, schedules, and errors before any change."""

from __future__ import annotations

import math

import pytest

from autograd import Value
from nn import optim


def quadratic_step(opt: optim.Optimizer, w: Value) -> None:
    opt.zero_grad()
    ((w - 3.0) ** 2).backward()
    opt.step()


def test_plain_sgd_is_p_minus_lr_grad() -> None:
    w = Value(1.0)
    opt = optim.SGD([w], lr=0.25)
    quadratic_step(opt, w)  # grad = 2 (w - 3) = -4
    assert w.data == 2.0


def test_sgd_momentum_and_weight_decay_follow_pytorch() -> None:
    w = Value(1.0)
    opt = optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.5)
    v, p = 0.0, 1.0
    for _ in range(3):
        quadratic_step(opt, w)
        g = 2 * (p - 3) + 0.5 * p
        v = 0.9 * v + g
        p -= 0.1 * v
        assert w.data == pytest.approx(p)


def test_adam_first_step_is_lr_in_the_gradient_sign_and_converges() -> None:
    w = Value(1.0)
    opt = optim.Adam([w], lr=0.1)
    quadratic_step(opt, w)
    assert w.data == pytest.approx(1.1)
    for _ in range(300):
        quadratic_step(opt, w)
    assert w.data == pytest.approx(3.0, abs=0.05)


def test_linear_decay_is_micrographs_schedule() -> None:
    lr = optim.linear_decay(1.0, 0.1, 100)
    assert [lr(k) for k in (0, 50, 100, 200)] == pytest.approx([1.0, 0.55, 0.1, 0.1])
    w = Value(0.0)
    opt = optim.SGD([w], lr=lr)
    for k in range(5):
        assert opt.lr == pytest.approx(1.0 - 0.9 * k / 100)
        quadratic_step(opt, w)
    assert opt.steps == 5


def test_a_bad_scheduled_rate_raises_before_any_parameter_changes() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = optim.SGD([a, b], lr=lambda k: 0.1 if k == 0 else -1.0)
    (a * b).backward()
    opt.step()
    before = (a.data, b.data)
    with pytest.raises(ValueError, match="nn.optim.SGD: lr must be a finite number > 0, got -1.0"):
        opt.step()
    assert (a.data, b.data) == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: optim.SGD([Value(1.0)], lr=0), "nn.optim.SGD: lr must be a finite number > 0, got 0"),
        (lambda: optim.SGD([Value(1.0)], lr=math.inf), "lr must be a finite number > 0, got inf"),
        (lambda: optim.SGD([], lr=0.1), "nn.optim.SGD: params is empty"),
        (lambda: optim.SGD([1.0], lr=0.1), "params[0] must be a Value, got float"),
        (lambda: optim.SGD(Value(1.0), lr=0.1), "got a single Value"),
        (lambda: optim.SGD([Value(1.0)], momentum=1.0), "momentum must be in [0, 1), got 1.0"),
        (lambda: optim.SGD([Value(1.0)], weight_decay=-1), "weight_decay must be a finite number >= 0"),
        (lambda: optim.Adam([Value(1.0)], betas=(0.9,)), "betas must be a pair"),
        (lambda: optim.Adam([Value(1.0)], lr=lambda k: 0.0), "nn.optim.Adam: lr must be a finite number > 0, got 0.0"),
        (lambda: optim.linear_decay(1.0, 0.1, 0), "steps must be a positive int, got 0"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, message: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    assert message in str(info.value)


def test_adamw_is_adam_plus_decoupled_decay() -> None:
    # weight_decay=0: AdamW is Adam step for step.
    a, b = Value(1.5), Value(1.5)
    plain, decoupled = optim.Adam([a], lr=0.1), optim.AdamW([b], lr=0.1, weight_decay=0.0)
    for _ in range(5):
        for w, opt in ((a, plain), (b, decoupled)):
            opt.zero_grad()
            (w * w).backward()
            opt.step()
    assert b.data == a.data
    # With decay: p -= lr * wd * p on top of the Adam step, and the decay never enters m or v.
    w = Value(2.0)
    opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    w.grad = 3.0
    opt.step()
    assert opt.m == [pytest.approx(0.3)] and opt.v == [pytest.approx(0.009)]
    assert w.data == pytest.approx(2.0 - 0.1 * 0.5 * 2.0 - 0.1 * 1.0)
    coupled = Value(2.0)
    adam = optim.Adam([coupled], lr=0.1, weight_decay=0.5)
    coupled.grad = 3.0
    adam.step()
    assert adam.m != opt.m  # Adam's weight_decay is added to the grad instead


def test_adamw_checks_its_decay() -> None:
    with pytest.raises(ValueError, match="nn.optim.AdamW: weight_decay must be a finite number >= 0, got -1"):
        optim.AdamW([Value(1.0)], weight_decay=-1)
