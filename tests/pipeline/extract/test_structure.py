import pytest

from bench.ingest_quality import CORPUS_PDFS, corpus_document, measure
from pipeline.extract.structure import assign_levels


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_headings_match_ground_truth(file_name: str) -> None:
    quality = measure(file_name)
    assert quality.heading_precision >= 0.9
    assert quality.heading_recall >= 0.9
    assert quality.level_accuracy >= 0.85


def test_rare_in_between_style_shares_the_level_below() -> None:
    styles = [(24.0, True)] * 10 + [(18.0, True)] * 2 + [(11.5, True)] * 30 + [(10.0, True)] * 12
    levels = assign_levels(styles)
    assert levels == {(24.0, True): 1, (18.0, True): 2, (11.5, True): 2, (10.0, True): 3}


def test_section_paths_nest_under_their_chapter() -> None:
    doc = corpus_document("strategisk-plan-2023-2025.pdf")
    paths = [s.path for s in doc.sections]
    nested = [p for p in paths if len(p) >= 2]
    assert nested, "the plan has sub-sections"
    chapter_titles = {h.text for h in doc.headings if h.level == 1}
    assert all(p[0] in chapter_titles for p in nested)


def test_table_of_contents_lines_are_not_body_text() -> None:
    doc = corpus_document("strategisk-plan-2023-2025.pdf")
    toc_lines = [line for page in doc.pages[1:3] for line in page.lines if line.role == "toc"]
    assert len(toc_lines) > 20
    assert not any("......" in p.text for p in doc.passages)
