"""The cache finds its Redis through a real Redis Sentinel when REDIS_SENTINELS is set."""

import shutil
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import redis

from ..helpers import DEFAULT_SLUG, free_port, project_venv, run, service_url, stop


def test_cache_goes_through_a_real_sentinel(default_project: Path, tmp_path: Path) -> None:
    server = shutil.which("redis-server")
    assert server, "redis-server (Debian package redis-server) is needed to run a Sentinel"
    master = urlsplit(service_url("TEST_REDIS_URL"))
    port = free_port()
    config = tmp_path / "sentinel.conf"
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
        f"sentinel monitor cachemaster {master.hostname} {master.port or 6379} 1\n"
    )
    sentinel = subprocess.Popen(
        [server, str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.sentinel_get_master_addr_by_name("cachemaster"):
                    break
            except redis.ConnectionError:
                pass
            assert sentinel.poll() is None, "redis-server --sentinel exited"
            assert time.monotonic() < deadline, "the Sentinel did not answer within 20 s"
            time.sleep(0.2)

        key = f"sentinel-probe-{uuid.uuid4().hex}"
        script = (
            f"from {DEFAULT_SLUG} import create_app\n"
            f"from {DEFAULT_SLUG}.extensions import cache\n"
            "app = create_app('testing')\n"
            "with app.app_context():\n"
            "    assert app.config['CACHE_TYPE'] == 'RedisSentinelCache'\n"
            f"    cache.set({key!r}, 'through the sentinel')\n"
            f"    print(cache.get({key!r}))\n"
        )
        result = run(
            [project_venv(default_project) / "python", "-c", script],
            cwd=default_project,
            env={"REDIS_SENTINELS": f"127.0.0.1:{port}", "REDIS_SENTINEL_MASTER": "cachemaster"},
        )
        assert result.returncode == 0, result.stdout
        assert result.stdout.strip() == "through the sentinel"
        direct = redis.Redis(host=master.hostname, port=master.port or 6379)
        stored = f"{DEFAULT_SLUG}-test:{key}"
        assert direct.exists(stored) == 1
        direct.delete(stored)
    finally:
        stop(sentinel)
