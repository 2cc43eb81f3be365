"""Admission of search work by cost: cheap searches run at once, costly work uses spare capacity.

Measured before this (bench.load --hostile, 2 cores): one client sending maximal batches (20
queries each, 4 in flight) beside 4 users searching one query at a time pushed the users' p95
to 2.8x an idle server's: every batch query was a thread competing for the same two cores and
the GIL as the users' searches, and the per-client limits bound how much one client holds, not
what it takes from others. Here the work is sorted by cost in the event loop, before any thread
is taken:

- *cheap* work (one query: GET /search, a POST /search with one query, the web page's search)
  is never held back; it is only counted while it runs;
- *costly* work (each query of a batch in turn, a cross-check) waits here, holding no thread, and
  runs one at a time (`heavy_slots`), and only while fewer cheap searches run than the machine
  has cores (`reserve`): the cores the users need are theirs;
- a costly item that has waited `max_wait_s` runs anyway (still one at a time), so a batch
  always progresses: under saturating cheap load it gets about one query per `max_wait_s`.

A batch yields between its queries, so a user's search waits for at most one batch query, not
for a whole batch. Costly work runs on its own thread (`run_costly`) at the normal OS priority:
a lowered one (nice +10) was tried and dropped: it ranks costly work below every other process
on the machine, not only below this server's searches. The counting runs in the one event loop:
no locks.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import TypeVar

T = TypeVar("T")

HEAVY_SLOTS = 1
"""Costly items running at once: one keeps a batch's share of two cores to one core at most."""
MAX_WAIT_S = 1.0
"""A costly item waits at most about this long for spare capacity (then runs anyway): a maximal
batch of 20 queries then finishes within ~20 s even while users saturate the machine."""


class Admission:
    """Counts cheap work and queues costly work (see the module docstring)."""

    def __init__(self, reserve: int, heavy_slots: int = HEAVY_SLOTS, max_wait_s: float = MAX_WAIT_S) -> None:
        self.reserve = max(1, reserve)
        self.heavy_slots = max(1, heavy_slots)
        self.max_wait_s = max_wait_s
        self.cheap_running = 0
        self.heavy_running = 0
        self._waiting: deque[tuple[float, asyncio.Future[None]]] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._costly_threads = ThreadPoolExecutor(self.heavy_slots, thread_name_prefix="styrdok-costly")

    async def run_costly(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` as costly work: admitted by `costly`, run on the costly work's own thread."""
        async with self.costly():
            return await asyncio.get_running_loop().run_in_executor(self._costly_threads, fn, *args)

    @asynccontextmanager
    async def cheap(self) -> AsyncIterator[None]:
        """Cheap work: runs at once, counted while it runs."""
        self.cheap_running += 1
        try:
            yield
        finally:
            self.cheap_running -= 1
            self._admit()

    @asynccontextmanager
    async def costly(self) -> AsyncIterator[None]:
        """Costly work: waits (without a thread) until it may run, then holds a heavy slot."""
        if self._waiting or not self._may_run(time.monotonic()):
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append((time.monotonic(), future))
            self._schedule()
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self.heavy_running -= 1  # admitted just as the client left: give the slot back
                    self._admit()
                else:
                    self._waiting = deque(w for w in self._waiting if w[1] is not future)
                raise
        else:
            self.heavy_running += 1
        try:
            yield
        finally:
            self.heavy_running -= 1
            self._admit()

    def _may_run(self, since: float) -> bool:
        if self.heavy_running >= self.heavy_slots:
            return False
        return self.cheap_running < self.reserve or time.monotonic() - since >= self.max_wait_s

    def _admit(self) -> None:
        """Start the oldest waiting costly items that may run now."""
        while self._waiting and self._may_run(self._waiting[0][0]):
            _, future = self._waiting.popleft()
            if not future.done():
                self.heavy_running += 1
                future.set_result(None)
        self._schedule()

    def _schedule(self) -> None:
        """Look again when the oldest waiting item reaches its longest wait."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._waiting and self.heavy_running < self.heavy_slots:  # else the slot's release looks again
            delay = self._waiting[0][0] + self.max_wait_s - time.monotonic()
            self._timer = asyncio.get_running_loop().call_later(max(0.0, delay) + 0.001, self._admit)
