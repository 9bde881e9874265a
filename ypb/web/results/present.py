"""The results page's view of one budget's stored tally: rows with their reasons in the
reader's language, the bar chart's geometry, and the side-by-side "what if".

Everything here reads a `TallyResult` as `services.results` stored it; nothing is counted
again. The chart is plain SVG drawn on the server: attributes for geometry, classes for
colours (the CSP forbids inline styles), and a title and description for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_decimal, gettext, ngettext

from ypb.domain.ballot import BallotType
from ypb.domain.explain import AMOUNT_PARAMS, HUNDREDTHS_PARAMS, REASONS, RULE_NAMES
from ypb.web.i18n import format_money

# Chart geometry in SVG units. The chart is drawn 320 wide, about a phone's width, so its
# text reads at the page's size on a phone; CSS caps how far it grows on a wide screen.
CHART_WIDTH = 320
LABEL_HEIGHT = 20  # a project's name, above its bar
BAR_HEIGHT = 16
ROW_GAP = 10
VALUE_ROOM = 60  # right of the longest bar, for its number
LABEL_CHARS = 38  # about what fits on one line of the chart; the table has the full names


@dataclass(frozen=True)
class Row:
    proposal_id: int
    title: str
    cost: int
    votes: int
    points: int
    funded: bool
    reason: str
    # Competition only: the place in the combined ranking, the jury mean ("" when no juror scored
    # it), how many jurors scored it and the combined score out of 100, ready to show.
    rank: int | None = None
    jury_mean: str | None = None
    jurors: int = 0
    score: str | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    funded: bool
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    title: str
    desc: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Side:
    rule: str  # the rule's name, translated
    used: bool
    projects: tuple[tuple[str, bool], ...]  # (title, funded only under this rule)
    spent: int


@dataclass(frozen=True)
class WhatIf:
    sides: tuple[Side, ...]  # (the result used, the other rule's); empty when not comparable
    same: bool
    comparison: tuple[str, ...]  # the compare rule's sentences about voters' preferences


@dataclass(frozen=True)
class BudgetView:
    budget: object
    result: object
    rows: tuple[Row, ...]
    points: bool  # cumulative ballots: the chart and table show points
    chart: Chart
    what_if: WhatIf
    competition: bool = False  # rows carry the combined ranking


def number(value: int) -> str:
    return format_decimal(value)


def decimal_from_hundredths(value: int) -> str:
    """420 → "4.2", 417 → "4.17", 400 → "4.0" in the reader's number format."""
    return format_decimal(Decimal(value) / 100, format="0.0#")


def _param(key: str, value: int, currency: str) -> str:
    if key in AMOUNT_PARAMS:
        return format_money(value, currency)
    if key in HUNDREDTHS_PARAMS:
        return decimal_from_hundredths(value)
    return number(value)


def reason_text(row: dict, currency: str) -> str:
    """A project's reason in the reader's language, amounts shown as money."""
    params = {key: _param(key, value, currency) for key, value in row["params"].items()}
    return gettext(REASONS[row["reason"]]) % params


def rule_name(rule: str) -> str:
    return gettext(RULE_NAMES[rule])


def _title(proposals: dict, proposal_id: int) -> str:
    found = proposals.get(proposal_id)
    return found.title if found is not None else f"#{proposal_id}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def _amount_text(value: int, points: bool) -> str:
    if points:
        return ngettext("%(count)s point", "%(count)s points", value, count=number(value))
    return ngettext("%(count)s vote", "%(count)s votes", value, count=number(value))


def chart(rows: tuple[Row, ...], points: bool, budget_name: str) -> Chart:
    values = [r.points if points else r.votes for r in rows]
    top = max(values, default=0)
    room = CHART_WIDTH - VALUE_ROOM
    bars = []
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = i * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
        # A bar for any vote at all stays visible, however small beside the leader.
        width = max(2, round(room * value / top)) if value and top else 0
        mark = "✓ " if row.funded else ""
        bars.append(Bar(label=mark + _short(row.title), value=number(value), funded=row.funded,
                        label_y=y + 15, bar_y=y + LABEL_HEIGHT, width=width,
                        value_x=width + 6, value_y=y + LABEL_HEIGHT + 13))
    height = max(1, len(rows) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) - ROW_GAP)
    title = (gettext("Points per project: %(budget)s", budget=budget_name) if points
             else gettext("Votes per project: %(budget)s", budget=budget_name))
    desc = "; ".join(
        gettext("%(project)s: %(amount)s, funded", project=r.title, amount=_amount_text(v, points)) if r.funded
        else gettext("%(project)s: %(amount)s, not funded", project=r.title, amount=_amount_text(v, points))
        for r, v in zip(rows, values, strict=True)
    )
    return Chart(CHART_WIDTH, height, title, desc + ("." if desc else ""), tuple(bars))


def _side(rule: str, used: bool, selected: list[int], other: list[int], order: dict[int, int],
          proposals: dict, spent: int) -> Side:
    others = set(other)
    ids = sorted(selected, key=lambda pid: order.get(pid, len(order)))
    return Side(rule_name(rule), used, tuple((_title(proposals, pid), pid not in others) for pid in ids), spent)


def what_if(result, proposals: dict, order: dict[int, int]) -> WhatIf:
    other = result.what_if
    comparison = other.get("comparison")
    sentences: tuple[str, ...] = ()
    used_rule = result.rule
    if comparison:
        sentences = (
            gettext("Voters who prefer the Equal Shares result: %(count)s.", count=number(comparison["prefer_mes"])),
            gettext("Voters who prefer the most-votes-first result: %(count)s.",
                    count=number(comparison["prefer_greedy"])),
            gettext("So the most-votes-first result is used.") if comparison["kept"] == "greedy"
            else gettext("So the Equal Shares result is used."),
        )
        if comparison["kept"] == "greedy":
            # The stored "what if" is most votes first here too: the Equal Shares selection it
            # replaced is not kept, so there is no second column to show.
            return WhatIf((), False, sentences)
        used_rule = "mes-add1"
    used = _side(used_rule, True, result.selected, other["selected"], order, proposals, result.spent)
    alternative = _side(other["rule"], False, other["selected"], result.selected, order, proposals, other["spent"])
    return WhatIf((used, alternative), set(result.selected) == set(other["selected"]), sentences)


def budget_view(found, cycle) -> BudgetView:
    """One budget's stored result (`services.results.BudgetResult`) ready for the page."""
    result, proposals = found.result, found.proposals
    ranked = result.rule == "competition"
    rows = tuple(
        Row(proposal_id=r["proposal_id"], title=_title(proposals, r["proposal_id"]), cost=r["cost"],
            votes=r["votes"], points=r["points"], funded=r["funded"], reason=reason_text(r, cycle.currency),
            **(_ranking(r) if ranked else {}))
        for r in result.rows
    )
    points = cycle.ballot_type == BallotType.CUMULATIVE.value
    order = {row.proposal_id: i for i, row in enumerate(rows)}
    return BudgetView(found.budget, result, rows, points, chart(rows, points, found.budget.name),
                      what_if(result, proposals, order), ranked)


def _ranking(row: dict) -> dict:
    mean = row.get("jury_mean")
    return {"rank": row.get("rank"), "jurors": row.get("jurors", 0), "score": decimal_from_hundredths(row["score"]),
            "jury_mean": decimal_from_hundredths(mean) if mean is not None else ""}
