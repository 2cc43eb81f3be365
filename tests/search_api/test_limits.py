"""Hostile requests against the real server over a loopback socket (issue 17): a chunked body
past the limit, a slow body, echoes of the input, lone surrogates, costly batches, one client
asking too much, and the headers that keep source files from running in the app's origin."""

from __future__ import annotations

import json
import select
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from pipeline.config import MAX_BODY_BYTES
from tests.conftest import ServerThread

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHUNK = 8 * 1024


def _connect(url: str, timeout: float = 10) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def _chunked_head(path: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one response (read until the connection closes or the body is complete)."""
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        if not part:
            break
        data += part
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        part = sock.recv(65536)
        if not part:
            break
        body += part
    return int(lines[0].split()[1]), headers, body


def _send_until_answered(sock: socket.socket, total: int) -> int:
    """Send a chunked body of `total` bytes in `CHUNK`s, stopping as soon as the server answers;
    returns the bytes sent."""
    sent = 0
    piece = b'{"queries":[{"q":"' + b"x" * (CHUNK - 18)
    while sent < total:
        try:
            sock.sendall(_chunk(piece))
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(piece)
        piece = b"x" * CHUNK
        if select.select([sock], [], [], 0.005)[0]:
            break
    return sent


def test_chunked_body_past_the_limit_is_refused_as_it_arrives(server: Any) -> None:
    sock = _connect(server.url)
    with sock:
        sock.sendall(_chunked_head("/search"))
        sent = _send_until_answered(sock, 2 * 1024 * 1024)
        status, _, body = _read_response(sock)
    assert status == 413, body[:200]
    assert sent < 4 * MAX_BODY_BYTES, f"the server read {sent} bytes before refusing"
    assert str(MAX_BODY_BYTES) in json.loads(body)["detail"]


def test_a_slow_body_gets_408(index_dir: Path) -> None:
    with ServerThread(index_dir, body_timeout_s=0.5) as slow_server:
        sock = _connect(slow_server.url)
        with sock:
            sock.sendall(_chunked_head("/search") + _chunk(b'{"queries":'))
            started = time.monotonic()
            status, _, body = _read_response(sock)
        assert status == 408, body[:200]
        assert time.monotonic() - started < 30  # the body never completes: the server does not wait for it


def test_validation_errors_echo_only_an_excerpt(server: Any) -> None:
    long_query = "x" * 50_000  # under the body limit, over the query limit
    response = httpx.post(f"{server.url}/search", json={"queries": [{"q": long_query}]}, timeout=30)
    assert response.status_code == 422
    assert len(response.content) < 2_000, len(response.content)
    error = response.json()["detail"][0]
    assert error["loc"][-1] == "q" and "1000" in error["msg"]
    assert error["input"].startswith("xxxx") and "50000 characters" in error["input"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/search", b'{"queries":[{"q":"\\ud800"}]}'),
        ("/search", b'{"queries":[{"q":"skola", "doc":"\\udfff"}]}'),
        ("/compare", b'{"source":"\\ud800","targets":["rus-2030.pdf"]}'),
        ("/search", b'{"queries":[{"q":"\\ud800", "k": 0}]}'),  # invalid twice: the error echo holds it
    ],
)
def test_lone_surrogate_is_a_4xx_with_a_message(server: Any, path: str, body: bytes) -> None:
    response = httpx.post(
        f"{server.url}{path}", content=body, headers={"content-type": "application/json"}, timeout=30
    )
    assert response.status_code in (400, 422), response.text[:300]
    assert "unicode" in response.text.lower()


def test_invalid_utf8_in_a_query_string_is_not_a_500(server: Any) -> None:
    for query in ("q=%ED%A0%80", "q=%FF%FE", "q=skola&doc=%ED%A0%80"):
        response = httpx.get(f"{server.url}/search?{query}", timeout=30)
        assert response.status_code < 500, (query, response.status_code)


def test_a_costly_batch_is_refused_with_the_bounds(server: Any) -> None:
    batch = {"queries": [{"q": "regional utveckling " * 50, "k": 100} for _ in range(20)]}
    response = httpx.post(f"{server.url}/search", json=batch, timeout=60)
    assert response.status_code == 422
    assert "split it into smaller requests" in response.json()["detail"]


def test_security_headers_on_every_response(server: Any) -> None:
    for path in ("/", "/dokument", "/health", "/search?q=skola", "/static/app.js", "/nowhere"):
        headers = httpx.get(f"{server.url}{path}", timeout=30).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"], path
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy, path


def test_api_docs_load_nothing_from_a_cdn(server: Any) -> None:
    assert httpx.get(f"{server.url}/docs", timeout=30).status_code == 404
    assert httpx.get(f"{server.url}/openapi.json", timeout=30).status_code == 200


def test_web_source_is_served_sandboxed(server: Any) -> None:
    documents = httpx.get(f"{server.url}/documents", timeout=30).json()
    web_pages = [d for d in documents if d["media_type"] == "text/html"]
    pdfs = [d for d in documents if d["media_type"] == "application/pdf"]
    assert web_pages and pdfs
    for doc in web_pages:
        response = httpx.get(f"{server.url}/documents/{doc['id']}/file", timeout=30)
        policy = response.headers["content-security-policy"]
        assert policy.startswith("sandbox") and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    pdf = httpx.get(f"{server.url}/documents/{pdfs[0]['id']}/file", timeout=30)
    assert "sandbox" not in pdf.headers["content-security-policy"]  # the browser's PDF viewer stays on


def test_a_stored_source_swapped_for_a_link_is_not_served(index_dir: Path, tmp_path: Path) -> None:
    """The server opens a stored source file with O_NOFOLLOW: a link put in `files/` (to a file
    outside the index) is refused with a reason, never followed."""
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy, symlinks=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT innehåll utanför indexet", encoding="utf-8")
    with ServerThread(copy) as running:
        documents = httpx.get(f"{running.url}/documents", timeout=30).json()
        doc = next(d for d in documents if d["media_type"] == "text/html")
        assert httpx.get(f"{running.url}/documents/{doc['id']}/file", timeout=30).status_code == 200
        stored = next((copy / "files").glob(f"{doc['id']}.*"))
        stored.unlink()
        stored.symlink_to(secret)
        response = httpx.get(f"{running.url}/documents/{doc['id']}/file", timeout=30)
    assert response.status_code == 404, response.text
    assert "HEMLIGT" not in response.text and "symbolic link" in response.json()["detail"]


def test_a_stored_pdf_swapped_for_a_link_is_not_drawn(index_dir: Path, tmp_path: Path) -> None:
    """The page preview reads the stored PDF with O_NOFOLLOW as the file endpoint does: a link
    put in `files/` in place of the PDF is refused with a reason, not rendered."""
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy, symlinks=True)
    with ServerThread(copy) as running:
        documents = httpx.get(f"{running.url}/documents", timeout=30).json()
        doc = next(d for d in documents if d["media_type"] == "application/pdf")
        stored = next((copy / "files").glob(f"{doc['id']}.*"))
        moved = tmp_path / "elsewhere.pdf"
        stored.rename(moved)
        stored.symlink_to(moved)
        response = httpx.get(f"{running.url}/documents/{doc['id']}/pages/1.png", timeout=60)
    assert response.status_code == 422, response.text
    assert "symbolic link" in response.json()["detail"]


def test_one_client_past_its_concurrency_gets_429(index_dir: Path) -> None:
    with ServerThread(index_dir, client_concurrency=1, body_timeout_s=5) as limited:
        assert httpx.get(f"{limited.url}/search", params={"q": "skola"}, timeout=60).status_code == 200  # warm
        slow = _connect(limited.url)  # holds the client's one slot while its body trickles in
        with slow:
            slow.sendall(_chunked_head("/search") + _chunk(b'{"queries":'))
            time.sleep(0.5)
            refused = httpx.get(f"{limited.url}/search", params={"q": "skola"}, timeout=30)
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
            assert httpx.get(f"{limited.url}/health", timeout=30).status_code == 200  # only search and compare
            slow.sendall(_chunk(b'[{"q":"skola"}]}') + _chunk(b""))
            assert _read_response(slow)[0] == 200
        assert httpx.get(f"{limited.url}/search", params={"q": "skola"}, timeout=30).status_code == 200


def test_one_client_past_its_rate_gets_429(index_dir: Path) -> None:
    with ServerThread(index_dir, client_rate_per_s=0.01, client_burst=2) as limited:
        statuses = [httpx.get(f"{limited.url}/search", params={"q": "skola"}, timeout=30) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert int(statuses[-1].headers["retry-after"]) >= 1
        # another client address has its own budget (all of 127.0.0.0/8 is loopback)
        transport = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(transport=transport, timeout=30) as other:
            assert other.get(f"{limited.url}/search", params={"q": "skola"}).status_code == 200


def test_default_limits_let_a_busy_client_through(server: Any) -> None:
    """The default budget (16 in flight, 100/s) does not throttle the suite's own clients."""
    statuses: list[int] = []

    def search() -> None:
        statuses.append(httpx.get(f"{server.url}/search", params={"q": "skola", "k": 1}, timeout=60).status_code)

    threads = [threading.Thread(target=search) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12


def test_a_web_source_opens_in_an_origin_of_its_own(server: Any, page: Any) -> None:
    """In Chromium: the ingested page renders, but sandboxed (opaque origin, no access to the app's cookies)."""
    documents = httpx.get(f"{server.url}/documents", timeout=30).json()
    web_page = next(d for d in documents if d["media_type"] == "text/html")
    page.goto(f"{server.url}/documents/{web_page['id']}/file")
    assert page.evaluate("window.origin") == "null"
    assert page.locator("body").inner_text().strip()  # still readable


def test_staff_pages_break_no_content_security_policy(server: Any, page: Any) -> None:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(server.url + "/?q=kompetensf%C3%B6rs%C3%B6rjning")
    page.locator("#results li.hit").first.wait_for()  # app.js ran and drew the answer under the policy
    for path in ("/dokument", "/jamfor"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    assert not violations, violations
