"""Total-time limits for blocking socket I/O (the probes' http.client requests).

A socket timeout only bounds each single wait: a server that sends one byte every few seconds
(slowloris, a slow drip) keeps ``http.client`` reading for hours. A ``Deadline`` bounds the
whole exchange: every socket it watches is shut down when the time is up, so whatever read
or handshake is blocked on it returns at once, and ``check`` then raises ``TimeoutError``.
Name resolution through the system resolver (which cannot be interrupted) runs in a helper
thread that is waited for only until the deadline.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any


class DeadlineExceeded(TimeoutError):
    """The total time of an exchange ran out."""


class Deadline:
    """``with Deadline(10) as d:`` … ``d.watch(sock)`` for every socket, ``d.left()`` for
    every timeout; leaving the block releases the watcher."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []  # duplicates of the watched descriptors
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        """Seconds left (raises DeadlineExceeded when none)."""
        remaining = self.end - time.monotonic()
        if remaining <= 0 or self.expired:
            self.expired = True
            raise DeadlineExceeded(f"total time limit of {self.seconds:g} s reached")
        return remaining

    def check(self) -> None:
        """Raise DeadlineExceeded if the time ran out (after an I/O call returned)."""
        if self.expired or time.monotonic() >= self.end:
            self.expired = True
            raise DeadlineExceeded(f"total time limit of {self.seconds:g} s reached")

    def watch(self, sock: Any) -> Any:
        """Shut ``sock`` down when the time is up. Works on a duplicate of its descriptor, so
        it holds when the socket is later wrapped for TLS (the original object detaches)."""
        try:
            dup = socket.socket(fileno=os.dup(sock.fileno()))
        except OSError:
            return sock
        with self._lock:
            self._watched.append(dup)
            if self.expired:
                self._shutdown(dup)
            elif self._timer is None:
                self._timer = threading.Timer(max(0.0, self.end - time.monotonic()),
                                              self._expire)
                self._timer.daemon = True
                self._timer.start()
        return sock

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                self._shutdown(sock)

    def close(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            for sock in self._watched:
                sock.close()
            self._watched.clear()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="govinspect-dns")


def getaddrinfo(host: str, port: int | None, deadline: Deadline, **kwargs: Any) -> list:
    """``socket.getaddrinfo`` that gives up at the deadline (the lookup itself may go on in
    its helper thread; its answer is then dropped)."""
    future = _RESOLVER.submit(socket.getaddrinfo, host, port, **kwargs)
    try:
        return future.result(timeout=deadline.left())
    except FutureTimeout:
        deadline.expired = True
        raise DeadlineExceeded(f"name lookup of {host} passed the time limit") from None
