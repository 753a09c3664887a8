"""A light, steady load: one thread sending requests one after another, keeping every
answer, so that a test can tell whether any request failed while it ran."""

import http.client
import threading
import time


def fetch(path: str, host: str, port: int = 80, timeout: float = 30) -> tuple[int, str, bytes]:
    """GET ``path`` from 127.0.0.1:``port`` with ``Host: host``: status, content type, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.headers.get_content_type(), response.read()
    finally:
        connection.close()


class Load:
    """``with Load(path, host) as load:`` GETs ``path`` in a loop (about 20 a second)
    until the block ends; then ``load.failures`` lists each answer other than 200 (or
    the error), and ``load.count`` how many requests were sent."""

    def __init__(self, path: str, host: str) -> None:
        self.path, self.host = path, host
        self.count = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.count += 1
            try:
                status, _, body = fetch(self.path, self.host)
                if status != 200:
                    self.failures.append(f"{time.strftime('%X')} {status} {body[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(f"{time.strftime('%X')} {error!r}")
            time.sleep(0.05)

    def __enter__(self) -> "Load":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
