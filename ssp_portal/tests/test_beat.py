"""``manage.py beat`` on two nodes: one runs beat, the other waits as a standby and takes over
when the first stops (a PostgreSQL advisory lock, ssp_portal/beat.py)."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import redis

from ssp_portal.tests.processes import manage, portal_env, start, stop, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def _senders(client: redis.Redis, queue: str) -> list[str]:
    """The node named by each task in the queue, oldest first (kombu keeps the newest at the left)."""
    senders = []
    for raw in reversed(client.lrange(queue, 0, -1)):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        senders.append(args[0])
    return senders


def _beat(node: str, *, queue: str, redis_url: str, tmp_path):
    log = tmp_path / f"beat-{node}.log"
    command = manage(
        "beat",
        "--app",
        "ssp_portal.tests.beat_app",
        "--schedule",
        str(tmp_path / f"schedule-{node}"),  # each node's own file
        "--check-seconds",
        "0.5",
    )
    env = portal_env(redis_url, SSP_TEST_NODE=node, SSP_TEST_QUEUE=queue, PYTHONUNBUFFERED="1")
    return start(command, log=log, env=env), log


def test_two_beats_send_one_schedule_and_the_standby_takes_over(postgresql, redis_url, tmp_path):
    queue = f"test-beat-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    first, first_log = _beat("a", queue=queue, redis_url=redis_url, tmp_path=tmp_path)
    second = None
    try:
        wait_until(lambda: _senders(client, queue), what="a task sent by node a's beat", logs=[first_log])
        second, second_log = _beat("b", queue=queue, redis_url=redis_url, tmp_path=tmp_path)
        logs = [first_log, second_log]
        wait_until(lambda: "waits as a standby" in second_log.read_text(), what="b on standby", logs=logs)
        sent = len(_senders(client, queue))
        wait_until(lambda: len(_senders(client, queue)) >= sent + 3, what="node a's beat going on", logs=logs)
        assert set(_senders(client, queue)) == {"a"}

        stop(first)
        assert first.returncode == 0
        before = len(_senders(client, queue))
        wait_until(lambda: "b" in _senders(client, queue), what="node b's beat taking over", logs=logs)
        taken_over = _senders(client, queue)[before:]
        assert taken_over[-1] == "b"
        assert set(taken_over[taken_over.index("b") :]) == {"b"}  # a sends no more once b has begun
        assert "holds the beat lock" in second_log.read_text()
    finally:
        stop(first)
        if second is not None:
            stop(second)
        client.delete(queue)
        client.close()
