"""The JSON API against its own OpenAPI schema, on a live server holding the demo corpus.

Schemathesis generates requests from `/api/v1/openapi.json` (valid and invalid parameters)
and checks every answer: no server error, a documented status code, a documented content
type, documented headers, and a body that conforms to the documented schema.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from typer.testing import CliRunner

from loopback import free_port
from progleton.cli import app as cli_app
from progleton.config import Settings
from progleton.web.app import create_app


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo corpus crawled into SQLite (some articles enriched), served on loopback."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('api_schema') / 'demo.db'}"
    runner = CliRunner()
    for args in (
        ["demo", "--no-serve", "--quiet", "--no-enrich", "--publisher-port", str(free_port())],
        ["enrich", "--limit", "12"],  # entities and quotes for the entity endpoints
    ):
        result = runner.invoke(cli_app, ["--db", db_url, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(db_url=db_url, page_cache_seconds=0)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    assert httpx.get(f"{base}/api/v1/stories").json()["items"]
    yield base
    server.should_exit = True
    thread.join(timeout=30)


def test_every_endpoint_conforms_to_its_schema(live_demo: str) -> None:
    schema = schemathesis.openapi.from_url(f"{live_demo}/api/v1/openapi.json")
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case: schemathesis.Case) -> None:
            # A cursor is opaque: a made-up one is rightly refused (422), although any
            # string fits the schema. Every other check applies.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        conforms()
        checked.append(operation.label)
    assert len(checked) >= 14, checked


def test_schema_documents_every_api_route(live_demo: str) -> None:
    paths = set(httpx.get(f"{live_demo}/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/stories", "/api/v1/entities", "/api/v1/quotes"} <= paths


def test_the_demo_corpus_is_what_is_served(live_demo: str, tmp_path: Path) -> None:
    body = httpx.get(f"{live_demo}/api/v1/articles", params={"limit": 5}).json()
    assert len(body["items"]) == 5 and all(item["url"] for item in body["items"])
