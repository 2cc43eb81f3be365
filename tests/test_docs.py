"""The README documents what the code has: every CLI command, every endpoint, every setting."""

from __future__ import annotations

import re

import pytest

from pipeline.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme() -> None:
    import typer.main

    from pipeline.cli import app

    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    missing = [name for name in names if f"styrdok {name}" not in README]
    assert names and not missing, missing


def test_every_endpoint_is_in_the_readme() -> None:
    from search_api.app import create_app

    def shape(text: str) -> str:  # /documents/{doc_id}/file and /documents/{id}/file are the same
        return re.sub(r"\{[^}]*\}", "{}", text)

    readme = shape(README)
    paths = set(create_app().openapi()["paths"])
    assert "/search" in paths
    missing = sorted(p for p in paths if f"`{shape(p)}" not in readme and f" {shape(p)}`" not in readme)
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"STYRDOK_{name.upper()}" in README or re.search(rf"STYRDOK_{name.upper()}\b", README), name
