"""The training explorer: watch a network learn in the browser, live, and the blame graph of any point.

``nn.explore()`` (or ``python3 dev.py explore``, ``python -m nn.explore``) starts a local server on
127.0.0.1, prints its address (which carries a random token) and opens a browser when one is
available. Training runs here, in Python, on this engine: the page only shows what the session
(:mod:`nn.explore.session`) computes, pushed over a websocket by the server
(:mod:`nn.explore.server`). Needs the ``explore`` extra: ``pip install "blamegrad[explore]"``.

``nn.explore`` is this module and, called, the function :func:`explore`.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import secrets
import socket
import sys
import threading
import types
import webbrowser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..mlp import MLP
    from .session import Session

INSTALL_HINT = 'nn.explore needs Starlette and uvicorn: pip install "blamegrad[explore]" (or python3 dev.py explore)'


class Explorer:
    """A running explorer: its address, its session, and :meth:`stop`."""

    def __init__(self, url: str, session: Session, server: Any, thread: threading.Thread | None) -> None:
        self.url = url
        """The page's address, token included."""
        self.session = session
        self._server = server
        self._thread = thread

    def stop(self) -> None:
        """Stop the server (and wait for it, when it runs in a thread)."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.session.close()

    def __repr__(self) -> str:
        return f"<nn.explore at {self.url}>"

    def _repr_html_(self) -> str:
        return f'<p>The explorer runs at <a href="{self.url}" target="_blank">{self.url}</a></p>'


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            raise OSError(
                error.errno,
                f"nn.explore: port {port} on 127.0.0.1 is in use (or not allowed); "
                "choose another with --port N, or --port 0 for any free port",
            ) from None
        raise
    sock.listen(64)
    return sock


def explore(
    model: MLP | None = None,
    dataset: str = "moons",
    *,
    port: int = 0,
    open_browser: bool = True,
    block: bool | None = None,
    quiet: bool = False,
    workers: bool = True,
    **settings: Any,
) -> Explorer:
    """Start the explorer on ``http://127.0.0.1:<port>/<token>/`` and return it.

    ``model``: an ``nn.MLP(2, [..., 1])`` to train (or ``[..., 3]`` for the 3-class set), else a
    new ``MLP(2, [16, 16, 1])``. ``dataset``: moons, circles, xor, spiral, blobs, spiral3 or yin_yang.
    ``port=0`` picks a free port. ``block``: serve until Ctrl-C (the default in a script); in a
    notebook (a running event loop) the server runs in a thread and this returns at once.
    ``workers``: evaluate half of each regions grid in a helper process (a second core).
    ``settings`` are the session's (``lr=0.05``, ``optimizer="adam"``, ``hidden=[8]``, ...).
    """
    try:
        import uvicorn

        from .server import create_app
        from .session import Session
    except ModuleNotFoundError as error:
        if error.name in ("starlette", "uvicorn", "websockets", "anyio"):
            raise ModuleNotFoundError(INSTALL_HINT, name=error.name) from None
        raise
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"nn.explore: port must be an int in 0..65535, got {port!r}")
    session = Session(model, dataset, workers=workers, **settings)
    sock = _bind(port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(18)
    url = f"http://127.0.0.1:{port}/{token}/"
    app = create_app(session, token, port)
    config = uvicorn.Config(app, log_level="warning", ws="websockets-sansio", timeout_graceful_shutdown=3, lifespan="on")
    server = uvicorn.Server(config)
    if block is None:
        try:
            asyncio.get_running_loop()
            block = False
        except RuntimeError:
            block = True
    if not quiet:
        print(f"nn.explore: serving on {url}" + ("  (Ctrl-C stops it)" if block else ""), flush=True)
    if open_browser:
        threading.Timer(0.5, _open, args=(url,)).start()
    if block:
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn stopped cleanly, then re-raised the Ctrl-C it caught
            pass
        finally:
            sock.close()
            session.close()
        if not quiet:
            print("nn.explore: stopped", flush=True)
        return Explorer(url, session, server, None)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="nn.explore", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        threading.Event().wait(0.02)
    return Explorer(url, session, server, thread)


def _open(url: str) -> None:
    try:
        webbrowser.open(url)
    except Exception:  # no browser here: the printed address is enough
        pass


def main(argv: list[str] | None = None) -> int:
    """``python -m nn.explore [--port N] [--no-browser] [--dataset NAME]`` (also ``blamegrad explore``)."""
    parser = argparse.ArgumentParser(prog="nn.explore", description="Watch a network learn, live, in the browser.")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0: any free port; default 8765)")
    parser.add_argument("--no-browser", action="store_true", help="only print the address; do not open a browser")
    parser.add_argument("--dataset", default="moons", help="moons, circles, xor, spiral, blobs, spiral3 or yin_yang")
    args = parser.parse_args(argv)
    try:
        explore(dataset=args.dataset, port=args.port, open_browser=not args.no_browser, block=True)
    except OSError as error:
        print(error.strerror or str(error), file=sys.stderr)
        return 1
    except ModuleNotFoundError as error:
        print(str(error), file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"nn.explore: {error}", file=sys.stderr)
        return 2
    return 0


class _CallableModule(types.ModuleType):
    """``nn.explore(...)`` calls :func:`explore`, while ``nn.explore`` stays this module."""

    def __call__(self, *args: Any, **kwargs: Any) -> Explorer:
        return explore(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
