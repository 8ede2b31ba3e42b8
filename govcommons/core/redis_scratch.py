"""A Redis database of its own for one checking process: the scale-out tests and `make prod-check`.

RQ's keys have fixed names (rq:queue:default, rq:workers...), so two test processes sharing one
Redis database would run each other's tasks. Each process claims a free database number instead
(SET NX on a claim key in database 0, with an expiry in case it dies), uses it alone, and
deletes only the keys it wrote (RQ's and the cache's) before and after. Nothing is flushed.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

# Databases 0 and 1 are left to people (make run, make bench, a developer's REDIS_URL).
FIRST_SCRATCH_DB = 2
CLAIM_KEY = "govcommons:scratch-redis-db:{number}"
# A claim outlives any run; a process that died frees its database after this long.
CLAIM_SECONDS = 2 * 3600
# What our processes write: RQ's keys and the cache's (KEY_PREFIX "govcommons").
OWN_KEY_PATTERNS = ("rq:*", "govcommons:*")


def server_url() -> str:
    """The Redis server, without a database number."""
    return os.environ.get("SCRATCH_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


def reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(server_url(), socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


def delete_own_keys(url: str) -> int:
    """Delete the keys our processes write in the database at `url`. Returns how many."""
    client = redis.Redis.from_url(url)
    deleted = 0
    for pattern in OWN_KEY_PATTERNS:
        batch = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) == 500:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
    return deleted


@contextmanager
def scratch_database() -> Iterator[str]:
    """Claim a free Redis database; yield its URL; clean it and give it back."""
    base = server_url()
    claims = redis.Redis.from_url(f"{base}/0")
    try:
        databases = int(claims.config_get("databases").get("databases", 16))
    except redis.ResponseError:  # CONFIG is refused by some servers: Redis's default then
        databases = 16
    token = f"{os.getpid()}:{uuid.uuid4().hex}"
    for number in range(FIRST_SCRATCH_DB, databases):
        key = CLAIM_KEY.format(number=number)
        if claims.set(key, token, nx=True, ex=CLAIM_SECONDS):
            break
    else:
        raise RuntimeError(
            f"No free Redis database among {FIRST_SCRATCH_DB}-{databases - 1} at {base}: "
            f"each running test process holds one (claims: {CLAIM_KEY.format(number='*')})."
        )
    url = f"{base}/{number}"
    try:
        delete_own_keys(url)  # left by a process that died holding this claim
        yield url
    finally:
        delete_own_keys(url)
        if claims.get(key) == token.encode():
            claims.delete(key)
