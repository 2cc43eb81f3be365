"""Swedish quantities, target years and directions, on phrases copied from the corpus."""

from __future__ import annotations

import pytest

from pipeline.crosscheck.quantities import Quantity, parse_direction, parse_quantities, parse_years


def only(text: str) -> Quantity:
    """The single quantity of ``text``."""
    quantities = parse_quantities(text)
    assert len(quantities) == 1, quantities
    return quantities[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "kind"),
    [
        ("minst 260 000 invånare", 260_000, "invånare", "count"),
        ("minst 260 000 norrbottningar till", 260_000, "invånare", "count"),
        ("bygga minst 1500 bostäder per år.", 1500, "bostäder/år", "rate"),
        ("ökar med ca 1200 personer per år", 1200, "personer/år", "rate"),
        ("Minst 1700 nya företag per år", 1700, "företag/år", "rate"),
        ("ska öka till tio per år.", 10, "st/år", "rate"),
        ("ytterligare 40 mkr per år", 40, "mnkr/år", "rate"),
        ("ett överskott på 10 mnkr per år.", 10, "mnkr/år", "rate"),
        ("uppgå till 10 046 mnkr,", 10_046, "mnkr", "money"),
        ("Pensionskostnaderna beräknas till 1 329 mnkr", 1329, "mnkr", "money"),
        ("uppgår till 513,8 miljoner kronor för", 513.8, "mnkr", "money"),
        ("ökas med två miljoner kronor,", 2, "mnkr", "money"),
        ("ett riktat stöd om 350 000 kr för", 350_000, "kr", "money"),
        ("Kvinnor 179 225 kr", 179_225, "kr", "money"),
        ("uppräkning av ägarbidraget med två procent till", 2, "%", "percent"),
        ("Kvinnor 48,8 %", 48.8, "%", "percent"),
        ("98 % av alla hushåll", 98, "%", "percent"),
        ("cirka 60 procent av länets befolkning", 60, "%", "percent"),
        ("målsatt till minst 1% av skatteintäkter", 1, "%", "percent"),
        ("med en (1) procent av skatter", 1, "%", "percent"),
        ("ha tillgång till 1Gbit/s.", 1, "Gbit/s", "speed"),
        ("ha tillgång till 100 Mbit/s.", 100, "Mbit/s", "speed"),
        ("Nuläge: 5,8 miljoner ton (", 5_800_000, "ton", "mass"),
        ("Nuläge: 630 tusen ton (", 630_000, "ton", "mass"),
        ("32 957 000 ton (", 32_957_000, "ton", "mass"),
        ("Nuläge: 1144 st (", 1144, "st", "count"),
        ("cirka 7400 anställda", 7400, "anställda", "count"),
        ("Norrbotten behöver 51 000 anställningar fram", 51_000, "arbetstillfällen", "count"),
        ("en befolkningsminskning på -8 905 personer,", -8905, "personer", "count"),
        ("når centralort inom 60 minuter med bil", 60, "minuter", "duration"),
        ("de senaste 6 månaderna ska minska.", 6, "månader", "duration"),
        ("Efter 35-årsåldern avtar", 35, "år", "age"),
        ("kvinnor och män upp till 35 år.", 35, "år", "age"),
        ("personer över 80 år medan", 80, "år", "age"),
        ("Regionstyrelsen — 2023: 9 451,4", 2023, None, "year"),
        ("Avskrivningar — 2025 (Budget): -299", 2025, None, "year"),
    ],
)
def test_first_quantity(text: str, value: float, unit: str | None, kind: str) -> None:
    first = parse_quantities(text)[0]
    assert (first.value, first.unit, first.kind) == (pytest.approx(value), unit, kind)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("9 451,4", 9451.4, "number"),
        ("-299", -299, "number"),
        ("+34,6", 34.6, "number"),
        ("Prognos: 5.2", 5.2, "number"),
        ("2021: +1 500", 1500, "number"),
        ("ca 2 000", 2000, "count"),
        ("Medborgare 251 295", 251_295, "count"),
    ],
)
def test_table_numbers(text: str, value: float, kind: str) -> None:
    last = parse_quantities(text)[-1]
    assert (last.value, last.unit, last.kind) == (pytest.approx(value), None, kind)


def test_the_span_and_text_point_into_the_input() -> None:
    text = "Vi ska vara minst 260 000 invånare i Norrbotten"
    q = only(text)
    assert text[q.span[0] : q.span[1]] == q.text == "260 000 invånare"
    assert q.qualifier == "at_least"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("minst 260 000 invånare", "at_least"),
        ("ligga på högst 25 %.", "at_most"),
        ("(max 15 % kvar kan hanteras", "at_most"),
        ("en överlevnadsgrad på mer än 75 % efter", "at_least"),
        ("ca 1200 personer per år", "approx"),
        ("Ungefär 1 500 norrbottningar får varje år", "approx"),
        ("Kvinnor 48,8 %", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert parse_quantities(text)[0].qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "low", "high", "kind"),
    [
        ("Ohälsotalet för kvinnor och män 16–64 år ska minska", 16, 64, "age"),
        ("unga kvinnor och män (17–24 år) är i samma nivå", 17, 24, "age"),
        ("Andelen sysselsatta nattbefolkning5, 20–64 år ska öka.", 20, 64, "age"),
        ("Nuläge: 2017/2018 Norrbotten Riket", 2017, 2018, "year"),
        ("Strategisk plan 2023–2025", 2023, 2025, "year"),
        ("resultatbudget för åren 2023-2025.", 2023, 2025, "year"),
    ],
)
def test_ranges(text: str, low: float, high: float, kind: str) -> None:
    q = only(text)
    assert (q.low, q.high, q.kind, q.value) == (low, high, kind, low)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Växthusgasutsläpp från inrikes transporter ska minska med minst 70 % senast år 2030 (jmf 2010)", [2030]),
        ("Inga nettoutsläpp av växthusgaser 2045 (max 15 % kvar kan hanteras via kompensatoriska åtgärder).", [2045]),
        ("100 % förnybar elproduktion 2040", [2040]),
        ("År 2025 ska 98 % av alla hushåll och företag ha tillgång till 1Gbit/s.", [2025]),
        ("Andelen resande med kollektivtrafik ska öka till 25 % år 2030.", [2030]),
        ("finns det stora möjligheter att nå målet, minst 260 000 norrbottningar till 2030.", [2030]),
        ("Ett första implementeringssteg ska vara helt genomfört senast 2023-12-31.", [2023]),
        ("Nuläge: 10 % effektivare än 2005 (2016)", [2016]),
        ("Sveriges mest välkomnande och nytänkande län", []),
        ("bidra till förverkligandet av Agenda 2030, FN:s globala hållbarhetsmål", []),
        ("Nyårsklockorna ringer den 1 januari 2030.", [2030]),
        ("Tillsammans för Norrbotten – bästa livet, bästa hälsan", []),
    ],
)
def test_years(text: str, years: list[int]) -> None:
    assert parse_years(text) == years


def test_years_are_no_amounts_but_grouped_numbers_are() -> None:
    text = "Skatteintäkter — 2022 (Prognos): 6 957; 2023 (Budget): 7 369"
    kinds = [(q.value, q.kind) for q in parse_quantities(text)]
    assert kinds == [(2022, "year"), (6957, "count"), (2023, "year"), (7369, "count")]


@pytest.mark.parametrize(
    "text",
    [
        "Andelen sysselsatta nattbefolkning5, 20–64 år",  # footnote mark 5
        "Ohälsotalet4 för kvinnor och män",
        "covid-19 patienter",
        "under 2020-talet var att skapa",
        "Tel: 073-046",
        "EkonomiNytt 05/2022,",
        "anslaget 1:1 Regionala tillväxtåtgärder",
        "få sitt första jobb och ett år",
    ],
)
def test_not_quantities(text: str) -> None:
    assert [q for q in parse_quantities(text) if q.kind != "age"] == []


def test_footnote_mark_after_percent_is_skipped() -> None:
    assert [(q.value, q.kind) for q in parse_quantities("Nuläge: 75 %3 (2017)")] == [(75, "percent"), (2017, "year")]


def test_dates() -> None:
    q = only("Folkmängd 2018-12-31 enligt SCB.")
    assert (q.kind, q.value, q.text) == ("date", 2018, "2018-12-31")


def test_english_thousands_separator() -> None:
    q = parse_quantities("at least 260,000 inhabitants by 2030", lang="en")
    assert [(x.value, x.unit, x.kind) for x in q] == [(260_000, "invånare", "count"), (2030, None, "year")]
    assert q[0].qualifier == "at_least"
    employees = parse_quantities("the largest employer in Norrbotten county with almost 7 000 employees.", lang="en")
    assert [(x.value, x.unit, x.qualifier) for x in employees] == [(7000, "anställda", "approx")]


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Vi ska vara minst 260 000 invånare i Norrbotten", "at_least"),
        ("För att möta länets bostadsbehov behöver Norrbotten bygga minst 1500 bostäder per år.", "at_least"),
        ("Växthusgasutsläpp från inrikes transporter ska minska med minst 70 % senast år 2030 (jmf 2010)", "decrease"),
        ("Ohälsotalet för kvinnor och män 16–64 år ska minska och ligga på högst 25 %.", "at_most"),
        ("Inga nettoutsläpp av växthusgaser 2045 (max 15 % kvar kan hanteras via kompensatoriska åtgärder).", "zero"),
        ("där Sverige år 2050 inte ska ha några nettoutsläpp av växthusgaser i atmosfären.", "zero"),
        ("Andelen resande med kollektivtrafik ska öka till 25 % år 2030.", "increase"),
        ("Andel arbetsgivare i privat sektor som upplevt arbetskraftsbrist de senaste 6 månaderna ska minska.", "decrease"),
        ("Lönesumman för kvinnor och män ska växa mer än för riket i genomsnitt.", "increase"),
        ("Vi behöver bli fler norrbottningar", "increase"),
        ("Regionens samlade leasingåtagande ska inte överstiga 80 mnkr.", "at_most"),
        ("för att bibehålla konkurrenskraften", "maintain"),
        ("Inte minst unga kvinnor, som tidigare lämnade länet", None),
        ("Visionen är att Norrbotten ska bli Sveriges mest välkomnande och nytänkande län.", None),
        ("reduce emissions by at least 70 percent", "decrease"),
        ("net zero emissions by 2045", "zero"),
    ],
)
def test_direction(text: str, direction: str | None) -> None:
    assert parse_direction(text) == direction
