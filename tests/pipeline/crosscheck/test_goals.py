"""Goal statements of the RUS 2030 and the strategic plan, and of hand-made passages."""

from __future__ import annotations

from functools import cache

import pytest

from bench.ingest_quality import corpus_document
from pipeline.crosscheck.goal_cues import is_verb_form
from pipeline.crosscheck.goals import Goal, extract_goals, goal_cues
from pipeline.records import Passage

RUS = "rus-2030.pdf"
PLAN = "strategisk-plan-2023-2025.pdf"


@cache
def goals_of(file_name: str) -> tuple[Goal, ...]:
    """The goals as ingest extracts them: with the page texts, whose hard line breaks end items."""
    document = corpus_document(file_name)
    texts = {page.number: "\n".join(line.text for line in page.lines) for page in document.pages}
    return tuple(extract_goals(document.passages, texts))


def find(file_name: str, fragment: str) -> list[Goal]:
    return [g for g in goals_of(file_name) if fragment in g.text]


def passage(text: str, *, kind: str = "text", section: tuple[str, ...] = ("Avsnitt",), page: int = 1) -> Passage:
    return Passage(
        passage_id=f"p{page}-{kind}-{hash(text)}",
        doc_id="doc",
        text=text,
        section_path=section,
        pages=(page,),
        page_labels=(str(page),),
        bbox=None,
        lang="sv",
        kind=kind,
    )


# --- the corpus ---------------------------------------------------------------------------


def test_population_goal_in_the_rus_table() -> None:
    [goal] = find(RUS, "Vi ska vara minst 260 000 invånare i Norrbotten")
    assert goal.source == "table"
    assert {10, 12} <= set(goal.pages)
    assert goal.years == (2030,)  # from the heading "Effektmål 2030 och indikatorer"
    assert goal.direction == "at_least"
    population = goal.quantities[0]
    assert (population.value, population.unit, population.kind, population.qualifier) == (
        260_000, "invånare", "count", "at_least",
    )
    assert "En livskraftig region" in goal.context
    # the current value (Nuläge 2017: 251 295) is the baseline, never the target
    assert 251_295 in [q.value for q in goal.baseline]
    assert 251_295 not in [q.value for q in goal.quantities]


def test_population_goal_in_the_rus_text() -> None:
    [goal] = find(RUS, "minst 260 000 norrbottningar till 2030")
    assert goal.source == "sentence"
    assert 12 in goal.pages or 13 in goal.pages
    assert goal.years == (2030,)
    assert goal.quantities[0].value == 260_000


def test_population_goal_in_the_plan() -> None:
    [on_p10] = find(PLAN, "minst 260 000 norrbottningar till 2030")
    assert 10 in on_p10.pages
    assert (on_p10.years, on_p10.direction) == ((2030,), "at_least")
    [on_p30] = find(PLAN, "För att uppnå regionens mål om 260 000 invånare")
    assert 30 in on_p30.pages
    assert 2030 in on_p30.years
    assert [(q.value, q.unit) for q in on_p30.quantities[:2]] == [(260_000, "invånare"), (1200, "personer/år")]


def test_housing_goal_in_the_rus() -> None:
    [goal] = find(RUS, "bygga minst 1500 bostäder per år")
    assert {10, 12} <= set(goal.pages)
    assert goal.direction == "at_least"
    housing = goal.quantities[0]
    assert (housing.value, housing.unit, housing.kind) == (1500, "bostäder/år", "rate")
    assert [(q.value, q.unit) for q in goal.baseline] == [(1144, "st"), (2016, None)]


@pytest.mark.parametrize(
    "item",
    [
        "Vara välkomnande, hållbart och attraktivt",
        "Skapa hållbar tillgänglighet",
        "Ha en väl fungerande kompetensförsörjning",
        "Vara innovativt och konkurrenskraftigt",
    ],
)
def test_overarching_goals_are_list_items_on_pages_2_and_9(item: str) -> None:
    [goal] = [g for g in goals_of(RUS) if g.text == item]
    assert goal.source == "list"
    assert {2, 9} <= set(goal.pages)
    assert len(goal.passage_ids) == 2
    assert "SKA:" in goal.context


def test_the_list_ends_before_the_closing_remark() -> None:
    assert not find(RUS, "Alltid med hållbarhet")


def test_goal_on_a_page_of_its_own_is_merged_with_its_repetitions() -> None:
    texts = [g.text for g in goals_of(RUS)]
    assert len(texts) == len(set(texts))
    [goal] = find(RUS, "Antalet experimentella projekt ska öka till tio per år")  # "experimentella8" on p.11
    assert {11, 25} <= set(goal.pages)
    assert (goal.direction, goal.quantities[0].value, goal.quantities[0].unit) == ("increase", 10, "st/år")
    assert [g.goal_id for g in goals_of(RUS)].count(goal.goal_id) == 1


def test_the_gymnasium_goal_of_the_crosscheck_set() -> None:
    [goal] = find(RUS, "Andel som uppnår behörighet till gymnasieskolan i alla ämnen ska öka.")
    assert {11, 21} <= set(goal.pages)
    assert goal.direction == "increase"
    assert goal.quantities == ()


def test_vision_is_a_goal_in_both_documents() -> None:
    assert find(RUS, "Visionen är att Norrbotten ska bli Sveriges mest välkomnande och nytänkande län.")
    [restated] = find(PLAN, "fastställer att Norrbotten ska bli Sveriges mest välkomnande")
    assert 15 in restated.pages


def test_the_plan_states_desired_states_under_its_strategic_goals() -> None:
    [goal] = find(PLAN, "Attraktiva livsmiljöer finns i hela Norrbotten som erbjuder bra boende")
    assert 19 in goal.pages
    assert "goal_section" in goal.cues


def test_an_item_ends_at_its_line_when_its_bullet_is_a_drawing() -> None:
    """RUS p. 28: "… i länet Stötta Norrbottens förmåga … utvecklingsprogram Länet behöver …"
    is one run of text; the page's line breaks end each item."""
    assert find(RUS, "Utveckla innovativa miljöer och mötesplatser i länet")
    [goal] = find(RUS, "Stötta Norrbottens förmåga")
    assert goal.text == "Stötta Norrbottens förmåga att medverka i europeiska forsknings- och utvecklingsprogram"


def test_hard_line_breaks_cut_a_run_on_list() -> None:
    text = ("FÖRSLAG TILL ÅTGÄRDER Utveckla innovativa miljöer i länet Stötta länets förmåga att medverka i "
            "forskningsprogram Länet behöver även öka samarbetet med andra regioner och länder, vilket kan bidra "
            "till att attrahera nya investeringar och etableringar.")
    page = ("FÖRSLAG TILL ÅTGÄRDER\nUtveckla innovativa miljöer i länet\n"
            "Stötta länets förmåga att medverka i forskningsprogram\n"
            "Länet behöver även öka samarbetet med andra regioner och länder, vilket kan bidra\n"
            "till att attrahera nya investeringar och etableringar.")
    texts = [g.text for g in extract_goals([passage(text)], {1: page})]
    assert texts[:2] == ["Utveckla innovativa miljöer i länet", "Stötta länets förmåga att medverka i forskningsprogram"]
    glued = [g.text for g in extract_goals([passage(text)])]  # without the page, the item runs on
    assert not any(t == "Stötta länets förmåga att medverka i forskningsprogram" for t in glued)


@pytest.mark.parametrize(
    ("word", "verb"),
    [("Utveckla", True), ("Stärk", True), ("Genomföra", True), ("Bygga", True), ("Ha", True),
     # nouns and adjectives that end like an infinitive have no present tense in the table
     ("Källa", False), ("Bilaga", False), ("Folkhälsa", False), ("Sista", False), ("Källa:", False)],
)
def test_verb_forms_need_a_present_tense(word: str, verb: bool) -> None:
    assert is_verb_form(word) is verb


def test_a_heading_that_states_a_goal_is_a_goal_on_its_page() -> None:
    [goal] = find(RUS, "Norrbotten ska vara en arktisk testbädd för Europa")
    assert (goal.source, goal.pages, goal.cues) == ("heading", (26,), ("modal",))


@pytest.mark.parametrize("heading", ["Folkhälsa, hälsa och vård", "Bilaga 4 Den politiska styrningen"])
def test_a_noun_phrase_heading_is_no_goal(heading: str) -> None:
    """An infinitive-looking first word ("Folkhälsa", "Bilaga") makes no heading a goal."""
    assert not extract_goals([passage("Text under rubriken om vården i länet.", section=(heading,))])


@pytest.mark.parametrize(
    ("file_name", "fragment"),
    [
        (RUS, "Norrbotten är ett stort län med en fjärdedel av Sveriges yta"),
        (RUS, "Nyårsklockorna ringer den 1 januari 2030"),
        (RUS, "Inte minst unga kvinnor"),
        (RUS, "Ohälsotalet innebär måttet på utbetalda nettodagar"),  # footnote
        (RUS, "FÖRSLAG TILL ÅTGÄRDER"),  # heading
        (RUS, "Samerna är Europas enda urbefolkning"),
        (PLAN, "Befolkningen i Norrbotten i November 2021 uppgick till 249 752 personer"),
        (PLAN, "Pensionskostnaderna beräknas till 1 329 mnkr 2023"),  # forecast
        (PLAN, "Regionen erhåller inga statsbidrag för skelleftesjukan"),
        (PLAN, "Verksamhetens kostnader"),  # budget table row
    ],
)
def test_descriptions_forecasts_footnotes_and_budget_rows_are_no_goals(file_name: str, fragment: str) -> None:
    assert not find(file_name, fragment)


def test_no_budget_table_row_is_a_goal() -> None:
    assert not [g for g in goals_of(PLAN) if g.source == "table"]


def test_goal_counts_are_sane() -> None:
    doc = corpus_document(RUS)
    assert 40 <= len(goals_of(RUS)) <= 200
    assert 40 <= len(goals_of(PLAN)) <= 300
    # the RUS lists its proposed actions after every chapter: up to three goals per text passage
    assert len(goals_of(RUS)) < len([p for p in doc.passages if p.kind == "text"]) * 3


def test_every_goal_cites_its_passages() -> None:
    for file_name in (RUS, PLAN):
        passages = {p.passage_id: p for p in corpus_document(file_name).passages}
        for goal in goals_of(file_name):
            assert goal.passage_id == goal.passage_ids[0]
            spanned = {page for pid in goal.passage_ids for page in passages[pid].pages}
            if goal.source == "heading":  # the heading's own page: where its first passage starts
                assert set(goal.pages) <= spanned and len(goal.pages) == 1
            else:
                assert set(goal.pages) == spanned
            assert len(goal.page_labels) == len(goal.pages)


# --- hand-made passages -------------------------------------------------------------------


def test_table_row_target_and_baseline() -> None:
    row = passage(
        "TRANSPORTER — Hållbart resande — Indikatorer: Andelen resande med kollektivtrafik ska öka till 25 % "
        "år 2030.; Nuläge: 10 % (2017).",
        kind="table",
    )
    [goal] = extract_goals([row])
    assert goal.text == "Andelen resande med kollektivtrafik ska öka till 25 % år 2030."
    assert (goal.context, goal.years, goal.direction) == ("TRANSPORTER — Hållbart resande", (2030,), "increase")
    assert [q.value for q in goal.quantities] == [25, 2030]
    assert [q.value for q in goal.baseline] == [10, 2017]


def test_footnote_marks_are_dropped_and_copies_merged() -> None:
    first = passage("X — Y — Indikatorer: Ohälsotalet4 ska minska.; Nuläge: 28,8 %", kind="table", page=10)
    second = passage("X — Y — Indikatorer: Ohälsotalet ska minska.; Nuläge: 28,8 %", kind="table", page=12)
    [goal] = extract_goals([second, first])
    assert goal.text == "Ohälsotalet ska minska."
    assert goal.pages == (10, 12) and goal.page_labels == ("10", "12")
    assert goal.passage_ids == (first.passage_id, second.passage_id)


def test_run_on_list_after_a_goal_lead_in() -> None:
    text = (
        "Inledning utan mål. VÅRA MÅL ÄR ATT REGIONEN SKA: Stärka Luleå och Kiruna Ha god service "
        "Erbjuda bra skolor Alltid med fokus på hållbarhet."
    )
    goals = extract_goals([passage(text)])
    assert [(g.text, g.source) for g in goals] == [
        ("Stärka Luleå och Kiruna", "list"),
        ("Ha god service", "list"),
        ("Erbjuda bra skolor", "list"),
    ]


def test_action_proposals_are_goals() -> None:
    """An action list item states an intended outcome (goal_sentences.jsonl labels them goals)."""
    text = "FÖRSLAG TILL ÅTGÄRDER Utveckla samarbetet i länet Stärk länets varumärke utomlands Vi behöver bli fler invånare."
    assert [g.text for g in extract_goals([passage(text)])] == [
        "Utveckla samarbetet i länet", "Stärk länets varumärke utomlands", "Vi behöver bli fler invånare.",
    ]


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Regionen ska skapa hållbar tillväxt.", ("modal",)),
        ("Det övergripande målet är att kvinnor och män ska ha samma makt.", ("goal_word",)),
        ("Vi vill att detta ska vara i Norrbotten.", ("modal",)),
        ("Nu tar regionen nästa steg med en plan som ska möta utmaningar.", ()),
        ("Den regionala utvecklingsstrategin beskriver hur Norrbotten ska utvecklas.", ()),
        ("Andel arbetsgivare som upplevt arbetskraftsbrist ska minska.", ("modal",)),
        ("Om så sker ska det negativa resultatet återställas inom tre kalenderår.", ()),
        ("Idrottens mål är att idrott ska vara till för alla.", ()),
        ("Utrikesföddas position på arbetsmarknaden måste stärkas.", ("need",)),
        ("Vi måste vänja oss vid att det okända är det nya normala.", ()),
        ("Skapa förutsättningar för ökad gång- och cykeltrafik", ("action",)),
        ("Silvermuseet tilldelas ett utökat verksamhetsstöd om 600 000 kr.", ("allocation",)),
        ("I regionen är balanskravsresultatet målsatt till minst 1% av skatteintäkterna.", ("goal_word", "target")),
        ("Tillgängligheten till sjukvården måste öka.", ("need",)),
        ("Jämställdhet är en nödvändighet för att Norrbotten ska utvecklas.", ()),
        ("Norrbotten bidrar till FN:s globala hållbarhetsmål.", ()),
        ("Pensionskostnaderna beräknas minska med 15 mnkr.", ()),
        ("Befolkningen uppgick till 249 752 personer.", ()),
        # any region or municipality speaks for itself, not only Norrbotten
        ("Kommunen vill att fler barn ska lära sig simma.", ("modal",)),
        ("Region Västerbotten vill bli klimatneutral.", ("modal",)),
        ("Många vill flytta hit.", ()),
        ("Simrishamns kommuns mål är att alla barn ska kunna simma.", ("goal_word",)),
        ("Kultur- och fritidsnämndens mål är att fler ska läsa.", ("goal_word",)),
        ("Sveriges mål är att nå nettonoll.", ()),
        # a goal named in a purpose clause is what the work serves, not a goal the text sets
        ("Arbetet sker i samverkan för att bidra till kommunens mål om god livskvalitet.", ()),
        ("Dessa insatser blir viktiga verktyg i arbetet att nå målen.", ()),
    ],
)
def test_goal_cues(text: str, cues: tuple[str, ...]) -> None:
    assert goal_cues(text) == cues
