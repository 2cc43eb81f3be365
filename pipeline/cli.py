"""The `styrdok` command line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from pipeline.config import get_settings
from pipeline.manifest import ManifestError

app = typer.Typer(
    help="styrdok: search and cross-check the governing documents of a Swedish region.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command()
def ingest(
    directory: Annotated[
        Optional[Path], typer.Argument(help="Folder with PDF and HTML files (default: the corpus/ folder).")
    ] = None,
    workers: Annotated[Optional[int], typer.Option(help="Parallel extraction processes (default: CPU cores).")] = None,
    index_dir: Annotated[Optional[Path], typer.Option(help="Where the index lives (default: var/index).")] = None,
) -> None:
    """Index every PDF and HTML file of a folder.

    Files that cannot be read (damaged, encrypted, empty, scanned without text, unknown
    type) are listed with the reason and skipped; the rest is indexed. The exit code is 1
    when some files failed, 0 when all were indexed.
    """
    from pipeline.ingest import discover, ingest as run_ingest

    settings = get_settings()
    directory = directory or settings.corpus_dir
    if not directory.is_dir():
        console.print(f"[red]error:[/] {directory} is not a folder. Give the folder that holds the PDF/HTML files.")
        raise typer.Exit(2)
    files = discover(directory)
    if not files:
        console.print(f"[red]error:[/] {directory} holds no files to index. Drop PDF or HTML files there first.")
        raise typer.Exit(2)
    with Progress(
        TextColumn("[bold]extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("", total=len(files))

        def done(name: str, error: str | None) -> None:
            mark = "[red]✗[/]" if error else "[green]✓[/]"
            progress.console.print(f"  {mark} {name}" + (f": {error}" if error else ""))
            progress.update(task, advance=1, description=name)

        try:
            report = run_ingest(directory, index_dir or settings.index_dir, workers or settings.workers, done)
        except ManifestError as exc:
            console.print(f"[red]error in the manifest:[/] {exc}")
            raise typer.Exit(2) from exc

    summary = RichTable(title="Ingest summary")
    summary.add_column("indexed")
    summary.add_column("failed")
    summary.add_column("passages")
    summary.add_column("seconds")
    summary.add_row(
        str(len(report.indexed)),
        str(len(report.failed)),
        str(report.passages),
        ", ".join(f"{k} {v:.1f}" for k, v in report.seconds.items()),
    )
    console.print(summary)
    for name, reason in report.failed:
        console.print(f"[red]skipped[/] {name}: {reason}")
    console.print(f"index version [bold]{report.version}[/] is now current")
    if report.failed:
        raise typer.Exit(1)



