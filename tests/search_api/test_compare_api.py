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
