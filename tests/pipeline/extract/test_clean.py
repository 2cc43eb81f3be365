import pytest

from bench.ingest_quality import CORPUS_PDFS, measure
from pipeline.extract.clean import find_label


@pytest.mark.parametrize(
    ("texts", "label"),
    [
        (["17 november 2022 Sida 5 (52)"], "5"),
        (["Region Norrbotten, 971 89 Luleå", "Sida 1 av 2"], "1"),
        (["14 INSATSOMRÅDE: HÖG LIVSKVALITET"], "14"),
        (["EFFEKTMÅL 2030 OCH INDIKATORER 11"], "11"),
        (["- 7 -"], "7"),
        (["GÄLLER FÖR VERKSAMHET DOKUMENT-ID VERSION"], None),
    ],
)
def test_printed_page_label_is_read_from_boilerplate(texts: list[str], label: str | None) -> None:
    assert find_label(texts) == label


@pytest.mark.parametrize("file_name", CORPUS_PDFS)
def test_no_header_or_footer_line_reaches_a_passage(file_name: str) -> None:
    assert measure(file_name).boilerplate_in_passages == 0


def test_label_with_abbreviated_sida() -> None:
    assert find_label(["Sid 3 av 103"]) == "3"
