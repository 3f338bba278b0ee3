"""Storage outages: the denylist store (a cache on Redis, or the database) unreachable.

The Redis cases run against a private ``redis-server`` that the test starts on its own port and
stops (the ``redis_server`` fixture in conftest.py), so nothing here touches a shared server.
"""

from __future__ import annotations

import pytest
import redis


def test_the_redis_server_fixture_starts_stops_and_starts_again(redis_server):
    conn = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    conn.set("k", "v")
    assert conn.get("k") == b"v"
    redis_server.stop()
    assert not redis_server.running
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, socket_timeout=5).ping()
    redis_server.start()
    # Same URL, an empty server again (no persistence).
    fresh = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    assert fresh.ping()
    assert fresh.get("k") is None
