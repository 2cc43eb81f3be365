"""No file can stop a batch: mutated PDFs (truncated, bytes flipped, objects dropped) go
through the real sandboxed extraction batch, and every file comes back as a document or as
a reason with what to do, while the batch completes."""

from __future__ import annotations

import random
import re
from pathlib import Path

from pipeline.config import Limits
from pipeline.ingest.events import IngestListener
from pipeline.ingest.run import extract_all
from tests.helpers import CORPUS, SHARED

SOURCES = (CORPUS / "pressmeddelande-2025-12-03.pdf", SHARED / "external" / "wild" / "pypdf__crazyones.pdf")
MUTANTS_PER_KIND = 3
"""3 mutants × 3 kinds × 2 sources: 18 files (most fail in milliseconds; a mutant whose
fonts broke goes to OCR)."""
_OBJECT = re.compile(rb"\d+ 0 obj.*?endobj", re.DOTALL)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randrange(1, 40)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def drop_object(data: bytes, rng: random.Random) -> bytes:
    objects = list(_OBJECT.finditer(data))
    victim = objects[rng.randrange(len(objects))]
    return data[: victim.start()] + data[victim.end() :]


def mutants(folder: Path, seed: int = 14) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for source in SOURCES:
        data = source.read_bytes()
        for kind in (truncate, flip_bytes, drop_object):
            for n in range(MUTANTS_PER_KIND):
                path = folder / f"{source.stem} [{kind.__name__} {n}].pdf"
                path.write_bytes(kind(data, rng))
                paths.append(path)
    return paths


class Counting(IngestListener):
    def __init__(self) -> None:
        self.done: list[str] = []

    def file_done(self, name: str, error: str | None) -> None:
        self.done.append(name)


def test_a_batch_of_mutated_pdfs_completes(tmp_path: Path) -> None:
    files = mutants(tmp_path)
    listener = Counting()
    documents, failed = extract_all(files, {}, 2, listener, Limits(seconds=30, memory_mb=2048))
    assert sorted(listener.done) == sorted(p.name for p in files)
    assert len(documents) + len(failed) == len(files)
    for name, reason in failed:
        assert " — " in reason, f"{name}: no advice in {reason!r}"
        assert "Traceback" not in reason
