"""The embedded broker: starts on a free port, takes topics with the asked partition counts, stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from monitor.broker import EmbeddedBroker, bootstrap_servers, ensure_topics


async def test_topics_created_with_partition_counts_and_messages_flow(broker):
    await ensure_topics(broker.url, {"t-four": 4, "t-one": 1})
    await ensure_topics(broker.url, {"t-four": 4})  # idempotent
    servers = bootstrap_servers(broker.url)
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        described = await admin.describe_topics(["t-four", "t-one"])
    finally:
        await admin.close()
    counts = {d["topic"]: len(d["partitions"]) for d in described}
    assert counts == {"t-four": 4, "t-one": 1}

    producer = AIOKafkaProducer(bootstrap_servers=servers)
    await producer.start()
    try:
        await producer.send_and_wait("t-one", b"hello", key=b"k")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer("t-one", bootstrap_servers=servers, auto_offset_reset="earliest")
    await consumer.start()
    try:
        message = await consumer.getone()
    finally:
        await consumer.stop()
    assert message.value == b"hello"


def test_stop_frees_the_port():
    broker = EmbeddedBroker()
    broker.start()
    pid = broker.process.pid
    broker.stop()
    assert broker.process is None
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", broker.port)) != 0
    assert not _alive(pid)


def test_broker_dies_with_a_killed_parent():
    """SIGKILL on the monitor must not leave an orphan broker behind."""
    code = (
        "import time; from monitor.broker import EmbeddedBroker; b = EmbeddedBroker(); b.start();"
        "print(b.process.pid, flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
