"""The `styrdok` command line."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from pipeline.config import get_settings
from pipeline.errors import CatalogError
from pipeline.ingest.events import IngestListener
from pipeline.records import PATH_SEPARATOR

if TYPE_CHECKING:
    from pipeline.crosscheck.compare import Comparison
    from pipeline.ingest.cluster import RayExecutor
    from pipeline.ingest.run import IngestReport
    from pipeline.search.hybrid import DocumentInfo, Searcher
    from search_api.schemas import CompareResponse

app = typer.Typer(
    help="styrdok: search and cross-check the governing documents of a Swedish region.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)


def say(label: str, message: str, style: str = "red") -> None:
    """Print `label` styled and `message` as plain text: file names and reasons may hold
    brackets ("Direktiv 2017 [slutlig].pdf") that must not be read as Rich markup."""
    console.print(Text.assemble((label, style), " ", message))


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


class RichListener(IngestListener):
    """Draws ingest progress: one bar per stage and a line per file."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, description="done")
        self.task = self.progress.add_task("", total=total, stage=name)

    def advance(self, n: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=n)

    def file_done(self, name: str, error: str | None) -> None:
        mark = ("✗", "red") if error else ("✓", "green")
        self.progress.console.print(Text.assemble("  ", mark, f" {name}" + (f": {error}" if error else "")))
        self.advance(1)

    def file_warned(self, name: str, warnings: tuple[str, ...]) -> None:
        self.progress.console.print(Text.assemble("    ", ("!", "yellow"), f" {name}: {'; '.join(warnings)}"))


@app.command()
def ingest(
    directory: Annotated[
        Path | None, typer.Argument(help="Folder with PDF and HTML files (default: the corpus/ folder).")
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Parallel extraction processes (default: CPU cores).")] = None,
    index_dir: Annotated[Path | None, typer.Option(help="Where the index lives (default: var/index).")] = None,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for a running ingest instead of giving up.")] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Read again the files that failed before with the same bytes.")
    ] = False,
    cluster: Annotated[
        str | None,
        typer.Option(help="Run extraction and embedding on a Ray cluster: ADDRESS, 'auto' or 'local' (env STYRDOK_CLUSTER)."),
    ] = None,
) -> None:
    """Index every PDF and HTML file of a folder — only what changed since the last run.

    Unchanged files (same bytes) are neither extracted nor embedded again; changed files
    are replaced and files that disappeared are removed. The new index version becomes
    current only when it is complete: search keeps answering from the previous one.
    Files that cannot be read (damaged, encrypted, empty, unknown type) are listed with the
    reason and skipped; the rest is indexed; scans are read by OCR. Exit codes: 0 all files
    indexed, 1 some files skipped, 2 the batch itself failed (nothing changed; one line says
    what to do), 3 another ingest holds the lock.
    """
    from pipeline.ingest.run import ingest as run_ingest

    settings = get_settings()
    directory = _ingest_folder(directory or settings.corpus_dir)
    from pipeline.embed.embedder import Embedder

    executor = _cluster_executor(cluster or settings.cluster, workers or settings.workers)
    with executor or nullcontext(), Progress(
        TextColumn("[bold]{task.fields[stage]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        try:
            report = run_ingest(
                directory,
                index_dir or settings.index_dir,
                Embedder(settings.model),
                workers or settings.workers,
                RichListener(progress),
                wait=wait,
                limits=settings.limits,
                exact_limit=settings.exact_search_limit,
                retry_failed=retry_failed,
                keep_versions=settings.keep_versions,
                executor=executor,
            )
        except Exception as exc:  # noqa: BLE001  (every failure of the batch: one line, no traceback)
            raise typer.Exit(_batch_failed(exc, index_dir or settings.index_dir)) from None
    _print_ingest_report(report)
    if report.failed:
        raise typer.Exit(1)


def _batch_failed(exc: Exception, index_dir: Path) -> int:
    """Say in one line why the batch failed and what to do; the exit code (3 locked, else 2)."""
    from pipeline.errors import IngestLocked

    if isinstance(exc, CatalogError):
        say("error in the manifest:", str(exc))
    elif isinstance(exc, IngestLocked):
        say("error:", str(exc))
        return 3
    elif isinstance(exc, (OSError, sqlite3.Error)):
        say("error:", f"the index could not be written in {index_dir} ({exc}): free disk space or make that"
            " folder writable (or pass --index-dir), then run again; the previous index version stays current")
    else:
        say("error:", f"the batch failed ({type(exc).__name__}: {exc}); the previous index version stays"
            " current: run again with --verbose and report this line")
    return 2
def _cluster_executor(address: str | None, workers: int) -> RayExecutor | None:
    """The Ray executor for `--cluster`, or None for a local ingest (Ray is then never imported)."""
    if not address:
        return None
    from pipeline.ingest.cluster import ClusterUnavailable, RayExecutor

    try:
        return RayExecutor(address, cpus=workers)
    except ClusterUnavailable as exc:
        say("error:", str(exc))
        raise typer.Exit(2) from exc


def _ingest_folder(directory: Path) -> Path:
    """The folder to ingest, or exit 2 with a message saying what to give instead."""
    from pipeline.ingest.plan import discover

    if not directory.is_dir():
        say("error:", f"{directory} is not a folder. Give the folder that holds the PDF/HTML files.")
        raise typer.Exit(2)
    if not discover(directory):
        say("error:", f"{directory} holds no files to index. Drop PDF or HTML files there first.")
        raise typer.Exit(2)
    return directory


def _print_ingest_report(report: IngestReport) -> None:
    summary = RichTable(title="Ingest summary")
    columns = ("added", "updated", "unchanged", "removed", "failed", "passages", "embedded now")
    for column in columns:
        summary.add_column(column, justify="right")
    summary.add_row(
        *(str(len(getattr(report, c))) for c in columns[:5]), str(report.passages), str(report.embedded)
    )
    console.print(summary)
    console.print("seconds per stage: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    for name, reason in report.failed:
        say("skipped", f"{name}: {reason}")
    if report.switched:
        console.print(Text(f"index version {report.version} is now current"))
    else:
        console.print(Text(f"nothing changed: index version {report.version} stays current"))





def _live_searcher() -> Searcher:
    from pipeline.embed.embedder import Embedder
    from pipeline.search.live import LiveIndex, NoIndex

    settings = get_settings()
    try:
        return LiveIndex(settings.index_dir, Embedder(settings.model)).searcher()
    except (NoIndex, RuntimeError) as exc:
        say("error:", str(exc))
        raise typer.Exit(2) from exc


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What you are looking for, in Swedish or English.")],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Number of results.")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid (default), dense or lexical.")] = "hybrid",
    doc: Annotated[str | None, typer.Option(help="Only this document (id or file name).")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. 'strategisk plan'.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only passages in this language (sv/en).")] = None,
    year: Annotated[int | None, typer.Option(help="Only documents dated this year.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Search the index and print the passages that answer, with citations."""
    import json

    from pipeline.search.hybrid import MODES, Filters

    if mode not in MODES:
        console.print(f"[red]error:[/] --mode must be one of {', '.join(MODES)}")
        raise typer.Exit(2)
    from pipeline.search.understand import has_content

    if not has_content(query):
        console.print("[red]error:[/] the query has no letters or digits to search for")
        raise typer.Exit(2)
    searcher = _live_searcher()
    doc_id = resolve_document(searcher, doc) if doc else None
    found = searcher.answer(query, k=k, mode=mode, filters=Filters(doc=doc_id, kind=kind, lang=lang, year=year))
    hits = found.hits
    if as_json:
        from search_api.schemas import hit_model, understood_model

        print(json.dumps({
            "answerable": found.answerable,
            "confidence": round(found.confidence, 4),
            "understood": understood_model(found.parsed, searcher.index.documents).model_dump(),
            "results": [hit_model(h).model_dump() for h in hits],
        }, ensure_ascii=False, indent=2))
        return
    out = Console(soft_wrap=True)
    if hits and not found.answerable:
        out.print(f"Inga säkra träffar (confidence {found.confidence:.2f}): the nearest passages follow.\n")
    if not hits:
        out.print("Inga träffar — prova färre ord eller ta bort filtret. (No results.)")
    for hit in hits:
        page = f"s. {hit.page_label}" if hit.page_label else ""
        if hit.page and str(hit.page) != (hit.page_label or ""):
            page += f" (PDF-sida {hit.page})" if page else f"PDF-sida {hit.page}"
        out.print(f"[bold]{hit.rank}. {hit.document.title}[/] — {PATH_SEPARATOR.join(hit.section_path)} — {page}".rstrip(" —"))
        anchor = f"#page={hit.page}" if hit.page else ""
        out.print(f"   [dim]{hit.document.file_name}{anchor} · {hit.lang} · score {hit.score:.3f} · confidence {hit.confidence:.2f}[/]")
        if hit.answer_span is not None:
            out.print("   [bold]» " + escape(hit.text[hit.answer_span[0] : hit.answer_span[1]]) + "[/]")
        out.print("   " + _highlighted(hit.text, hit.highlights))
        for also in hit.also_at:
            where = PATH_SEPARATOR.join(also.section_path)
            out.print(f"   [dim]same text also at p. {also.page_label or also.page} ({where})[/]")
        out.print()


def _highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> str:

    parts, last = [], 0
    for start, end in spans:
        parts.append(escape(text[last:start]) + f"[bold yellow]{escape(text[start:end])}[/]")
        last = end
    return "".join(parts) + escape(text[last:])


def resolve_document(searcher: Searcher, ref: str) -> str:
    """A document id from an id, an id prefix or a file name; exits with a message if unknown."""
    from pipeline.errors import UnknownDocument

    try:
        return searcher.index.resolve_document(ref)
    except UnknownDocument as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


@app.command("eval")
def evaluate_command(
    queries: Annotated[list[Path], typer.Argument(help="JSON-lines query files with gold pages; empty gold = unanswerable.")],
    modes: Annotated[str, typer.Option(help="Comma-separated modes to compare.")] = "hybrid,dense,lexical",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
) -> None:
    """Measure page-exact and document-level Recall@1/5/10 and MRR@10 for each mode."""
    import json

    from pipeline.search.evaluate import evaluate, read_queries

    for path in queries:
        if not path.is_file():
            say("error:", f"{path} is not a file")
            raise typer.Exit(2)
    items = [q for path in queries for q in read_queries(path)]
    report = evaluate(_live_searcher(), items, [m.strip() for m in modes.split(",")])
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    metrics = ("recall@1", "recall@5", "recall@10", "mrr@10")
    names = ", ".join(path.name for path in queries)
    table = RichTable(title=f"Retrieval on {names} (page-exact; document-level last)")
    for column in ("group", "n", "mode", *metrics):
        table.add_column(column)
    first = next(iter(report.values()))
    for group in ["all", *first["groups"], "document-level"]:
        for i, (mode, mode_report) in enumerate(report.items()):
            figures = mode_report if group == "all" else mode_report.get(group) or mode_report["groups"][group]
            n = first["n"] if group in ("all", "document-level") else first["groups"][group]["n"]
            table.add_row(group if i == 0 else "", str(n) if i == 0 else "", mode, *(f"{figures[m]:.3f}" for m in metrics))
        table.add_section()
    Console().print(table)
    for mode, mode_report in report.items():
        Console().print(
            f"{mode}: abstained {mode_report['abstained']} of {mode_report['n_unanswerable']} unanswerable; "
            f"false_abstention {mode_report['false_abstention']} of {mode_report['n']} answerable"
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    index_url: Annotated[
        str | None,
        typer.Option(help="Serve the index published here (a shared directory or file:// URL); replicas share one."),
    ] = None,
) -> None:
    """Serve the search API and the staff web page."""
    import uvicorn

    from pipeline.config import Settings
    from search_api.app import create_app

    settings = Settings(index_dir=_index_location(index_url)) if index_url else None
    console.print(f"styrdok serves at [bold]http://{host}:{port}/[/] (API schema at http://{host}:{port}/openapi.json)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _index_location(url: str) -> Path:
    from pipeline.errors import IndexUnavailable
    from pipeline.index.publish import index_location

    try:
        return index_location(url)
    except IndexUnavailable as exc:
        say("error:", str(exc))
        raise typer.Exit(2) from exc


@app.command()
def publish(
    index_url: Annotated[str, typer.Argument(help="Shared directory (or file:// URL) that the serving replicas read.")],
    index_dir: Annotated[Path | None, typer.Option(help="Index to publish from (default: var/index).")] = None,
) -> None:
    """Copy the current index version to a shared place and make it current there.

    Every `styrdok serve --index-url` over that place switches to it within a second;
    the version is copied completely before the switch, so no replica sees half of it.
    """
    from pipeline.errors import IndexUnavailable
    from pipeline.index.publish import publish as run_publish

    try:
        name = run_publish(index_dir or get_settings().index_dir, _index_location(index_url))
    except IndexUnavailable as exc:
        say("error:", str(exc))
        raise typer.Exit(2) from exc
    console.print(f"index version [bold]{name}[/] is now current at {index_url}")


@app.command()
def compare(
    source: Annotated[str, typer.Argument(help="Document whose goals are checked (file name or id).")],
    targets: Annotated[list[str], typer.Argument(help="Documents to check them against.")],
    output_format: Annotated[str, typer.Option("--format", help="table, md, csv or json.")] = "table",
    lang: Annotated[str, typer.Option(help="Language of the explanations: sv or en.")] = "sv",
    matrix: Annotated[bool, typer.Option("--matrix", help="One column per target: which goals each covers.")] = False,
) -> None:
    """Cross-check goals: for each goal of SOURCE, what the TARGETs say about it.

    Each row gives the goal, the relation (agrees / partial / conflicts / absent), the best
    evidence with its citation, and the numbers compared. With --matrix, each target is
    checked on its own and the table shows each goal's relation per target.
    """
    from pipeline.crosscheck.compare import compare as run_compare
    from pipeline.errors import CompareError
    from search_api.compare_view import comparison_response

    if output_format not in ("table", "md", "csv", "json"):
        console.print("[red]error:[/] --format must be table, md, csv or json")
        raise typer.Exit(2)
    searcher = _live_searcher()
    source_id = resolve_document(searcher, source)
    target_ids = [resolve_document(searcher, t) for t in targets]
    try:
        comparison = run_compare(searcher, source_id, target_ids)
        columns = [run_compare(searcher, source_id, [t]) for t in target_ids] if matrix else []
    except CompareError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if matrix:
        print(render_matrix(comparison, columns, searcher.index.documents))
        return
    response = comparison_response(comparison, searcher.index.documents)
    print(render_comparison(response, output_format, lang))
    console.print(
        f"{len(response.rows)} goals in {response.seconds:.1f} s: "
        + ", ".join(f"{n} {relation}" for relation, n in response.counts.items())
    )


def render_matrix(comparison: Comparison, columns: list[Comparison], documents: dict[str, DocumentInfo]) -> str:
    """Markdown table: one row per goal of the source, one column per target, its relation there."""
    titles = [documents[c.targets[0]].title for c in columns]
    lines = ["| goal | " + " | ".join(titles) + " |", "|---|" + "---|" * len(titles)]
    for i, check in enumerate(comparison.checks):
        goal = check.goal.text.replace("|", "\\|")
        lines.append(f"| {goal} | " + " | ".join(c.checks[i].relation for c in columns) + " |")
    return "\n".join(lines)


def render_comparison(response: CompareResponse, output_format: str, lang: str = "en") -> str:
    """The comparison as a terminal table, Markdown, CSV or JSON."""
    import csv
    import io

    def cite(page_label: str | None, page: int | None) -> str:
        if page is None:
            return ""
        return f"s. {page_label}" + (f" (PDF {page})" if str(page) != page_label else "") if page_label else f"PDF {page}"

    rows = [
        {
            "goal": row.goal.text,
            "goal_page": cite(row.goal.page_label, row.goal.page),
            "relation": row.relation,
            "confidence": f"{row.confidence:.2f}",
            "evidence": row.evidence.text if row.evidence else "",
            "evidence_document": row.evidence.document.file if row.evidence else "",
            "evidence_page": cite(row.evidence.page_label, row.evidence.page) if row.evidence else "",
            "numbers": "; ".join(f"{p.goal} {'=' if p.same else '≠'} {p.target}" for p in row.compared),
            "note": row.explanation.sv if lang == "sv" else row.explanation.en,
        }
        for row in response.rows
    ]
    if output_format == "json":
        return response.model_dump_json(indent=2)
    if output_format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["goal"])
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    if output_format == "md":
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| goal | relation | evidence | numbers |", "|---|---|---|---|"]
        for r in rows:
            evidence = f"{cell(r['evidence'])} ({r['evidence_document']}, {r['evidence_page']})" if r["evidence"] else "—"
            lines.append(f"| {cell(r['goal'])} ({r['goal_page']}) | {r['relation']} | {evidence} | {r['numbers']} |")
        return "\n".join(lines)
    table = RichTable(title=f"{response.source.title} → {', '.join(t.title for t in response.targets)}", show_lines=True)
    for column in ("goal", "relation", "evidence", "numbers"):
        table.add_column(column)
    colours = {"agrees": "green", "partial": "yellow", "conflicts": "red", "absent": "dim"}
    for r in rows:
        evidence = f"{r['evidence']}\n[dim]{r['evidence_document']} {r['evidence_page']}[/]" if r["evidence"] else "—"
        relation = f"[{colours[r['relation']]}]{r['relation']}[/]\n[dim]{r['confidence']}[/]"
        table.add_row(f"{r['goal']}\n[dim]{r['goal_page']}[/]", relation, f"{evidence}\n{r['note']}", r["numbers"])
    buffer = Console(file=io.StringIO(), width=160)
    buffer.print(table)
    return buffer.file.getvalue()  # type: ignore[attr-defined]


@app.command("eval-compare")
def evaluate_compare_command(
    examples: Annotated[Path, typer.Argument(help="Cross-check examples (crosscheck_dev.json format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    loo: Annotated[bool, typer.Option("--loo", help="Also refit the thresholds leaving each example out.")] = False,
) -> None:
    """Relation accuracy, page accuracy and a confusion matrix on cross-check examples."""
    import json

    from pipeline.crosscheck.evaluate import evaluate_compare

    if not examples.is_file():
        say("error:", f"{examples} is not a file")
        raise typer.Exit(2)
    report = evaluate_compare(_live_searcher(), json.loads(examples.read_text(encoding="utf-8")), loo)
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    table = RichTable(title=f"Cross-check on {examples.name}: {report['right']} of {report['n']} right")
    for column in ("goal", "expected", "got", "conf.", "expected pages", "cited pages", "right"):
        table.add_column(column)
    for r in report["examples"]:
        table.add_row(r["goal"][:60], r["expected"], r["got"], f"{r['confidence']:.2f}", str(r["expected_pages"]),
                      str(r["cited_pages"]), "✓" if r["right"] else "✗")
    Console().print(table)
    console.print(
        f"relation right {report['relation_right']}/{report['n']}, page right {report['page_right']}/"
        f"{report['with_evidence']}, both right {report['right']}/{report['n']}; "
        f"goals found among the extracted {report['goals_extracted']}/{report['n']}"
    )
    confusion = RichTable(title="expected (rows) × got (columns)")
    relations = list(report["confusion"])
    for column in ("", *relations):
        confusion.add_column(column)
    for want in relations:
        confusion.add_row(want, *(str(report["confusion"][want][got]) for got in relations))
    Console().print(confusion)
    if loo:
        console.print(f"leave-one-out: {report['leave_one_out_right']}/{report['n']} right; "
                      f"thresholds fitted on all: {report['fitted']}")


@app.command("eval-goals")
def evaluate_goals_command(
    sentences: Annotated[Path, typer.Argument(help="Labelled sentences (goal_sentences.jsonl format).")],
) -> None:
    """Precision and recall of goal detection on labelled sentences."""
    import json

    from pipeline.crosscheck.evaluate import evaluate_goals

    if not sentences.is_file():
        say("error:", f"{sentences} is not a file")
        raise typer.Exit(2)
    items = [json.loads(line) for line in sentences.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = evaluate_goals(_live_searcher(), items)
    for error in report["errors"]:
        console.print(f"{error['error']}: {error['text']}")
    console.print(f"precision {report['precision']:.3f}, recall {report['recall']:.3f} "
                  f"(tp {report['tp']}, fp {report['fp']}, fn {report['fn']}, tn {report['tn']})")


if __name__ == "__main__":  # `python -m pipeline.cli`, used by tests that run the CLI in a subprocess
    app()
