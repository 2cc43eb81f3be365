from pipeline.search.glossary import to_swedish


def test_known_words_are_translated_and_names_and_numbers_kept() -> None:
    assert to_swedish("What is the budget of the regional development committee for 2026?").split() == [
        "What", "is", "the", "budget", "of", "the", "regional", "utveckling", "nämnd", "for", "2026",
    ]
    assert "Cosmic" in to_swedish("When will Cosmic be introduced?")
    assert to_swedish("the county's population") == "the län befolkning"
