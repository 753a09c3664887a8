"""A TCP proxy that a test can cut and restore, to take a real server away from a
service and give it back.

One thread accepts, two threads per connection copy bytes each way. ``cut()`` closes the
listening socket and every live connection, so new connections are refused and open
ones see the peer go away; ``restore()`` listens again on the same port.
"""

import contextlib
import socket
import threading
from urllib.parse import urlsplit


def close(sock: socket.socket) -> None:
    """Shut ``sock`` down both ways, waking any thread blocked on it, and close it."""
    with contextlib.suppress(OSError):  # not connected, or already shut down
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class TcpProxy:
    """Forward ``127.0.0.1:<port>`` to ``target`` (``(host, port)``) until ``cut()``.

    Use as a context manager; ``port`` is chosen by the system at the first listen.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()

    def url(self, server_url: str) -> str:
        """``server_url`` (a database or Redis URL) with its host and port replaced by
        this proxy's."""
        parts = urlsplit(server_url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@" if credentials else ""
        return parts._replace(netloc=f"{netloc}127.0.0.1:{self.port}").geturl()

    def restore(self) -> None:
        """Listen (again) on the proxy's port and forward new connections."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening (connections are refused) and close every live connection."""
        with self._lock:
            listener, self._listener = self._listener, None
            connections, self._connections = self._connections, set()
        # shutdown() wakes the threads blocked in accept() or recv(); close() alone does not.
        for sock in filter(None, (listener, *connections)):
            close(sock)

    def __enter__(self) -> "TcpProxy":
        self.restore()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # cut: the listener was closed
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._connections |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._copy, args=(source, sink), daemon=True).start()

    def _copy(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):  # either end closed, by its peer or by cut()
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            close(end)
        with self._lock:
            self._connections -= {source, sink}
