from __future__ import annotations

from flask import render_template, url_for

from ypb.models.base import utcnow
from ypb.permissions import require
from ypb.services import comments, cycles
from ypb.web.dashboard import bp
from ypb.web.util import refusal_text


def question_link(comment) -> str:
    page = url_for("proposals.show", proposal_id=comment.proposal_id)
    return f"{page}#comment-{comment.id}"


@bp.get("/")
@require("dashboard.view")
def index():
    now = utcnow()
    cycles.tick(now)  # phases whose planned end passed move on first, as on the cycle pages
    rows = []
    for cycle in cycles.open_cycles():
        step = cycles.next_step(cycle, now)
        rows.append({
            "cycle": cycle,
            "counts": cycles.proposal_counts(cycle.id),
            "next": step,
            "waits_for": [refusal_text(r) for r in step.refusals],
        })
    questions = [(q, question_link(q)) for q in comments.unanswered_questions()]
    return render_template(
        "dashboard/index.html", rows=rows, questions=questions,
        open_reports=comments.open_report_count(),
        moderation_url=url_for("review.moderation"),
    )
