"""nn.explore's server and session without a browser: Starlette's TestClient, bad inputs, the token.

Every refused request gets a 4xx with a message and leaves the session as it was.
"""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import warnings
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2 than httpx: either works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

import nn  # noqa: E402
from autograd import Stepper  # noqa: E402
from nn.explore.server import create_app  # noqa: E402
from nn.explore.session import Session  # noqa: E402

PORT = 8123
TOKEN = "t0k3n"
HOST = f"127.0.0.1:{PORT}"
BASE = f"http://{HOST}"


@pytest.fixture()
def client() -> Any:
    session = Session(seed=0, hidden=[4])  # small: the tests are about the API
    app = create_app(session, TOKEN, PORT)
    with TestClient(app, base_url=BASE) as c:
        c.session = session  # type: ignore[attr-defined]
        yield c


def post(client: Any, path: str, body: Any, headers: dict | None = None) -> Any:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(f"/{TOKEN}/api/{path}", content=data, headers={"content-type": "application/json", **(headers or {})})


def snapshot(client: Any) -> str:
    state = client.get(f"/{TOKEN}/api/state").json()
    return json.dumps({k: state[k] for k in ("config", "step", "train", "val", "history", "parameters")})


def test_page_and_assets_come_with_a_content_security_policy(client: Any) -> None:
    page = client.get(f"/{TOKEN}/")
    assert page.status_code == 200 and "static/app.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "http" not in policy.replace("ws://", "")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "https://" not in page.text and "http://" not in page.text  # no CDN
    script = client.get(f"/{TOKEN}/static/app.js")
    assert script.status_code == 200 and "https://" not in script.text and "http://" not in script.text


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/", {}),  # no token
        ("/wrong/api/state", {}),
        (f"/{TOKEN}/api/state", {"host": "evil.example"}),
        (f"/{TOKEN}/api/state", {"host": f"127.0.0.1:{PORT + 1}"}),
        (f"/{TOKEN}/api/state", {"origin": "http://evil.example"}),
    ],
)
def test_requests_without_the_token_or_from_elsewhere_are_refused(client: Any, path: str, headers: dict) -> None:
    r = client.get(path, headers=headers)
    assert r.status_code == 403 and r.text.startswith("refused")


def test_a_foreign_origin_cannot_change_anything(client: Any) -> None:
    before = snapshot(client)
    r = post(client, "step", {}, headers={"origin": "http://evil.example", "content-type": "text/plain"})
    assert r.status_code == 403
    assert snapshot(client) == before


@pytest.mark.parametrize(
    "path, body, message",
    [
        ("config", "{not json", "the body is not JSON"),
        ("config", "[1, 2]", "the body must be a JSON object"),
        ("config", {"neurons": 3}, "unknown setting 'neurons'"),
        ("config", {"hidden": [1_000_000]}, "hidden[0] must be between 1 and 64"),
        ("config", {"hidden": [8] * 50}, "hidden must be a list of at most 6"),
        ("config", {"points": 1_000_000}, "points must be between 10 and 2000"),
        ("config", {"lr": float("nan")}, "lr must be a finite number"),
        ("config", {"lr": -1}, "lr must be > 0 and <= 10"),
        ("config", {"lr": "0.1"}, "lr must be a finite number"),
        ("config", {"optimizer": "lbfgs"}, "optimizer must be one of sgd, momentum, adam, adamw"),
        ("config", {"loss": "cross_entropy"}, "loss must be one of hinge"),
        ("config", {"batch_size": 0}, "batch_size must be between 1 and 2000"),
        ("step", {"steps": 10**6}, "steps must be between 1 and 100"),
        ("step", {"speed": 1}, "unknown field 'speed'"),
        ("points/add", {"x": 0.0, "y": 0.0, "label": 2}, "label must be between 0 and 1"),
        ("points/add", {"x": 1e9, "y": 0.0, "label": 0}, "x must be >= -1.6"),
        ("points/add", {"x": 0.0, "y": 0.0, "label": 0, "color": "red"}, "unknown field 'color'"),
        ("points/remove", {"split": "train", "index": 10**6}, "index must be between 0 and"),
        ("points/remove", {"split": "test", "index": 0}, "split must be 'train' or 'val'"),
        ("inspect", {"split": "train", "index": -1}, "index must be between 0"),
        ("inspect/goto", {"position": 1}, "no point is shown"),
        ("play", {"playing": "yes"}, "playing must be true or false"),
        ("model", {"model": "{}"}, "model"),
    ],
)
def test_bad_requests_get_a_4xx_with_a_message_and_change_nothing(client: Any, path: str, body: Any, message: str) -> None:
    before = snapshot(client)
    r = post(client, path, body)
    assert 400 <= r.status_code < 500, r.text
    assert message in r.json()["error"]
    assert snapshot(client) == before


def test_json_nan_is_refused_too(client: Any) -> None:
    before = snapshot(client)
    r = post(client, "config", '{"lr": NaN}')
    assert r.status_code == 400 and "lr must be a finite number" in r.json()["error"]
    assert snapshot(client) == before


def test_huge_bodies_are_refused(client: Any) -> None:
    points = json.dumps({"x": 0.0, "y": 0.0, "label": 0, "pad": [0] * 1_200_000})
    r = post(client, "points/add", points)
    assert r.status_code == 400 and "over the limit" in r.json()["error"]


def test_step_config_and_points_change_the_session(client: Any) -> None:
    s0 = client.get(f"/{TOKEN}/api/state").json()
    s1 = post(client, "step", {"steps": 3}).json()
    assert s1["step"] == 3 and len(s1["history"]["train_loss"]) == 4
    assert s1["history"]["train_loss"][-1] != s0["history"]["train_loss"][-1]
    s2 = post(client, "config", {"optimizer": "adamw", "lr": 0.02}).json()
    assert s2["config"]["optimizer"] == "adamw" and s2["lr"] == 0.02 and s2["step"] == 3  # weights kept
    assert s2["parameters"]["columns"] == ["name", "value", "grad", "m", "sqrt(v)", "update"]
    n = len(s2["train"]["points"])
    s3 = post(client, "points/add", {"x": 0.5, "y": -0.25, "label": 1}).json()
    assert len(s3["train"]["points"]) == n + 1 and s3["train"]["points"][-1] == [0.5, -0.25]
    s4 = post(client, "points/remove", {"split": "train", "index": n}).json()
    assert len(s4["train"]["points"]) == n
    s5 = post(client, "config", {"dataset": "spiral3"}).json()  # 3 classes: a new model, cross-entropy
    assert s5["classes"] == 3 and s5["config"]["loss"] == "cross_entropy" and s5["step"] == 0
    assert "[4, 3]" in s5["model"]


def test_the_model_saves_and_loads(client: Any, tmp_path: Any) -> None:
    post(client, "step", {"steps": 2})
    saved = client.get(f"/{TOKEN}/api/model.json")
    assert saved.status_code == 200
    path = tmp_path / "model.json"
    path.write_text(saved.text)
    model = nn.load(path)
    assert [p.data for p in model.parameters()] == [p.data for p in client.session.params]
    post(client, "reset", {})
    assert [p.data for p in client.session.params] != [p.data for p in model.parameters()]
    loaded = post(client, "model", {"model": saved.text})
    assert loaded.status_code == 200
    assert [p.data for p in client.session.params] == [p.data for p in model.parameters()]


def test_replay_is_one_offline_page_with_a_frame_per_step(client: Any) -> None:
    post(client, "step", {"steps": 4})
    page = client.get(f"/{TOKEN}/api/replay.html").text
    from nn.explore.replay import captions

    shown = captions(page)
    assert len(shown) == 5 and shown[-1].startswith("step 4: train loss")  # step 0 and four steps
    assert "default-src 'none'" in page


def test_the_point_graph_and_sentences_are_autograds(client: Any) -> None:
    session = client.session
    post(client, "step", {"steps": 2})
    shown = post(client, "inspect", {"split": "val", "index": 3}).json()
    x, t = session.val[0][3], session.val[1][3]
    loss = nn.losses.hinge([session.model(x)], [2 * t - 1])
    loss.label = "L"
    assert shown["loss"] == loss.data and shown["x"] == x
    assert shown["sentences"] == [str(s) for s in Stepper(loss).run()]
    stepped = post(client, "inspect/goto", {"position": 2}).json()
    assert stepped["position"] == 2 and "<svg" in stepped["svg"]
    everything = post(client, "inspect/goto", {"collapse": "none"}).json()
    assert everything["collapse"] == "none" and everything["svg"].count('class="node"') > shown["svg"].count('class="node"')


def test_a_session_keeps_fit_s_arithmetic() -> None:
    # One full-batch step of the session is nn.training.step, as fit takes it.
    s = Session(seed=3, hidden=[3], lr=0.05, l2=0.0)
    twin = nn.MLP(2, [3, 1], rng=3 + s.version - 1)
    for p, q in zip(twin.parameters(), s.params):
        p.data = q.data
    X, labels = s.train
    s.step()
    nn.fit(twin, X, [2 * t - 1 for t in labels], loss="hinge", epochs=1, progress=False,
           optimizer=nn.optim.SGD(twin.parameters(), lr=0.05))
    assert [p.data for p in twin.parameters()] == [p.data for p in s.params]


def test_a_port_in_use_gives_a_clear_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "nn.explore", "--port", str(port), "--no-browser"],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr and "--port" in done.stderr


def test_numbers_sent_to_the_page_are_json() -> None:
    from nn.explore.session import dumps

    assert dumps({"a": [math.inf, math.nan, 1.5]}) == '{"a":[null,null,1.5]}'


def test_without_the_extra_the_explorer_says_how_to_install_it(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if uvicorn were not installed
    with pytest.raises(ModuleNotFoundError, match=r'pip install "blamegrad\[explore\]"'):
        nn.explore(open_browser=False, block=False)


def test_three_classes_train_with_cross_entropy() -> None:
    s = Session(dataset="yin_yang", hidden=[6], optimizer="adam", lr=0.05)
    first = s.state()
    assert first["classes"] == 3 and first["config"]["loss"] == "cross_entropy"
    assert set(first["regions"]["classes"]) <= {0, 1, 2}
    after = s.step(5)
    assert after["history"]["train_loss"][-1] < first["history"]["train_loss"][-1]
    shown = s.inspect("train", 0)
    x, t = s.train[0][0], s.train[1][0]
    loss = nn.losses.cross_entropy([s.model(x)], [t])
    assert shown["loss"] == loss.data


def test_the_regions_are_the_same_with_a_helper_process() -> None:
    alone, helped = Session(seed=2), Session(seed=2, workers=True)
    try:
        for p, q in zip(helped.params, alone.params):
            p.data = q.data
        assert helped._grid() == alone._grid()
    finally:
        helped.close()


def test_the_live_channel_refuses_a_foreign_origin_and_pushes_the_state(client: Any) -> None:
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(f"/{TOKEN}/live", headers={"host": HOST, "origin": "http://evil.example"}) as ws:
            ws.receive_text()
    with client.websocket_connect(f"/{TOKEN}/live", headers={"host": HOST, "origin": BASE}) as ws:
        first = json.loads(ws.receive_text())
        assert first["type"] == "state" and first["state"]["step"] == 0


def test_ctrl_c_stops_the_server_cleanly() -> None:
    import re
    import signal
    import time
    import urllib.request

    server = subprocess.Popen([sys.executable, "-m", "nn.explore", "--port", "0", "--no-browser"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://127\.0\.0\.1:\d+/\S+/", line)
        assert url is not None, line
        with urllib.request.urlopen(url.group(0) + "api/state", timeout=30) as r:
            assert r.status == 200
        time.sleep(0.2)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0 and "nn.explore: stopped" in out
    assert "Traceback" not in err
