"""Admission of search work by cost (`search_api.admission`), in a real event loop: costly work
waits for spare capacity, runs one at a time, and never waits much longer than its bound."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from search_api.admission import Admission

T = TypeVar("T")


def _run(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """`asyncio.run` on a thread of its own: a browser test of the same session (Playwright's
    sync API) leaves an event loop running on the main thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(scenario())).result()


async def _hold(context: Any, started: list[str], name: str, release: asyncio.Event) -> None:
    async with context:
        started.append(name)
        await release.wait()


def test_costly_work_waits_while_cheap_searches_fill_the_cores() -> None:
    async def scenario() -> tuple[list[str], list[str], float]:
        gate = Admission(reserve=2, max_wait_s=0.5)
        started: list[str] = []
        cheap_done, costly_done = asyncio.Event(), asyncio.Event()
        cheap = [asyncio.create_task(_hold(gate.cheap(), started, f"cheap{n}", cheap_done)) for n in range(2)]
        await asyncio.sleep(0.01)
        costly = [asyncio.create_task(_hold(gate.costly(), started, f"costly{n}", costly_done)) for n in range(2)]
        await asyncio.sleep(0.1)
        while_full = list(started)  # both cheap searches run; no costly one yet
        waited = time.monotonic()
        while "costly0" not in started:
            await asyncio.sleep(0.01)
        waited = time.monotonic() - waited + 0.1
        await asyncio.sleep(0.7)
        one_at_a_time = list(started)  # its bound passed for the second too, but the slot is taken
        costly_done.set()
        cheap_done.set()
        await asyncio.gather(*cheap, *costly)
        return while_full, one_at_a_time, waited

    while_full, one_at_a_time, waited = _run(scenario)
    assert while_full == ["cheap0", "cheap1"]
    assert 0.45 <= waited < 1.0, waited  # ran after its longest wait, though the cores stayed busy
    assert one_at_a_time == ["cheap0", "cheap1", "costly0"]


def test_costly_work_runs_at_once_on_spare_capacity_and_cheap_work_is_never_held() -> None:
    async def scenario() -> list[str]:
        gate = Admission(reserve=2, max_wait_s=10)
        started: list[str] = []
        done = asyncio.Event()
        tasks = [asyncio.create_task(_hold(gate.costly(), started, "costly", done))]
        await asyncio.sleep(0.01)
        tasks += [asyncio.create_task(_hold(gate.cheap(), started, f"cheap{n}", done)) for n in range(3)]
        await asyncio.sleep(0.01)
        seen = list(started)
        done.set()
        await asyncio.gather(*tasks)
        return seen

    assert _run(scenario) == ["costly", "cheap0", "cheap1", "cheap2"]


def test_a_costly_request_cancelled_while_waiting_leaves_no_trace() -> None:
    async def scenario() -> tuple[int, int, list[str]]:
        gate = Admission(reserve=1, max_wait_s=10)
        started: list[str] = []
        cheap_done, costly_done = asyncio.Event(), asyncio.Event()
        cheap = asyncio.create_task(_hold(gate.cheap(), started, "cheap", cheap_done))
        await asyncio.sleep(0.01)
        leaving = asyncio.create_task(_hold(gate.costly(), started, "leaving", costly_done))
        staying = asyncio.create_task(_hold(gate.costly(), started, "staying", costly_done))
        await asyncio.sleep(0.01)
        leaving.cancel()
        cheap_done.set()
        await cheap
        await asyncio.sleep(0.01)
        state = (gate.heavy_running, len(gate._waiting))
        costly_done.set()
        await staying
        return (*state, started)

    heavy_running, waiting, started = _run(scenario)
    assert (heavy_running, waiting) == (1, 0)
    assert started == ["cheap", "staying"]
