"""POST /compare over a real socket: RUS 2030 against the strategic plan."""

import httpx
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _ids(server) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d["file"]: d["id"] for d in httpx.get(f"{server.url}/documents", timeout=30).json()}


def test_population_goal_is_found_in_both_documents(server) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(server)
    body = {"source": ids["rus-2030.pdf"], "targets": [ids["strategisk-plan-2023-2025.pdf"]]}
    response = httpx.post(f"{server.url}/compare", json=body, timeout=120)
    assert response.status_code == 200, response.text
    result = response.json()
    population = [r for r in result["rows"] if "260 000" in r["goal"]["text"] and r["relation"] == "agrees"]
    assert population, "the population goal must be found in both documents"
    row = population[0]
    assert row["goal"]["page"] in (10, 12, 13) and row["goal"]["link"].endswith(f"#page={row['goal']['page']}")
    assert row["evidence"]["document"]["file"] == "strategisk-plan-2023-2025.pdf"
    assert row["evidence"]["page"] in (9, 10, 30) and "260 000" in row["evidence"]["text"]
    assert sum(result["counts"].values()) == len(result["rows"])


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"source": "nope.pdf", "targets": ["rus-2030.pdf"]}, 404),
        ({"source": "rus-2030.pdf", "targets": []}, 422),
        ({"source": "rus-2030.pdf", "targets": ["rus-2030.pdf"]}, 422),
        ({"targets": ["rus-2030.pdf"]}, 422),
    ],
)
def test_bad_compare_requests(server, body: dict, status: int) -> None:  # type: ignore[no-untyped-def]
    response = httpx.post(f"{server.url}/compare", json=body, timeout=30)
    assert response.status_code == status and response.json()["detail"]


def test_matrix_has_one_cell_per_target_matching_each_single_comparison(server) -> None:  # type: ignore[no-untyped-def]
    ids = _ids(server)
    plan, press = ids["strategisk-plan-2023-2025.pdf"], ids["pressmeddelande-2025-12-03.pdf"]
    body = {"source": ids["rus-2030.pdf"], "targets": [plan, press]}
    response = httpx.post(f"{server.url}/compare/matrix", json=body, timeout=300)
    assert response.status_code == 200, response.text
    matrix = response.json()
    assert [d["id"] for d in matrix["targets"]] == [plan, press]
    single = httpx.post(f"{server.url}/compare", json={**body, "targets": [plan]}, timeout=300).json()
    assert [r["goal"]["text"] for r in matrix["rows"]] == [r["goal"]["text"] for r in single["rows"]]
    assert all([c["target"] for c in r["cells"]] == [plan, press] for r in matrix["rows"])
    assert [r["cells"][0]["relation"] for r in matrix["rows"]] == [r["relation"] for r in single["rows"]]
    for target in (plan, press):
        column = [r["cells"][[plan, press].index(target)] for r in matrix["rows"]]
        assert matrix["counts"][target] == {rel: sum(c["relation"] == rel for c in column)
                                           for rel in ("agrees", "partial", "conflicts", "absent")}
        assert all(c["evidence"] is None or c["evidence"]["document"]["id"] == target for c in column)
    same = httpx.post(f"{server.url}/compare/matrix", json={**body, "targets": [plan, body["source"]]}, timeout=30)
    assert same.status_code == 422 and same.json()["detail"]
