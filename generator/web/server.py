"""Running the web form: uvicorn on a socket we bind ourselves, in the foreground (`govreport serve`) or in a
thread (the browser tests and the screenshot), so a free port is taken without a race."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def make_server(data_dir: Path, host: str, sock: socket.socket):
    import uvicorn

    from ..pipeline import prepare_rendering
    from .app import create_app

    prepare_rendering()  # the server renders report after report: writers loaded, PDF speed-ups on, before any page

    allowed = LOOPBACK_HOSTS if is_loopback(host) else None
    app = create_app(data_dir, allowed_hosts=allowed)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


@contextlib.contextmanager
def background(
    data_dir: Path, host: str = "127.0.0.1", port: int = 0, sock: socket.socket | None = None
) -> Iterator[str]:
    """Serve `data_dir` on a loopback port in a thread (a free one unless `port` is given); yields the base URL,
    stops on exit. `sock`: a listening socket the caller keeps (`bind(host, 0)`), so that a server stopped and
    started again is at the same address with no moment in which another program could take the port."""
    listening = sock.dup() if sock is not None else bind(host, port)
    port = listening.getsockname()[1]
    server = make_server(Path(data_dir), host, listening)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():  # a request still running: ended now, so the next server never meets this one
            server.force_exit = True
            thread.join(timeout=10)
        listening.close()
        if thread.is_alive():
            raise RuntimeError("web server did not stop")
