from pipeline.text.normalise import join_lines, normalize_text


def test_line_end_hyphenation_is_repaired() -> None:
    assert join_lines(["det gäller medbor-", "garna i länet"]) == "det gäller medborgarna i länet"


def test_real_hyphens_survive_at_line_ends() -> None:
    assert join_lines(["inom hälso-", "och sjukvård"]) == "inom hälso- och sjukvård"
    assert join_lines(["nya IT-", "system"]) == "nya IT-system"
    assert join_lines(["planen för 2023-", "2025 gäller"]) == "planen för 2023-2025 gäller"
    assert join_lines(["EU-", "kommissionen"]) == "EU-kommissionen"


def test_ligatures_and_odd_spaces_are_normalised() -> None:
    assert normalize_text("e\ufb03cient \ufb01nans\u00a0och\u2009stöd") == "efficient finans och stöd"
    assert normalize_text("av\u00adstånd  och   mer") == "avstånd och mer"
