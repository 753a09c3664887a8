"""Fuzz the running API with schemathesis, as a real user.

Usage: ``python scripts/fuzz.py [BASE_URL]`` (default ``http://127.0.0.1:8000``, with
``SCRIPT_NAME``'s prefix if the service is mounted under one).

Waits for ``/health`` to answer (30 s at most), signs up a fresh user, takes a bearer
token for it, then runs ``schemathesis run`` on the service's OpenAPI document with the
settings of ``schemathesis.toml`` (fixed seed and example count; every check): a 5xx, or
a response that the document does not describe, fails the run. Exits with schemathesis'
status; extra arguments go to schemathesis.
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from base64 import b64encode
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "schemathesis.toml"
#: schemathesis' command, installed next to this Python (the dev group of uv.lock).
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def call(url: str, headers: dict[str, str], body: bytes = b"") -> dict:
    """POST ``body`` to ``url``; returns the JSON answer (raises on an HTTP error)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def wait_for(url: str, seconds: float = 30) -> None:
    """Wait until ``url`` answers (a server still starting); raises the last error."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def sign_up(api: str) -> dict[str, str]:
    """Register a new user at ``api`` and take a token: the ``FUZZ_*`` variables that
    ``schemathesis.toml`` reads."""
    username = f"fuzz-{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    account = json.dumps({"username": username, "password": password}).encode()
    call(f"{api}/users", {"Content-Type": "application/json"}, account)
    basic = b64encode(f"{username}:{password}".encode()).decode()
    token = call(f"{api}/tokens", {"Authorization": f"Basic {basic}"})["access_token"]
    return {"FUZZ_USERNAME": username, "FUZZ_PASSWORD": password, "FUZZ_TOKEN": token}


def main(arguments: list[str]) -> int:
    """Sign up, then run schemathesis; returns its exit status."""
    base = (arguments[0] if arguments else "http://127.0.0.1:8000").rstrip("/")
    wait_for(f"{base}/health")
    env = {**os.environ, **sign_up(f"{base}/api/v1")}
    command = [SCHEMATHESIS, "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
               "--url", base, *arguments[1:]]  # fmt: skip
    return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
