"""The OpenAPI 3.1 document of /api/v1, written by hand.

Every object lists all its properties as required and forbids any other, so a field added to
a response without being documented here (or documented but gone) fails the tests, which
validate real responses against this document.

To add an endpoint: a schema in SCHEMAS, an operation in PATHS (built with `_get`).
"""

from __future__ import annotations

from ypb.domain.ballot import BallotType
from ypb.domain.cycle import PHASES, Phase, StepStatus
from ypb.domain.explain import REASONS, RULES
from ypb.models.proposal import ProposalStatus, Verdict
from ypb.web.api.paging import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE

PUBLIC_PHASES = [p.value for p in PHASES if p is not Phase.DRAFT]
PUBLISHED_STATUSES = [s.value for s in ProposalStatus if s is not ProposalStatus.DRAFT]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties: dict, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def page_of(item: str, description: str) -> dict:
    return obj({
        "items": {"type": "array", "items": ref(item)},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "total": {"type": "integer", "minimum": 0, "description": "Items on all pages together."},
        "next": nullable({"type": "string", "format": "uri-reference",
                          "description": "The next page, or null on the last one."}),
        "prev": nullable({"type": "string", "format": "uri-reference",
                          "description": "The previous page, or null on the first one."}),
    }, description)


STRING = {"type": "string"}
LINK = {"type": "string", "format": "uri-reference"}
ID = {"type": "integer", "minimum": 1}
DATETIME = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
            "description": "ISO 8601, UTC."}
MONEY = {"type": "integer", "minimum": 0, "description": "Minor units of the cycle's currency (cents)."}
MARKDOWN = {"type": "string", "description": "Markdown source."}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "ISO 8601 date."}

# Listed items and their detail share these; the detail adds to them.
CYCLE_SUMMARY = {
    "id": ID,
    "title": STRING,
    "phase": ref("Phase"),
    "phase_started_at": DATETIME,
    "budget_total": MONEY,
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217."},
    "schedule": ref("Schedule"),
    "links": ref("CycleLinks"),
}
PROPOSAL_SUMMARY = {
    "id": ID,
    "cycle_id": ID,
    "title": STRING,
    "summary": STRING,
    "status": {"type": "string", "enum": PUBLISHED_STATUSES},
    "author_name": nullable({**STRING, "description": "As shown on the proposal's page; null when the "
                                                      "account no longer exists."}),
    "group_name": nullable({**STRING, "description": "The informal group or organisation behind it."}),
    "category": nullable(ref("Category")),
    "estimated_cost": nullable(MONEY),
    "place": nullable(STRING),
    "submitted_at": DATETIME,
    "updated_at": DATETIME,
    "decision": nullable(ref("Decision")),
    "links": ref("ProposalLinks"),
}

SCHEMAS = {
    "Error": obj({
        "error": obj({
            "code": {**STRING, "pattern": "^[a-z0-9_]+$",
                     "description": "Stable, for programs: invalid_parameter, not_found, method_not_allowed, "
                                    "too_many_requests, server_error…"},
            "message": {**STRING, "description": "For people, in the language of Accept-Language."},
        }),
    }),
    "Index": obj({
        "version": {"type": "string", "const": "1"},
        "links": obj({"self": LINK, "cycles": LINK, "council": LINK, "openapi": LINK}),
    }),
    "Phase": {"type": "string", "enum": PUBLIC_PHASES},
    "Schedule": obj({name: nullable(DATETIME) for name in (
        "proposals_end", "feedback_end", "review_end", "voting_end", "results_end")},
        "Planned end of each phase that has one; null while not set."),
    "CycleLinks": obj({"self": LINK, "proposals": LINK, "html": LINK}),
    "CycleSummary": obj(CYCLE_SUMMARY, "A budget cycle as listed. Cycles still being prepared (drafts) never appear."),
    "TimelineStep": obj({
        "phase": ref("Phase"),
        "status": {"type": "string", "enum": [s.value for s in StepStatus]},
        "start": nullable(DATETIME),
        "end": nullable(DATETIME),
        "overdue": {"type": "boolean", "description": "The current phase is past its planned end and "
                                                      "moves on as soon as the rules allow."},
    }),
    "Category": obj({"id": ID, "name": STRING}),
    "Budget": obj({
        "id": nullable(ID),
        "name": STRING,
        "amount": MONEY,
    }, "One pot of money on the ballot; a cycle has at least one. The id, which a proposal's "
       "decision.budget_id refers to, is given only when there are several budgets."),
    "Ballot": obj({
        "type": {"type": "string", "enum": [t.value for t in BallotType]},
        "min_choices": {"type": "integer", "minimum": 0},
        "max_choices": nullable({"type": "integer", "minimum": 1}),
        "min_share_percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "points_total": nullable({"type": "integer", "minimum": 1}),
        "max_points_per_project": nullable({"type": "integer", "minimum": 1}),
        "use_all_points": {"type": "boolean"},
        "budget_choice": {"type": "string", "enum": ["one", "each"],
                          "description": "With several budgets: vote in one of them, or in each."},
        "census_required": {"type": "boolean", "description": "Only people on the list of voters may vote."},
    }, "The rules of the vote, published once voting opens."),
    "ProjectResult": obj({
        "proposal_id": ID,
        "cost": MONEY,
        "votes": {"type": "integer", "minimum": 0, "description": "Voters who chose it."},
        "points": {"type": "integer", "minimum": 0, "description": "Sum of points (equals votes on approval ballots)."},
        "funded": {"type": "boolean"},
        "reason": {"type": "string", "enum": sorted(REASONS),
                   "description": "Why it was or was not funded; the sentence's numbers are in reason_params."},
        "reason_params": {"type": "object", "additionalProperties": {"type": "integer"}},
    }),
    "BudgetResult": obj({
        "name": STRING,
        "amount": MONEY,
        "spent": MONEY,
        "voters": {"type": "integer", "minimum": 0},
        "computed_at": DATETIME,
        "selected": {"type": "array", "items": ID, "description": "Funded proposals, in the order the rule took them."},
        "projects": {"type": "array", "items": ref("ProjectResult")},
        "what_if": obj({"rule": {"type": "string", "enum": sorted(RULES)},
                        "selected": {"type": "array", "items": ID}, "spent": MONEY},
                       "What the other rule would have funded, for comparison."),
        "ballots_pb_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                              "description": "SHA-256 of the published anonymised ballots (.pb file)."},
    }),
    "CycleResults": obj({
        "cycle_id": ID,
        "status": {"type": "string", "enum": ["draft", "confirmed"]},
        "confirmed_at": nullable(DATETIME),
        "rule": {"type": "string", "enum": sorted(RULES)},
        "budgets": {"type": "array", "items": ref("BudgetResult")},
        "links": obj({"self": LINK, "cycle": LINK}),
    }, "Results exist once voting has closed; draft until confirmed after a short feedback window."),
    "Cycle": obj({
        **CYCLE_SUMMARY,
        "description": MARKDOWN,
        "feedback_days": {"type": "integer", "minimum": 1,
                          "description": "The shortest the feedback phase may be, in days."},
        "eligibility": obj({
            "min_age": {"type": "integer", "minimum": 0},
            "max_age": {"type": "integer", "minimum": 0},
            "residency_required": {"type": "boolean"},
        }, "Who may take part: age on the closing date, and whether living in the municipality is required."),
        "contact_name": STRING,
        "categories": {"type": "array", "items": ref("Category")},
        "budgets": {"type": "array", "items": ref("Budget"), "minItems": 1},
        "ballot": nullable(ref("Ballot")),
        "timeline": {"type": "array", "items": ref("TimelineStep")},
    }, "A budget cycle with its rules and timeline."),
    "CyclePage": page_of("CycleSummary", "Public budget cycles, newest first."),
    "Decision": obj({
        "outcome": {"type": "string", "enum": ["approved", "rejected", "merged"]},
        "decided_at": nullable(DATETIME),
        "reason": nullable({**MARKDOWN, "description": "The published reason (always given for a rejection)."}),
        "final_cost": nullable({**MONEY, "description": "The cost on the ballot (approved proposals)."}),
        "merged_into_id": nullable(ID),
        "budget_id": nullable({**ID, "description": "The budget whose ballot it is on, with several budgets."}),
        "council_decision_ref": nullable(STRING),
    }, "The review decision on a proposal."),
    "FeasibilityNote": obj({
        "verdict": {"type": "string", "enum": [v.value for v in Verdict]},
        "municipal_cost": nullable(MONEY),
        "reason": MARKDOWN,
        "published_at": DATETIME,
    }, "The municipality's assessment, published during feedback."),
    "ProposalLinks": obj({"self": LINK, "cycle": LINK, "html": LINK}),
    "ProposalSummary": obj(PROPOSAL_SUMMARY, "A published proposal as listed. Drafts never appear; "
                                             "withdrawn ones have the status withdrawn."),
    "Proposal": obj({
        **PROPOSAL_SUMMARY,
        "description": MARKDOWN,
        "feasibility_notes": {"type": "array", "items": ref("FeasibilityNote")},
    }, "A published proposal with its full text and the municipality's assessments."),
    "ProposalPage": page_of("ProposalSummary", "Published proposals of a cycle, in the order they were published."),
    "CouncilSeat": obj({
        "id": ID,
        "label": STRING,
        "constituency": {"type": ["string", "null"], "enum": ["municipal", "youth", None],
                         "description": "Null for the coordinator's non-voting secretary seat."},
        "role": {"type": "string", "enum": ["member", "chair", "vice_chair", "secretary"]},
        "voting": {"type": "boolean"},
        "holder": nullable(obj({
            "person_id": ID,
            "name": STRING,
            "since": DATE,
            "until": nullable({**DATE, "description": "The last day in the seat, when already known."}),
            "on_behalf_of": nullable({**STRING, "description": "Who nominated the member."}),
        }, "Null while the seat is vacant (or, by mistake, held by two people: see issues).")),
    }),
    "Council": obj({
        "name": STRING,
        "date": {**DATE, "description": "The day this composition is for: today, in the municipality."},
        "parity": obj({"municipal": {"type": "integer", "minimum": 1}, "youth": {"type": "integer", "minimum": 1}},
                      "Voting seats per side, as the parity rule says."),
        "quorum_rule": {"type": "string", "enum": ["majority", "majority_each_side"]},
        "balanced": {"type": "boolean", "description": "Each side has as many members as the parity rule says."},
        "issues": {"type": "array", "items": {"type": "string", "pattern": "^council\\.[a-z_]+$"},
                   "description": "What is off about the composition today (vacancies, ...), as codes."},
        "seats": {"type": "array", "items": ref("CouncilSeat")},
        "links": obj({"self": LINK, "decisions": LINK, "meetings": LINK}),
    }, "The youth council today: half municipal, half youth seats. Contact details are never published."),
    "Counts": obj({name: {"type": "integer", "minimum": 0} for name in ("yes", "no", "abstain", "absent")}),
    "CouncilDecision": obj({
        "number": {**STRING, "description": "Year of the meeting / running number, e.g. 2030/4."},
        "text": STRING,
        "outcome": {"type": "string", "enum": ["adopted", "rejected", "no_quorum"]},
        "counts": obj({"total": ref("Counts"), "municipal": ref("Counts"), "youth": ref("Counts")},
                      "The roll-call vote, overall and per side."),
        "explanation": {**STRING, "description": "Why this outcome, as a code (the rule and the counts)."},
        "explanation_params": {"type": "object", "additionalProperties": {"type": ["integer", "string"]}},
        "meeting_id": ID,
        "meeting_starts_at": DATETIME,
        "published_at": DATETIME,
        "corrects": nullable({**STRING, "description": "The number of the decision this one corrects."}),
        "correction_note": nullable(STRING),
    }, "A published decision of the council. It never changes; a correction is a new decision."),
    "CouncilDecisionPage": page_of("CouncilDecision", "Published council decisions, newest first."),
    "Meeting": obj({
        "id": ID,
        "title": STRING,
        "starts_at": DATETIME,
        "place": nullable(STRING),
        "online_url": nullable(STRING),
        "status": {"type": "string", "enum": ["scheduled", "held", "cancelled"]},
        "agenda": {"type": "array", "items": obj({
            "position": {"type": "integer", "minimum": 1},
            "title": STRING,
            "kind": {"type": "string", "enum": ["information", "discussion", "decision"]},
            "cycle_id": nullable(ID),
            "proposal_id": nullable(ID),
        })},
    }, "A council meeting and its public agenda."),
    "MeetingPage": page_of("Meeting", "Council meetings, latest first."),
}

PARAMETERS = {
    "page": {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
    "per_page": {"name": "per_page", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
    "cycle_id": {"name": "cycle_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}},
    "proposal_id": {"name": "proposal_id", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 0}},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


RESPONSES = {
    "InvalidParameter": _error("A query parameter is not usable (error code invalid_parameter)."),
    "NotFound": _error("No such item, or it is not public (a draft): both answer the same."),
    "TooManyRequests": _error("Rate limit reached; wait for the time in Retry-After."),
    "ServerError": _error("Something went wrong on the server."),
}


def _get(operation_id: str, summary: str, schema: dict, *, params: tuple[str, ...] = (),
         errors: tuple[tuple[str, str], ...] = ()) -> dict:
    responses = {"200": {"description": summary, "content": {"application/json": {"schema": schema}}}}
    for status, name in (*errors, ("429", "TooManyRequests")):
        responses[status] = {"$ref": f"#/components/responses/{name}"}
    responses["default"] = {"$ref": "#/components/responses/ServerError"}
    operation = {"operationId": operation_id, "summary": summary, "responses": responses}
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    return {"get": operation}


PAGED = ("page", "per_page")
BAD_PAGE = (("400", "InvalidParameter"),)
NOT_FOUND = (("404", "NotFound"),)

PATHS = {
    "/": _get("getIndex", "Where to start: links to the collections.", ref("Index")),
    "/openapi.json": _get("getOpenApi", "This document.", {"type": "object"}),
    "/cycles": _get("listCycles", "Public budget cycles, newest first.", ref("CyclePage"),
                    params=PAGED, errors=BAD_PAGE),
    "/cycles/{cycle_id}": _get("getCycle", "One public budget cycle.", ref("Cycle"),
                               params=("cycle_id",), errors=NOT_FOUND),
    "/cycles/{cycle_id}/proposals": _get(
        "listCycleProposals", "The published proposals of a public cycle.", ref("ProposalPage"),
        params=("cycle_id", *PAGED), errors=(*BAD_PAGE, *NOT_FOUND)),
    "/cycles/{cycle_id}/results": _get(
        "getCycleResults", "The results of a cycle whose voting has closed.", ref("CycleResults"),
        params=("cycle_id",), errors=NOT_FOUND),
    "/council": _get("getCouncil", "The youth council today.", ref("Council"), errors=NOT_FOUND),
    "/council/decisions": _get("listCouncilDecisions", "Published council decisions, newest first.",
                               ref("CouncilDecisionPage"), params=PAGED, errors=BAD_PAGE),
    "/council/meetings": _get("listCouncilMeetings", "Council meetings, latest first.", ref("MeetingPage"),
                              params=PAGED, errors=BAD_PAGE),
    "/proposals/{proposal_id}": _get("getProposal", "One published proposal.", ref("Proposal"),
                                     params=("proposal_id",), errors=NOT_FOUND),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Youth participatory budget: open data",
        "version": "1",
        "description": (
            "Everything public about the budget cycles, their proposals and results, and the youth "
            "council (its seats, meetings and published decisions), read-only, without an account, "
            "from any site (CORS). Lists come in pages (`page`, `per_page` up to "
            f"{MAX_PER_PAGE}). Money is an integer number of minor units (cents); times are ISO 8601 "
            "in UTC. Drafts are never shown: their ids answer 404 like ids that do not exist. No vote "
            "totals are published while voting is open."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS, "parameters": PARAMETERS, "responses": RESPONSES},
}
