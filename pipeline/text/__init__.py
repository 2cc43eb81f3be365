"""Text analysis shared by every stage: normalisation, sentences and lemmas, search terms, language."""
