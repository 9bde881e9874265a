"""The login rate limit holds across app instances when it is kept in Redis, as in
production with several gunicorn workers: an attacker who spreads guesses over the
workers gets no more tries than one who hits a single worker.

The second instance runs in its own Python process (its own memory, its own limiter),
so only Redis can carry the count between the two. Skipped where Redis is unreachable
(CI has it: YPB_TEST_REDIS_URL).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import post_form

REDIS_URL = os.environ.get("YPB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = 4

# The other instance: one login attempt (wrong password) per line read; prints the status.
OTHER_INSTANCE = r"""
import json, re, sys
from ypb import create_app
from ypb.config import TestConfig

app = create_app(TestConfig, json.loads(sys.argv[1]))
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = sys.argv[2]
for _line in sys.stdin:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": "nobody", "password": "wrong password", "csrf_token": token})
    print(response.status_code, flush=True)
"""


@pytest.fixture
def redis_settings():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); set YPB_TEST_REDIS_URL to test shared limits")
    # The counts are keyed by client address: one of its own keeps this run's apart from any
    # other in the same Redis database (a key prefix would not do: the app's one limiter keeps
    # the prefix of the first app made in a process).
    address = "10.{}.{}.{}".format(*secrets.token_bytes(3))
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_LOGIN": f"{LIMIT} per minute"}, client, address
    for key in client.scan_iter(f"*{address}*"):
        client.delete(key)
    client.close()


def test_two_instances_share_one_login_limit(make_app, database_url, redis_settings):
    settings, redis_client, address = redis_settings
    here = make_app(**settings)
    client = here.test_client()
    client.environ_base["REMOTE_ADDR"] = address

    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_INSTANCE, json.dumps({"SQLALCHEMY_DATABASE_URI": database_url, **settings}),
         address],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])

    def there() -> int:
        other.stdin.write("try\n")
        other.stdin.flush()
        return int(other.stdout.readline())

    def here_() -> int:
        return post_form(client, "/login", {"login": "nobody", "password": "wrong password"}).status_code

    try:
        codes = []
        for _ in range(LIMIT + 2):  # alternate: this instance, then the other one
            codes.append(("here", here_()))
            codes.append(("there", there()))
    finally:
        other.stdin.close()
        other.wait(timeout=30)

    statuses = [status for _where, status in codes]
    assert statuses[:LIMIT] == [422] * LIMIT, codes  # wrong password, counted in one place
    assert statuses[LIMIT:] == [429] * (len(statuses) - LIMIT), codes  # both instances now refuse
    assert {where for where, status in codes if status == 429} == {"here", "there"}
    assert list(redis_client.scan_iter(f"*{address}*")), "the count is in Redis"
