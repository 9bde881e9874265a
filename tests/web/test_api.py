"""The public JSON API under /api/v1: what it shows, what it never shows, and that every real
response matches the OpenAPI document it serves."""

from __future__ import annotations

import json
import re
from datetime import UTC

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from tests.conftest import make_user
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.services import proposals, review, voting
from ypb.services.proposals import ProposalInput
from ypb.web.api.openapi import DOCUMENT

PREFIX = DOCUMENT["servers"][0]["url"]
SIGNED_IN = ["youth", "secretary", "council", "admin"]


def _operation(path: str, method: str) -> dict | None:
    for template, item in DOCUMENT["paths"].items():
        pattern = "".join("[^/]+" if re.fullmatch(r"\{\w+\}", part) else re.escape(part)
                          for part in re.split(r"(\{\w+\})", template))
        if re.fullmatch(re.escape(PREFIX) + pattern, path):
            return item.get(method.lower())
    return None


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        section, name = node["$ref"].removeprefix("#/components/").split("/")
        node = DOCUMENT["components"][section][name]
    return node


def check_against_document(response) -> None:
    """The status must be documented for this path and method, and the body must match its
    schema; paths and methods the document does not list may only answer with an Error."""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.mimetype == "application/json"
    request = response.request
    operation = _operation(request.path, request.method)
    if operation is None:
        assert response.status_code >= 400, f"{request.method} {request.path} is not documented"
        schema = {"$ref": "#/components/schemas/Error"}
    else:
        documented = operation["responses"]
        key = str(response.status_code) if response.status_code < 500 else "default"
        assert key in documented, f"{request.method} {request.path}: status {response.status_code} not documented"
        schema = _resolve(documented[key])["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": DOCUMENT["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.get_json())]
    assert not errors, f"{request.method} {request.path} does not match the document:\n" + "\n".join(errors)


@pytest.fixture
def api(client_for):
    """api(role).get(url) / .open(url, method=...): requests whose answers are checked against the document."""

    class Checked:
        def __init__(self, role):
            self.client = client_for(role)

        def open(self, url, method="GET"):
            response = self.client.open(url, method=method)
            check_against_document(response)
            return response

        def get(self, url):
            return self.open(url)

        def json(self, url, status=200):
            response = self.get(url)
            assert response.status_code == status, response.get_data(as_text=True)
            return response.get_json()

    return Checked


def every_item(api, url: str) -> list[dict]:
    """All items of a paged list, following its `next` links."""
    items = []
    while url:
        page = api.json(url)
        items += page["items"]
        url = page["next"]
    return items


# --- the document itself ------------------------------------------------------------------

def test_the_document_is_valid_openapi_and_is_what_the_api_serves(api):
    validate_openapi(DOCUMENT)
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert api("anonymous").json("/api/v1/openapi.json") == json.loads(json.dumps(DOCUMENT))


def test_the_document_lists_every_api_route_and_nothing_else(app):
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule).removeprefix(PREFIX)
              for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint != "api.fallback"}
    assert served == set(DOCUMENT["paths"])


def test_every_object_in_the_document_forbids_undocumented_fields():
    def objects(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    found = list(objects(DOCUMENT["components"]["schemas"]))
    assert len(found) > 10
    assert all(o.get("additionalProperties") is False for o in found)


def test_the_index_links_to_the_collections_and_the_document(api, world):
    client = api("anonymous")
    links = client.json("/api/v1/")["links"]
    assert client.json(links["cycles"])["items"]
    assert client.json(links["openapi"])["openapi"].startswith("3.1")


# --- cycles -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", *SIGNED_IN])
def test_the_cycle_list_shows_every_public_cycle_and_no_draft_whoever_asks(api, world, role):
    listed = every_item(api(role), "/api/v1/cycles")
    assert {c["title"] for c in listed} == {"Proposals cycle", "Feedback cycle", "Review cycle", "Voting cycle"}
    assert world["cycle_draft"] not in {c["id"] for c in listed}


@pytest.mark.parametrize("role", ["anonymous", *SIGNED_IN])
def test_a_draft_cycle_answers_exactly_like_one_that_does_not_exist(api, world, role):
    client = api(role)
    for suffix in ("", "/proposals"):
        draft = client.get(f"/api/v1/cycles/{world['cycle_draft']}{suffix}")
        missing = client.get(f"/api/v1/cycles/999999{suffix}")
        assert draft.status_code == missing.status_code == 404
        assert draft.get_json() == missing.get_json()
        assert draft.get_json()["error"]["code"] == "not_found"


def test_a_cycle_shows_its_phase_money_rules_and_dates_in_utc(api, app, world):
    cycle = api("anonymous").json(f"/api/v1/cycles/{world['cycle_feedback']}")
    assert cycle["phase"] == "feedback"
    assert (cycle["budget_total"], cycle["currency"]) == (5_000_000, "EUR")
    assert cycle["eligibility"] == {"min_age": 13, "max_age": 29, "residency_required": True}
    assert [c["name"] for c in cycle["categories"]] == ["Influence", "Health", "Climate"]
    assert cycle["budgets"] == [{"id": None, "name": "Feedback cycle", "amount": 5_000_000}]
    assert cycle["contact_name"] == "Secretary-User"
    assert cycle["ballot"] is None  # the ballot settings may still change until voting opens
    assert [s["status"] for s in cycle["timeline"]][:3] == ["past", "current", "upcoming"]
    with app.app_context():
        stored = db.session.get(Cycle, world["cycle_feedback"])
        voting_end = stored.voting_end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cycle["schedule"]["voting_end"] == voting_end


def test_a_cycle_in_voting_publishes_its_ballot_rules_and_budgets(api, world):
    cycle = api("anonymous").json(f"/api/v1/cycles/{world['cycle_voting']}")
    assert cycle["phase"] == "voting"
    assert cycle["ballot"]["type"] == "approval"
    assert (cycle["ballot"]["min_choices"], cycle["ballot"]["max_choices"]) == (1, 2)
    assert sum(b["amount"] for b in cycle["budgets"]) == cycle["budget_total"]


def test_a_cycle_whose_phase_ended_is_shown_in_its_next_phase(api, app, world):
    from datetime import timedelta

    from ypb.models.base import utcnow

    with app.app_context():  # the proposals phase was planned to end yesterday
        cycle = db.session.get(Cycle, world["cycle_proposals"])
        cycle.proposals_end = utcnow() - timedelta(days=1)
        db.session.commit()
    assert api("anonymous").json(f"/api/v1/cycles/{world['cycle_proposals']}")["phase"] == "feedback"


def test_several_budgets_have_ids_that_approved_proposals_refer_to(api, app, world):
    from ypb.domain.ballot import BallotType

    cycle_id, proposal_id = world["cycle_review"], world["review_proposal"]
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        voting.save_settings(secretary, cycle_id, voting.BallotSettings(
            BallotType.APPROVAL, budgets=[("North", 2_000_000), ("South", 3_000_000)]))
        review.decide(secretary, proposal_id, review.Decision.APPROVE, final_cost=800_000)
        south = next(b.id for b in db.session.get(Cycle, cycle_id).budgets if b.name == "South")
        voting.assign_budgets(secretary, cycle_id, {proposal_id: south})
    client = api("anonymous")
    budgets = client.json(f"/api/v1/cycles/{cycle_id}")["budgets"]
    assert [(b["name"], b["amount"]) for b in budgets] == [("North", 2_000_000), ("South", 3_000_000)]
    assert client.json(f"/api/v1/proposals/{proposal_id}")["decision"]["budget_id"] == budgets[1]["id"] == south


# --- proposals ----------------------------------------------------------------------------

def test_published_proposals_are_listed_with_their_authors_public_name(api, world):
    listed = every_item(api("anonymous"), f"/api/v1/cycles/{world['cycle_feedback']}/proposals")
    assert [(p["title"], p["author_name"], p["status"]) for p in listed] == [
        ("Skate park lights", "Youth-User", "submitted")]
    assert listed[0]["estimated_cost"] == 1_200_000
    assert listed[0]["decision"] is None


@pytest.mark.parametrize("role", ["anonymous", *SIGNED_IN])
def test_a_draft_proposal_is_404_even_for_its_author_and_is_never_listed(api, world, role):
    client = api(role)
    draft = client.get(f"/api/v1/proposals/{world['draft']}")
    assert draft.status_code == 404
    assert draft.get_json() == client.get("/api/v1/proposals/999999").get_json()
    assert every_item(client, f"/api/v1/cycles/{world['cycle_proposals']}/proposals") == []


def test_a_withdrawn_proposal_stays_listed_and_is_marked_withdrawn(api, app, world):
    with app.app_context():
        youth = db.session.get(User, world["youth"])
        proposals.withdraw(youth, world["proposal"])
        proposals.withdraw(youth, world["draft"])  # never published: stays private
    client = api("anonymous")
    listed = every_item(client, f"/api/v1/cycles/{world['cycle_feedback']}/proposals")
    assert [(p["id"], p["status"]) for p in listed] == [(world["proposal"], "withdrawn")]
    assert client.json(f"/api/v1/proposals/{world['proposal']}")["description"] == "Six LED lamps."
    assert client.get(f"/api/v1/proposals/{world['draft']}").status_code == 404


def test_a_rejection_shows_its_published_reason(api, app, world):
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        review.decide(secretary, world["review_proposal"], review.Decision.REJECT,
                      reason="The library closes at 20 and cannot stay open later.", council_decision_ref="C-12")
    shown = api("anonymous").json(f"/api/v1/proposals/{world['review_proposal']}")
    assert shown["status"] == "rejected"
    assert shown["decision"]["outcome"] == "rejected"
    assert shown["decision"]["reason"] == "The library closes at 20 and cannot stay open later."
    assert shown["decision"]["council_decision_ref"] == "C-12"
    assert shown["decision"]["final_cost"] is None


def test_an_approved_proposal_shows_its_cost_on_the_ballot(api, world):
    shown = api("anonymous").json(f"/api/v1/proposals/{world['ballot_projects'][1]}")
    assert (shown["decision"]["outcome"], shown["decision"]["final_cost"]) == ("approved", 2_500_000)


def test_a_proposal_shows_the_municipalitys_assessment(api, app, world):
    with app.app_context():
        secretary = db.session.get(User, world["secretary"])
        review.publish_note(secretary, world["proposal"], "needs_change", "Four lamps are enough.",
                            municipal_cost=900_000)
    notes = api("anonymous").json(f"/api/v1/proposals/{world['proposal']}")["feasibility_notes"]
    assert [(n["verdict"], n["municipal_cost"], n["reason"]) for n in notes] == [
        ("needs_change", 900_000, "Four lamps are enough.")]


# --- what is never shown ------------------------------------------------------------------

def _everything(client) -> list[str]:
    """The text of every API response about every public cycle and proposal."""
    texts = []
    for cycle in every_item(client, "/api/v1/cycles"):
        texts.append(client.get(cycle["links"]["self"]).get_data(as_text=True))
        page = client.get(cycle["links"]["proposals"])
        texts.append(page.get_data(as_text=True))
        for proposal in every_item(client, cycle["links"]["proposals"]):
            texts.append(client.get(proposal["links"]["self"]).get_data(as_text=True))
    texts.append(client.get("/api/v1/cycles").get_data(as_text=True))
    return texts


def test_no_email_birth_year_or_username_is_ever_shown(api, app, world):
    author_id = make_user(app, "quiet-login-name", display_name="Mira", email="mira.private@example.org",
                          birth_year=2009)
    with app.app_context():
        author = db.session.get(User, author_id)
        proposals.create(author, world["cycle_proposals"], ProposalInput(
            title="Bench by the river", summary="Somewhere to sit.", estimated_cost=90_000), submit=True)
    text = "\n".join(_everything(api("anonymous")))
    assert "Bench by the river" in text and "Mira" in text
    for private in ("mira.private@example.org", "quiet-login-name", "2009", "@example", "youth-user",
                    "secretary-user", "ballot-author"):
        assert private not in text


def test_casting_a_vote_changes_nothing_the_api_says(api, app, world):
    client = api("anonymous")
    before = _everything(client)
    with app.app_context():
        voter = voting.Voter(user=db.session.get(User, world["youth"]))
        voting.cast(voter, world["cycle_voting"], None, {world["ballot_projects"][0]: 1})
        assert voting.has_voted(world["cycle_voting"], voter)
    assert _everything(client) == before


def test_results_appear_only_once_voting_has_closed_with_every_reason(api, app, world):
    client = api("anonymous")
    url = f"/api/v1/cycles/{world['cycle_voting']}/results"
    assert client.get(url).status_code == 404
    with app.app_context():
        from datetime import timedelta

        from ypb.domain.cycle import Phase
        from ypb.services import cycles

        voter = voting.Voter(user=db.session.get(User, world["youth"]))
        voting.cast(voter, world["cycle_voting"], None, {world["ballot_projects"][0]: 1})
        cycle = db.session.get(Cycle, world["cycle_voting"])
        cycles.advance(db.session.get(User, world["secretary"]), cycle.id, Phase.RESULTS,
                       now=cycle.voting_end + timedelta(seconds=1))
    body = client.json(url)
    assert body["status"] == "draft" and body["rule"] == "greedy"
    [budget] = body["budgets"]
    assert budget["voters"] == 1 and len(budget["ballots_pb_sha256"]) == 64
    rows = {row["proposal_id"]: row for row in budget["projects"]}
    first = rows[world["ballot_projects"][0]]
    assert first["votes"] == 1 and first["funded"] and first["reason"] == "greedy.funded"


# --- pages and parameters -----------------------------------------------------------------

def test_pages_follow_each_other_and_cover_the_list_once(api, world):
    client = api("anonymous")
    everything = client.json("/api/v1/cycles")["items"]
    first = client.json("/api/v1/cycles?per_page=1")
    assert (first["page"], first["per_page"], first["total"], first["prev"]) == (1, 1, 4, None)
    second = client.json(first["next"])
    assert second["prev"] == "/api/v1/cycles?page=1&per_page=1"
    paged = every_item(client, "/api/v1/cycles?per_page=1")
    assert [c["id"] for c in paged] == [c["id"] for c in everything]
    last = client.json("/api/v1/cycles?page=4&per_page=1")
    assert last["next"] is None


def test_a_page_past_the_end_is_empty_and_leads_back(api, world):
    beyond = api("anonymous").json("/api/v1/cycles?page=999999&per_page=3")
    assert (beyond["items"], beyond["total"], beyond["next"]) == ([], 4, None)
    assert beyond["prev"] == "/api/v1/cycles?page=2&per_page=3"


def test_the_default_page_size_is_50_and_200_is_the_most(api, world):
    client = api("anonymous")
    assert client.json("/api/v1/cycles")["per_page"] == 50
    assert client.json("/api/v1/cycles?per_page=200")["per_page"] == 200


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page=", "page=1.5", "page=%201",
                                   "page=1000001", "per_page=0", "per_page=201", "per_page=ten"])
def test_unusable_page_parameters_are_a_400_that_says_which(api, world, query):
    for url in ("/api/v1/cycles", f"/api/v1/cycles/{world['cycle_feedback']}/proposals"):
        response = api("anonymous").get(f"{url}?{query}")
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["code"] == "invalid_parameter"
        assert query.split("=")[0] in error["message"]


# --- errors, methods, headers, limits -----------------------------------------------------

@pytest.mark.parametrize("url", ["/api/v1/nothing", "/api/v1/cycles/abc", "/api/v1/proposals/1/votes"])
def test_unknown_addresses_are_json_404s(api, world, url):
    response = api("anonymous").get(url)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_api_only_reads(api, world, method):
    client = api("secretary")
    for url in ("/api/v1/", "/api/v1/cycles", f"/api/v1/cycles/{world['cycle_feedback']}"):
        response = client.open(url, method=method)
        assert response.status_code == 405
        assert response.get_json()["error"]["code"] == "method_not_allowed"
        assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert client.open("/api/v1/nothing", method=method).status_code == 404


def test_options_says_only_reading_is_allowed(client_for, world):
    response = client_for("anonymous").options("/api/v1/cycles")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_rate_limit_covers_the_whole_api_and_answers_in_json(make_app):
    app = make_app(RATELIMIT_API="3 per minute")
    client = app.test_client()
    assert [client.get(url).status_code for url in ("/api/v1/", "/api/v1/cycles", "/api/v1/openapi.json")] == [
        200, 200, 200]
    response = client.get("/api/v1/cycles")
    check_against_document(response)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_requests"
    assert client.get("/").status_code == 200  # the HTML pages keep their own limits


def test_an_unexpected_failure_is_a_json_500(make_app, monkeypatch):
    from ypb.services import public_data

    def broken(*_args):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(public_data, "cycles_page", broken)
    response = make_app(YPB_RAISE_ERRORS=False).test_client().get("/api/v1/cycles")
    check_against_document(response)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "fire" not in response.get_data(as_text=True)


# --- the youth council -----------------------------------------------------------------------

def _council_with_a_decision(app, users):
    from datetime import date, datetime

    from tests.services.test_council_service import five_and_five
    from ypb.services import meetings

    with app.app_context():
        staff = db.session.get(User, users["secretary"])
        ids = five_and_five(staff, start=date(2020, 1, 1))
        everyone = [ids[f"{side}{n}-person"] for side in ("municipal", "youth") for n in range(1, 6)]
        held = datetime(2025, 5, 6, 15, tzinfo=UTC)
        meeting = meetings.schedule(staff, "May meeting", held, place="Town hall")
        meetings.add_item(staff, meeting.id, "Sunday opening hours", "decision")
        meetings.record_attendance(staff, meeting.id, dict.fromkeys(everyone, "present"), now=held)
        published = meetings.add_motion(staff, meeting.id, "Open on Sundays", "double").id
        unpublished = meetings.add_motion(staff, meeting.id, "Still being checked").id
        for motion in (published, unpublished):
            meetings.record_roll_call(staff, motion, dict.fromkeys(everyone, "yes"), now=held)
        meetings.publish_decision(staff, published, now=held)
        return ids


def test_the_council_is_404_until_it_is_set_up(api, users):
    assert api("anonymous").get("/api/v1/council").status_code == 404
    assert api("anonymous").json("/api/v1/council/decisions")["items"] == []


def test_the_council_lists_its_seats_without_contact_details(api, app, users):
    _council_with_a_decision(app, users)
    found = api("anonymous").json("/api/v1/council")
    assert found["parity"] == {"municipal": 5, "youth": 5} and len(found["seats"]) == 11
    assert found["balanced"] and found["issues"] == []
    chair = next(s for s in found["seats"] if s["role"] == "chair")
    assert chair["holder"]["name"] == "Youth member 1" and chair["holder"]["since"] == "2020-01-01"
    assert {s["constituency"] for s in found["seats"]} == {"municipal", "youth", None}
    assert "example.org" not in json.dumps(found)
    assert api("anonymous").json("/api/v1/")["links"]["council"] == "/api/v1/council"


def test_only_published_council_decisions_are_listed(api, app, users):
    _council_with_a_decision(app, users)
    [decision] = every_item(api("anonymous"), "/api/v1/council/decisions")
    assert (decision["number"], decision["text"], decision["outcome"]) == ("2025/1", "Open on Sundays", "adopted")
    assert decision["counts"]["youth"] == {"yes": 5, "no": 0, "abstain": 0, "absent": 0}
    assert decision["explanation"] == "council.adopted_double"
    [meeting] = every_item(api("youth"), "/api/v1/council/meetings")
    assert meeting["agenda"] == [{"position": 1, "title": "Sunday opening hours", "kind": "decision",
                                  "cycle_id": None, "proposal_id": None}]
