"""Run extraction of each file in its own child process, under a time and memory limit.

A hostile or broken PDF can make pdfminer loop for minutes or allocate gigabytes; in a
child process that costs only that file: the child is killed at the time limit, its
address space is capped (RLIMIT_AS), and a crash is reported for that file while the rest
of the batch goes on. Children are forked from a `forkserver` that has the extraction code
preloaded, so a child starts in milliseconds and never inherits a server's threads.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from pipeline.config import Limits

POLL_SECONDS = 0.2
WALL_FACTOR = 3
"""A child is killed when it has used `Limits.seconds` of processor time (its own and its
finished subprocesses', e.g. Tesseract), or after this many times that in wall-clock time
(a child that waits instead of working). Wall-clock time alone judged the machine's load, not
the file: a 108-page plan (`helsingborg__samsyn.pdf`, ~150 s of work) was "too slow" at
load average 12 on 2 cores, while a file that loops still hits the processor-time limit."""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
SLOW_HINT = (
    "a very large or scanned file, a busy machine, or a damaged file: split it, or raise"
    " STYRDOK_EXTRACT_TIMEOUT_S and run again"
)
BIG_HINT = "a very large or damaged file: split it, or raise STYRDOK_EXTRACT_MEMORY_MB and run again"


@dataclass(frozen=True)
class Outcome:
    """What became of one task: `value` on success, else `error` (and maybe `hint`)."""

    key: Any
    value: Any = None
    error: str | None = None
    hint: str = ""
    peak_rss_mb: float | None = None
    """Peak resident memory of the child process that did the work."""


def _child(conn: Connection, fn: Callable[..., Any], args: tuple, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result: tuple[Any, ...]
    try:
        result = ("ok", fn(*args))
    except MemoryError:
        result = ("error", f"needs more than {memory_mb} MB of memory to read", BIG_HINT)
    except Exception as exc:  # reported for this file only
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        result = ("error", reason, getattr(exc, "hint", ""))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        conn.send((*result, peak_mb))
    except Exception as exc:  # e.g. the result cannot be pickled
        conn.send(("error", f"could not return the result ({type(exc).__name__})", "", peak_mb))
    finally:
        conn.close()


def _context() -> mp.context.BaseContext:
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.extract.document", "pipeline.ingest.bounds"])
    return ctx


def run_isolated(
    tasks: Iterable[tuple[Any, Callable[..., Any], tuple]],
    workers: int,
    limits: Limits,
    on_outcome: Callable[[Outcome], None],
) -> None:
    """Run `fn(*args)` for each `(key, fn, args)` in a child process, `workers` at a time,
    and report each `Outcome` as it finishes."""
    ctx = _context()
    pending = list(tasks)
    running: dict[Connection, tuple[Any, mp.process.BaseProcess, float]] = {}
    while pending or running:
        while pending and len(running) < max(1, workers):
            key, fn, args = pending.pop(0)
            receiver, sender = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(sender, fn, args, limits.memory_mb), daemon=True)  # type: ignore[attr-defined]
            process.start()
            sender.close()
            running[receiver] = (key, process, time.monotonic())
        for ready in wait(list(running), timeout=POLL_SECONDS):
            conn = cast(Connection, ready)
            key, process, _ = running.pop(conn)
            try:
                status, *payload = conn.recv()
            except EOFError:  # died without a word: killed by the kernel, or a C-level crash
                process.join()
                on_outcome(Outcome(key, error=_death(process.exitcode, limits), hint="the file may be malformed"))
                continue
            finally:
                conn.close()
            process.join()
            if status == "ok":
                on_outcome(Outcome(key, value=payload[0], peak_rss_mb=payload[1]))
            else:
                on_outcome(Outcome(key, error=str(payload[0]), hint=str(payload[1]), peak_rss_mb=payload[2]))
        _kill_over_limit(running, limits, on_outcome)


def cpu_seconds(pid: int | None) -> float:
    """Processor time a process and its waited-for children have used (0 when unknown)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # after the command name: utime, stime, cutime, cstime are fields 14-17 of stat(5)
    return sum(int(v) for v in fields[11:15]) / CLOCK_TICKS


def _kill_over_limit(
    running: dict[Connection, tuple[Any, mp.process.BaseProcess, float]], limits: Limits, on_outcome: Callable[[Outcome], None]
) -> None:
    now = time.monotonic()
    for conn, (key, process, started) in list(running.items()):
        worked = cpu_seconds(process.pid) > limits.seconds
        if worked or now - started > WALL_FACTOR * limits.seconds:
            process.kill()
            process.join()
            conn.close()
            del running[conn]
            error = (
                f"took more than {limits.seconds:g} s of processor time to read"
                if worked
                else f"took longer than {WALL_FACTOR * limits.seconds:g} s to read"
            )
            on_outcome(Outcome(key, error=error, hint=SLOW_HINT))


def _death(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        return f"the reader crashed (signal {-exitcode}; over {limits.memory_mb} MB of memory?)"
    return f"the reader stopped unexpectedly (exit code {exitcode})"

