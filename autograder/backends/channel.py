"""The trusted side of a zygote's control socket: one client for every backend.

Trusted side. The zygote (``autograder.untrusted.zygote``) is untrusted code's neighbour:
in a container it shares its uid with the student's workers, so a student may take it
over and write anything on this socket. This client therefore caps what it buffers,
treats a malformed message as the end of that zygote (never as an error of ours), and
wakes every waiter when the channel dies.

Wire format (``protocol.pack_message`` JSON messages): we send ``{"op": "spawn",
"config": ...}`` with two fds attached (the worker's socket and the write end of its
output pipe) and ``{"op": "kill", "pid": n}``; the zygote answers ``{"ready": ...}``
once torch is imported, ``{"spawned": pid}`` (0: it could not fork), ``{"exited": pid,
"code": n}`` for each worker that ends, and ``{"killed": pid}``.
"""

from __future__ import annotations

import os
import queue
import socket
import threading
import time

from autograder import protocol

DECIDES_GRADES = True  # cache_key.py

MAX_CTRL_BUFFER = 1 << 20  # a zygote (possibly hijacked by a student) cannot flood us
SPAWN_ANSWER_S = 60.0  # the one bound on a spawn answer (a loaded machine is slow, never this slow)


class ZygoteGone(RuntimeError):
    """The zygote behind a channel died, hung up or could not fork a worker."""


class ZygoteChannel:
    """A connected control socket to one zygote, read by a thread of its own."""

    def __init__(self, sock: socket.socket, what: str = "the worker zygote"):
        self.sock = sock
        self.what = what  # names the zygote in error messages
        self.ready = threading.Event()  # set on the zygote's "ready", or when the channel dies
        self.dead = False
        self.vanished = False  # the zygote hung up while we still used it (not closed by us)
        self._closing = False
        self._lock = threading.Lock()  # one spawn at a time: answers come back in order
        self._spawned: queue.Queue = queue.Queue()
        self._exits: dict[int, int] = {}
        self._killed: set[int] = set()
        self._cv = threading.Condition()
        threading.Thread(target=self._read_loop, daemon=True, name="zygote-ctrl").start()

    # ------------------------------------------------------------------ reading
    def _read_loop(self) -> None:
        buf = b""
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            try:
                if not data and not self._closing:
                    self.vanished = True
                if not data or len(buf) + len(data) > MAX_CTRL_BUFFER:
                    raise protocol.ProtocolError("control channel closed")
                msgs, buf = protocol.unpack_messages(buf + data)
                for msg in msgs:
                    self._on_message(msg)
            except (protocol.ProtocolError, ValueError, TypeError):
                # Closed, or garbage from a zygote a student took over: this zygote is done.
                self.mark_dead()
                return

    def _on_message(self, msg: dict) -> None:
        if "ready" in msg:
            self.ready.set()
        elif "spawned" in msg:
            self._spawned.put(int(msg["spawned"]))
        elif "exited" in msg:
            with self._cv:
                self._exits[int(msg["exited"])] = int(msg["code"])
                self._cv.notify_all()
        elif "killed" in msg:
            with self._cv:
                self._killed.add(int(msg["killed"]))
                self._cv.notify_all()

    def mark_dead(self) -> None:
        """No more answers will come: wake whoever waits for one."""
        with self._cv:
            self.dead = True
            self._cv.notify_all()
        self._spawned.put(None)
        self.ready.set()

    # ------------------------------------------------------------------ requests
    def wait_ready(self, timeout: float) -> bool:
        """Whether the zygote said it is ready within ``timeout`` (False: not yet, or dead)."""
        return self.ready.wait(timeout) and not self.dead

    def spawn(self, config: dict) -> tuple[int, socket.socket, int]:
        """Fork a worker; returns (pid, socket to it, read end of its output pipe).
        Raises ZygoteGone (and marks the channel dead) when no worker came."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        msg = protocol.pack_message({"op": "spawn", "config": config})
        why = f"{self.what} died or could not start a worker"
        try:
            with self._lock:
                socket.send_fds(self.sock, [msg], [theirs.fileno(), out_w])
                pid = self._spawned.get(timeout=SPAWN_ANSWER_S)
        except OSError:
            pid = None
        except queue.Empty:
            # Marked dead below, so the backend replaces this zygote (``alive`` turns False)
            # and its late answer can never answer the next spawn.
            pid = None
            why = f"{self.what} did not answer a spawn request within {SPAWN_ANSWER_S:g} s"
        finally:
            theirs.close()
            os.close(out_w)
        if not pid:  # None: the zygote is gone or silent; 0: it could not fork (the pids limit)
            mine.close()
            os.close(out_r)
            self.mark_dead()
            raise ZygoteGone(why)
        return pid, mine, out_r

    def exit_code(self, pid: int, timeout: float) -> int | None:
        """A worker's exit status once the zygote reported it (None: not within ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while pid not in self._exits and not self.dead:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cv.wait(remaining)
            return self._exits.pop(pid, None)

    def kill(self, pid: int, ack_timeout: float) -> bool:
        """Ask the zygote to kill a worker; whether it confirmed within ``ack_timeout``."""
        if self.dead:
            return False
        try:
            with self._lock:
                self.sock.sendall(protocol.pack_message({"op": "kill", "pid": pid}))
        except OSError:
            return False
        deadline = time.monotonic() + ack_timeout
        with self._cv:
            while pid not in self._killed and not self.dead:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cv.wait(remaining)
            acked = pid in self._killed
            self._killed.discard(pid)
        return acked

    def close(self) -> None:
        """Hang up (the zygote exits when its channel closes)."""
        self._closing = True
        try:
            # shutdown, not just close: our reader thread sits in recv() on this socket,
            # which keeps it open (and the zygote waiting) until the connection is shut.
            self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
        except OSError:
            pass
        self.mark_dead()
