"""The one zygote control client (backends/channel.py), against a peer that misbehaves.

The peer here plays a zygote a student took over: it writes garbage, floods, or says it
cannot fork. Both backends use this client, so both survive what is tested here.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from autograder import protocol
from autograder.backends.channel import MAX_CTRL_BUFFER, ZygoteChannel, ZygoteGone
from autograder.backends.local import LocalBackend


@pytest.fixture
def pair():
    ours, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    channel = ZygoteChannel(ours, "the test zygote")
    yield channel, peer
    channel.close()
    peer.close()


def _waits_until(predicate, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_ready_exit_and_kill_answers(pair):
    channel, peer = pair
    peer.sendall(protocol.pack_message({"ready": 1}))
    assert channel.wait_ready(5)
    peer.sendall(protocol.pack_message({"exited": 42, "code": -9}))
    assert channel.exit_code(42, timeout=5) == -9
    answered = threading.Thread(target=lambda: (peer.recv(1024), peer.sendall(protocol.pack_message({"killed": 7}))))
    answered.start()
    assert channel.kill(7, ack_timeout=5) is True
    answered.join()
    assert channel.kill(8, ack_timeout=0.2) is False  # no confirmation: the caller disposes of the zygote


@pytest.mark.parametrize("garbage", [
    b"\x00\x00\x00\x05{nope",  # not JSON
    b"\x00\x00\x00\x02[]",  # JSON, not an object
    protocol.pack_message({"exited": "x", "code": 1}),  # fields of the wrong type
    b"\xff\xff\xff\xff" + b"x" * (MAX_CTRL_BUFFER + 10),  # a flood that never ends a message
], ids=["not-json", "not-an-object", "bad-fields", "flood"])
def test_a_malformed_or_flooding_zygote_is_dead_and_wakes_its_waiters(pair, garbage):
    channel, peer = pair
    waiting = {}
    t = threading.Thread(target=lambda: waiting.update(code=channel.exit_code(1, timeout=30)))
    t.start()
    peer.sendall(garbage)
    assert _waits_until(lambda: channel.dead), "the channel kept reading after malformed data"
    t.join(5)
    assert not t.is_alive() and waiting["code"] is None
    with pytest.raises(ZygoteGone, match="the test zygote"):
        channel.spawn({"uid": 0})


def test_a_zygote_that_cannot_fork_says_so(pair):
    channel, peer = pair
    peer.sendall(protocol.pack_message({"ready": 1}))

    def refuse():
        socket.recv_fds(peer, 65536, 2)
        peer.sendall(protocol.pack_message({"spawned": 0, "error": "fork: Resource temporarily unavailable"}))

    t = threading.Thread(target=refuse)
    t.start()
    with pytest.raises(ZygoteGone):
        channel.spawn({"uid": 0})
    t.join()
    assert channel.dead


def test_the_local_backend_replaces_a_zygote_whose_channel_died():
    backend = LocalBackend()
    try:
        first = backend.acquire()
        first.wait_ready()
        first.channel.mark_dead()  # as after garbage on its channel
        second = backend.acquire()
        assert second is not first and first.proc.wait(timeout=10) is not None
        second.wait_ready()
    finally:
        backend.close()
