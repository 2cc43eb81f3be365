"""Where a Swedish compound may be cut, and what its first part may stand for."""

from pipeline.text.compounds import cuts, head_forms


def test_cuts_keep_the_shortest_head_and_tail() -> None:
    assert list(cuts("skolgård", 4, 4)) == [("skol", "gård")]
    assert [head for head, _ in cuts("sjukvårdsbudget", 3, 3)][:2] == ["sju", "sjuk"]
    assert list(cuts("ek", 3, 3)) == []


def test_head_forms_drop_a_joint_or_restore_a_vowel() -> None:
    assert set(head_forms("sjukvårds")) >= {"sjukvårds", "sjukvård"}
    assert "skola" in set(head_forms("skol"))
    assert set(head_forms("pojke", joints=("", "s"), vowels=())) == {"pojke"}
