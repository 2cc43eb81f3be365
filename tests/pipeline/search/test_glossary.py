from pipeline.search.glossary import rendering, to_swedish


def test_known_words_are_translated_and_names_and_numbers_kept() -> None:
    assert to_swedish("What is the budget of the regional development committee for 2026?").split() == [
        "What", "is", "the", "budget", "of", "the", "regional", "utveckling", "nämnd", "for", "2026",
    ]
    assert "Cosmic" in to_swedish("When will Cosmic be introduced?")
    assert to_swedish("the county's population") == "the län befolkning"


def test_the_rendering_knows_which_english_word_each_swedish_word_came_from() -> None:
    query = "What does the strategic plan say about the county's budget?"
    text, spans = rendering(query)
    assert text == to_swedish(query)
    pairs = {text[a:b]: query[c:d] for a, b, c, d in spans}
    assert pairs["strategisk"] == "strategic" and pairs["län"] == "county's" and pairs["budget"] == "budget"
