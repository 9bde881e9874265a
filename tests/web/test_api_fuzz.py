"""/api/v1 fuzzed from the OpenAPI document it serves (schemathesis, through WSGI: no server).

For every documented operation, generated paths, queries and headers (valid ones, and
invalid ones where it has parameters) must never get a server error, and every response must
have a documented status code and match the documented schema. The `world` fixture gives the API cycles in every phase,
proposals and a vote to show, so the generated requests also meet real records.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


# Each operation is driven here with hypothesis (schemathesis's own pytest plugin does not run
# under this pytest version); the settings keep the run short and the same in CI every time.
FUZZ = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def test_every_api_operation_holds_to_its_document(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, "the document lists the API's operations"

    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            # identity: the WSGI client does not undo the compression a real client would.
            case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

        try:
            fuzz()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            # nothing to get wrong: the operation takes no parameters
        except Exception as exc:
            raise AssertionError(f"{operation.label} ({mode.value} data): {exc}") from exc


def test_an_id_too_big_for_the_database_is_simply_not_found(client_for, world):
    # Found by the fuzz above: such an id used to overflow in the database driver (a 500).
    client = client_for("anonymous")
    for path in ("/api/v1/cycles/99999999999999999999", "/api/v1/proposals/2147483648",
                 "/cycles/99999999999999999999", f"/cycles/{world['cycle_voting']}"):
        response = client.get(path)
        assert response.status_code == (200 if path.endswith(str(world["cycle_voting"])) else 404), path
