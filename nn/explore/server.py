"""The explorer's web server: Starlette routes that turn requests into calls on a :class:`Session`.

Everything lives under ``/<token>/``, a random token made per server, so the address printed at
start is the only way in: a request without it, or with a ``Host`` or ``Origin`` that is not this
server on 127.0.0.1, is refused (403), so another page open in the same browser cannot drive it.
Request bodies are JSON objects with known fields only; a bad one gets a 4xx with a message and
changes nothing (the session checks every argument before it changes anything).

Routes (under ``/<token>/``):

- ``GET /`` the page; ``GET /static/...`` its script and style (all served from the package);
- ``GET api/state``; ``POST api/step``, ``api/reset``, ``api/play``, ``api/config``,
  ``api/points/add``, ``api/points/remove``, ``api/inspect``, ``api/inspect/goto``, ``api/model``;
- ``GET api/model.json`` (the model, as ``model.save`` writes it), ``GET api/replay.html``;
- ``WS live``: every change is pushed to the open pages: the state after each step, and the
  network picture (:func:`nn.draw`, rendered by Graphviz in a thread of its own, so training does
  not wait for it: each picture is of the latest step when its rendering starts).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from .session import BadRequest, Session, dumps

STATIC = Path(__file__).with_name("static")
MAX_BODY = 2_000_000
"""Largest request body accepted (a model file of the largest network the page can build fits)."""

FIELDS: dict[str, set[str]] = {
    "step": {"steps"},
    "reset": set(),
    "play": {"playing"},
    "points/add": {"x", "y", "label"},
    "points/remove": {"split", "index"},
    "inspect": {"split", "index", "collapse"},
    "inspect/goto": {"position", "collapse"},
    "model": {"model"},
}
"""The fields each POST accepts (``config`` accepts the session's settings)."""


def csp(port: int) -> str:
    """The page's Content-Security-Policy: its own scripts and styles, its own server, nothing else."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"connect-src 'self' ws://127.0.0.1:{port} ws://localhost:{port}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


class Guard:
    """ASGI middleware: refuse a foreign ``Host`` or ``Origin``, and add the security headers."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.port = port
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        problem = None
        if headers.get("host") not in self.hosts:
            problem = f"refused: Host {headers.get('host')!r} is not this server (127.0.0.1:{self.port})"
        elif "origin" in headers and headers["origin"] not in self.origins:
            problem = f"refused: requests from {headers['origin']!r} may not drive this server"
        if problem is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": problem[:120]})
            else:
                await PlainTextResponse(problem, status_code=403)(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", csp(self.port).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),  # the token is in the address
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)  # type: ignore[arg-type]


class Live:
    """The open pages, the play loop and the network renderer."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sockets: set[WebSocket] = set()
        self.playing = False
        self.play_task: asyncio.Task | None = None
        self.render_task: asyncio.Task | None = None
        self.network: tuple[int, str] | None = None  # (step, svg) of the latest picture
        self.rendered_dot: str | None = None
        self.pictures = 0
        """How many network pictures were sent (benchmarks/explore.py counts them)."""

    async def broadcast(self, text: str) -> None:
        for ws in list(self.sockets):
            try:
                await ws.send_text(text)
            except Exception:  # a page closed while we were sending: forget it
                self.sockets.discard(ws)

    async def changed(self, text: str) -> None:
        """Push a new state (its JSON) to every page, and start a network picture if none is being drawn."""
        await self.broadcast('{"type":"state","state":' + text + "}")
        self.draw_network()

    def draw_network(self) -> None:
        if self.render_task is None or self.render_task.done():
            self.render_task = asyncio.get_running_loop().create_task(self._render())

    async def _render(self) -> None:
        from autograd.viz.render import to_bytes

        while True:
            step, dot = await run_in_threadpool(self.session.network_dot)
            if dot == self.rendered_dot:
                return
            try:
                svg = (await run_in_threadpool(to_bytes, dot, "svg")).decode("utf-8")
            except Exception as error:  # no Graphviz, or it failed: say so where the picture goes
                self.rendered_dot = dot
                await self.broadcast(json.dumps({"type": "network-error", "message": str(error)}))
                return
            self.rendered_dot = dot
            self.network = (step, svg)
            self.pictures += 1
            await self.broadcast(json.dumps({"type": "network", "step": step, "svg": svg}))

    async def play(self, playing: bool) -> None:
        """Start the play loop, or stop it and return once its last step is done."""
        self.playing = playing
        if playing and (self.play_task is None or self.play_task.done()):
            self.play_task = asyncio.get_running_loop().create_task(self._play())
        elif not playing and self.play_task is not None:
            await asyncio.shield(self.play_task)

    async def _play(self) -> None:
        while self.playing:
            try:
                state = await run_in_threadpool(self.session.step)
            except BadRequest as error:  # no training points left
                self.playing = False
                await self.broadcast(json.dumps({"type": "error", "message": str(error)}))
                break
            state["playing"] = self.playing
            await self.changed(await run_in_threadpool(dumps, state))
            await asyncio.sleep(0.001)  # let requests in between steps
        await self.broadcast(json.dumps({"type": "playing", "playing": False}))

    async def stop(self) -> None:
        self.playing = False
        for task in (self.play_task, self.render_task):
            if task is not None and not task.done():
                task.cancel()


async def _body(request: Request, allowed: set[str] | None) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadRequest(f"the request body is {len(raw)} bytes, over the limit of {MAX_BODY}")
    if not raw:
        return {}
    try:
        body = json.loads(raw, parse_constant=lambda name: math.nan)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest(f"the body must be a JSON object, got {type(body).__name__}")
    if allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            fields = ", ".join(sorted(allowed)) or "none"
            raise BadRequest(f"unknown field {unknown[0]!r}; this request takes: {fields}")
    return body


def create_app(session: Session, token: str, port: int) -> Starlette:
    """The explorer's application for one session, reachable at ``http://127.0.0.1:<port>/<token>/``."""
    live = Live(session)

    def api(name: str, call: Callable[[dict[str, Any]], Any], fields: set[str] | None) -> Route:
        async def endpoint(request: Request) -> Response:
            try:
                body = await _body(request, fields)
                result = await run_in_threadpool(call, body)
                if isinstance(result, Awaitable):
                    result = await result
            except BadRequest as error:
                return JSONResponse({"error": str(error)}, status_code=400)
            except (RuntimeError, ModuleNotFoundError) as error:  # drawing: no Graphviz, or it failed
                return JSONResponse({"error": str(error)}, status_code=500)
            if isinstance(result, dict) and "version" in result:
                result["playing"] = live.playing
            text = await run_in_threadpool(dumps, result)
            if isinstance(result, dict) and "version" in result:
                await live.changed(text)
            return Response(text, media_type="application/json")

        return Route(f"/api/{name}", endpoint, methods=["POST"])

    def play(body: dict[str, Any]) -> dict[str, Any]:
        playing = body.get("playing")
        if not isinstance(playing, bool):
            raise BadRequest(f"playing must be true or false, got {playing!r}")
        return {"playing": playing}

    async def play_endpoint(request: Request) -> Response:
        try:
            body = await _body(request, FIELDS["play"])
            playing = play(body)["playing"]
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        await live.play(playing)
        return JSONResponse({"playing": playing})

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def state(request: Request) -> Response:
        result = await run_in_threadpool(session.state)
        result["playing"] = live.playing
        return Response(dumps(result), media_type="application/json")

    async def point(request: Request) -> Response:
        try:
            result = await run_in_threadpool(session.point)
        except BadRequest as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return Response(dumps(result), media_type="application/json")

    async def model_json(request: Request) -> Response:
        text = await run_in_threadpool(session.model_json)
        return Response(text, media_type="application/json",
                        headers={"content-disposition": 'attachment; filename="model.json"'})

    async def replay_html(request: Request) -> Response:
        text = await run_in_threadpool(session.replay_html)
        return Response(text, media_type="text/html",
                        headers={"content-disposition": 'attachment; filename="explorer-replay.html"'})

    async def live_socket(ws: WebSocket) -> None:
        await ws.accept()
        live.sockets.add(ws)
        try:
            first = await run_in_threadpool(session.state)
            first["playing"] = live.playing
            await ws.send_text('{"type":"state","state":' + dumps(first) + "}")
            if live.network is not None:
                await ws.send_text(json.dumps({"type": "network", "step": live.network[0], "svg": live.network[1]}))
            else:
                live.draw_network()
            while True:
                await ws.receive_text()  # the page sends nothing; this waits for it to close
        except WebSocketDisconnect:
            pass
        finally:
            live.sockets.discard(ws)

    async def refuse(request: Request) -> Response:
        return PlainTextResponse(
            "refused: this address has no token; open the address the explorer printed when it started",
            status_code=403,
        )

    routes = [
        Route("/", index),
        Route("/api/state", state),
        Route("/api/point", point),
        Route("/api/model.json", model_json),
        Route("/api/replay.html", replay_html),
        Route("/api/play", play_endpoint, methods=["POST"]),
        api("step", lambda b: session.step(b.get("steps", 1)), FIELDS["step"]),
        api("reset", lambda b: session.reset(), FIELDS["reset"]),
        api("config", session.configure, None),
        api("points/add", lambda b: session.add_point(b.get("x"), b.get("y"), b.get("label")), FIELDS["points/add"]),
        api("points/remove", lambda b: session.remove_point(b.get("split"), b.get("index")), FIELDS["points/remove"]),
        api("inspect", lambda b: session.inspect(b.get("split"), b.get("index"), b.get("collapse", "neuron")),
            FIELDS["inspect"]),
        api("inspect/goto", lambda b: session.goto(b.get("position"), b.get("collapse")), FIELDS["inspect/goto"]),
        api("model", lambda b: session.load_model(b.get("model")), FIELDS["model"]),
        WebSocketRoute("/live", live_socket),
        Mount("/static", app=StaticFiles(directory=STATIC)),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await live.stop()  # Ctrl-C: the play loop and the renderer end with the server

    app = Starlette(routes=[Mount(f"/{token}", routes=routes), Route("/{rest:path}", refuse)], lifespan=lifespan)
    app.state.live = live
    app.add_middleware(Guard, port=port)
    return app
