"""Schemathesis against the published OpenAPI description: generated calls of every operation, with
a supervisor's token and with the requesting official's, find no server error (5xx) and every error
is ``{"error": "…"}``. Bounded: a few hundred examples in all."""

from __future__ import annotations

import pytest
import schemathesis
from api_world import serve
from hypothesis import HealthCheck, given, settings

from ftigate.settings import Settings

EXAMPLES = 12  # per operation and token: about 20 operations, two tokens


@pytest.fixture
def served_api(data_dir, world):
    return serve(Settings(data_dir=data_dir), world)


@pytest.mark.slow
def test_no_server_error_anywhere(served_api):
    schema = schemathesis.openapi.from_asgi("/openapi.json", served_api.http.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    seen: list[str] = []
    def fuzz(operation) -> None:
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def calls(case) -> None:
            for person in ("sup-1", "ice-director"):
                response = case.call(headers=served_api.bearer(person))
                assert response.status_code < 500, (case.method, case.path, response.status_code,
                                                    response.text[:300])
                if response.status_code >= 400:
                    assert set(response.json()) == {"error"}, (case.method, case.path, response.text[:300])
            seen.append(operation.label)

        calls()

    for operation in operations:
        fuzz(operation)
    assert len(set(seen)) == len(operations) and len(seen) >= 3 * len(operations)
