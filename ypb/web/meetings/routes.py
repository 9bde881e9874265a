"""The council's meetings: public pages and open data, and the secretary's forms.

Each form posts to its own address and calls one service; a refusal shows the meeting page
again (422) with the message on its field or at the top, and nothing saved.
"""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ypb.permissions import can, require
from ypb.services import Refused, council_export, influence
from ypb.services import council as council_service
from ypb.services import cycles as cycle_service
from ypb.services import meetings as meeting_service
from ypb.services import proposals as proposal_service
from ypb.web.i18n import format_when
from ypb.web.meetings import bp
from ypb.web.meetings.forms import (
    ApproveMinutesForm,
    ConfirmForm,
    CorrectionForm,
    ItemForm,
    MinutesForm,
    MotionForm,
    PublishForm,
    ScheduleForm,
    StatusForm,
    attendance_form,
    roll_call_form,
)
from ypb.web.meetings.present import (
    corrections_index,
    counts_sentence,
    explanation_text,
    figure_rows,
    kind_label,
    majority_label,
    meeting_view,
    message,
    outcome_label,
    percent,
    quorum_view,
    side_headings,
    side_label,
    status_label,
)
from ypb.web.util import attach_or_list

# The meeting page's forms: (anchor, heading), to point at the one that needs fixing.
SECTIONS = {
    "status": _l("Meeting status"),
    "agenda": _l("Agenda"),
    "attendance": _l("Attendance"),
    "motions": _l("Motions"),
    "minutes": _l("Minutes"),
}
HELPERS = dict(status_label=status_label, kind_label=kind_label, majority_label=majority_label,
               outcome_label=outcome_label, counts_sentence=counts_sentence, explanation_text=explanation_text,
               side_headings=side_headings, side_label=side_label, percent=percent)


@bp.app_template_global("council_outcome_label")
def _outcome_label(outcome: str) -> str:
    # For the proposal page's "what the council decided", rendered outside this blueprint.
    return outcome_label(outcome)


def _attach(form, exc: Refused) -> list[str]:
    return attach_or_list(form, exc, message)


def _staff() -> bool:
    return can(current_user, "meetings.manage")


# --- the public pages ----------------------------------------------------------------------


@bp.get("/council/meetings")
@require("council.read")
def index():
    return _render_index()


def _render_index(form: ScheduleForm | None = None, errors=(), status: int = 200):
    upcoming, past = meeting_service.upcoming_and_past()
    if form is None and _staff():
        form = ScheduleForm(formdata=None, prefix="meeting")
    return render_template("meetings/index.html", council=council_service.get_council(), upcoming=upcoming,
                           past=past, form=form, errors=list(errors), **HELPERS), status


def load_meeting(meeting_id: int, **_):
    return meeting_service.get(meeting_id)


@bp.get("/council/meetings/<int:meeting_id>")
@require("council.read", load_meeting)
def show(meeting_id: int):
    return _render_show(meeting_service.get(meeting_id))


def _render_show(meeting, status: int = 200, *, failed: str | None = None, errors=(), posted=None):
    """The meeting page. `posted` holds the form just posted (by its prefix), which keeps what
    was typed and its errors; every other form is shown fresh."""
    staff = _staff()
    view = meeting_view(meeting, staff=staff)
    # A cancelled meeting takes no records: its page offers no forms.
    editable = staff and meeting.status != "cancelled"
    context = dict(view=view, meeting=meeting, minutes=meeting.minutes, errors=list(errors),
                   failed=(failed, SECTIONS[failed]) if failed else None, staff=editable,
                   **HELPERS)
    if meeting.minutes is not None and meeting.minutes.approved_at_meeting_id:
        context["approved_at"] = meeting_service.get(meeting.minutes.approved_at_meeting_id)
    if editable:
        context.update(_forms(meeting, view, posted or {}))
    return render_template("meetings/show.html", **context), status


def _forms(meeting, view, posted: dict) -> dict:
    """Every form of the secretary's, fresh unless just posted."""
    members = view.people.members
    recorded = {a.person_id: a.status for a in meeting.attendance}

    item = posted.get("item") or ItemForm(formdata=None, prefix="item")
    item.set_choices(cycle_service.all_cycles(),
                     [(c, proposal_service.listing(c.id, order="title")) for c in cycle_service.public_cycles()])
    motion = posted.get("motion") or MotionForm(formdata=None, prefix="motion")
    motion.set_choices(members, meeting.items)

    others = [m for m in _all_meetings() if m.id != meeting.id]
    earlier = {m.id for m in others if m.starts_at <= meeting.starts_at} | {meeting.id}
    correctable = [d for d in meeting_service.decisions() if d.meeting_id in earlier]
    per_motion = {}
    for motion_view in view.motions:
        m = motion_view.motion
        if motion_view.published:
            continue
        forms = {"votes": posted.get(f"vote-{m.id}") or roll_call_form(m, members, recorded)}
        if motion_view.voted:
            forms["publish"] = posted.get(f"publish-{m.id}") or PublishForm(formdata=None, prefix=f"publish-{m.id}")
            correction = posted.get(f"correct-{m.id}") or CorrectionForm(formdata=None, prefix=f"correct-{m.id}")
            correction.set_choices(correctable)
            forms["correct"] = correction if correctable else None
        per_motion[m.id] = forms

    minutes = posted.get("minutes")
    if minutes is None:
        minutes = MinutesForm(formdata=None, prefix="minutes")
        if meeting.minutes is not None:
            minutes.text.data = meeting.minutes.text
    approve = posted.get("approve") or ApproveMinutesForm(formdata=None, prefix="approve")
    approve.set_choices([m for m in others if m.starts_at > meeting.starts_at and m.status != "cancelled"])
    return dict(
        status_form=StatusForm(formdata=None, prefix="status"),
        item_form=item,
        attendance_form=posted.get("attendance") or attendance_form(members, recorded),
        motion_form=motion,
        motion_forms=per_motion,
        minutes_form=minutes,
        approve_form=approve,
        publish_minutes_form=ConfirmForm(formdata=None, prefix="publish-minutes"),
        can_cancel=not meeting.attendance and not any(m.outcome for m in meeting.motions),
    )


def _all_meetings():
    upcoming, past = meeting_service.upcoming_and_past()
    return upcoming + past


@bp.get("/council/decisions")
@require("council.read")
def decisions():
    found = meeting_service.decisions()
    return render_template("meetings/decisions.html", council=council_service.get_council(),
                           decisions=[(d, meeting_service.get(d.meeting_id)) for d in found],
                           corrected_by=corrections_index(), **HELPERS)


@bp.get("/council/influence")
@require("council.read")
def influence_figures():
    rows = influence.by_year()
    totals = influence.totals(rows)
    held = totals["meetings_held"]
    rate = totals["meetings_with_quorum"] / held if held else None
    return render_template("meetings/influence.html", council=council_service.get_council(), years=rows,
                           figures=figure_rows(rows, totals, rate))


@bp.get("/council/popolo.json")
@require("council.read")
def popolo():
    council = council_service.get_council()
    if council is None:
        abort(404)
    return jsonify(council_export.popolo(council))


@bp.get("/council/meetings.ics")
@require("council.read")
def calendar():
    council = council_service.get_council()
    if council is None:
        abort(404)
    body = council_export.ical(council, lambda m: url_for("meetings.show", meeting_id=m.id, _external=True))
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="council-meetings.ics"'})


# --- the secretary's forms ---------------------------------------------------------------------


def _meeting_or_404(meeting_id: int):
    meeting = meeting_service.get(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _motion_or_404(meeting, motion_id: int):
    for motion in meeting.motions:
        if motion.id == motion_id:
            return motion
    abort(404)


def _done(message_text: str, meeting_id: int, anchor: str):
    flash(message_text, "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id, _anchor=anchor), 303)


@bp.post("/council/meetings")
@require("meetings.manage")
def schedule():
    form = ScheduleForm(prefix="meeting")
    if not form.validate_on_submit():
        return _render_index(form, status=422)
    try:
        meeting = meeting_service.schedule(current_user, form.title.data, form.starts_at, form.place.data or "",
                                           form.online_url.data or "")
    except Refused as exc:
        return _render_index(form, _attach(form, exc), 422)
    flash(_("“%(title)s” is scheduled for %(when)s. Now add its agenda.", title=meeting.title,
            when=format_when(meeting.starts_at)), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), 303)


@bp.post("/council/meetings/<int:meeting_id>/status")
@require("meetings.manage")
def set_status(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = StatusForm(prefix="status")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="status", errors=_form_errors(form))
    try:
        meeting_service.set_status(current_user, meeting.id, form.status.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="status", errors=[message(r) for r in exc.refusals])
    done = _("The meeting is marked as held.") if meeting.status == "held" else _("The meeting is cancelled.")
    return _done(done, meeting.id, "status")


def _form_errors(form) -> list[str]:
    return [str(text) for texts in form.errors.values() for text in texts]


@bp.post("/council/meetings/<int:meeting_id>/items")
@require("meetings.manage")
def add_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = ItemForm(prefix="item")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="agenda", posted={"item": form})
    try:
        item = meeting_service.add_item(current_user, meeting.id, form.title.data, form.kind.data,
                                        form.description.data or "", form.cycle_id.data, form.proposal_id.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="agenda", errors=_attach(form, exc), posted={"item": form})
    return _done(_("Item %(number)s, “%(title)s”, is on the agenda.", number=item.position, title=item.title),
                 meeting.id, f"item-{item.id}")


@bp.post("/council/meetings/<int:meeting_id>/attendance")
@require("meetings.manage")
def record_attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    view = meeting_view(meeting, staff=True)
    recorded = {a.person_id: a.status for a in meeting.attendance}
    form = attendance_form(view.people.members, recorded, formdata=request.form)
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="attendance", posted={"attendance": form})
    try:
        meeting_service.record_attendance(current_user, meeting.id, form.choices())
    except Refused as exc:
        return _render_show(meeting, 422, failed="attendance", errors=_attach(form, exc),
                            posted={"attendance": form})
    quorum = quorum_view(meeting, len(view.people.members))
    return _done(" ".join([_("The attendance is saved."), *quorum.sentences]), meeting.id, "attendance")


@bp.post("/council/meetings/<int:meeting_id>/motions")
@require("meetings.manage")
def add_motion(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MotionForm(prefix="motion")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="motions", posted={"motion": form})
    try:
        motion = meeting_service.add_motion(current_user, meeting.id, form.text.data, form.requirement.data,
                                            form.mover_id.data, form.seconder_id.data, form.agenda_item_id.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="motions", errors=_attach(form, exc), posted={"motion": form})
    return _done(_("Motion %(number)s is added. Record the roll call when the council has voted.",
                   number=motion.number), meeting.id, f"motion-{motion.id}")


@bp.post("/council/meetings/<int:meeting_id>/motions/<int:motion_id>/votes")
@require("meetings.manage")
def roll_call(meeting_id: int, motion_id: int):
    meeting = _meeting_or_404(meeting_id)
    motion = _motion_or_404(meeting, motion_id)
    view = meeting_view(meeting, staff=True)
    recorded = {a.person_id: a.status for a in meeting.attendance}
    form = roll_call_form(motion, view.people.members, recorded, formdata=request.form)
    posted = {f"vote-{motion.id}": form}
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="motions", posted=posted)
    try:
        voted = meeting_service.record_roll_call(current_user, motion.id, form.choices())
    except Refused as exc:
        return _render_show(meeting, 422, failed="motions", errors=_attach(form, exc), posted=posted)
    return _done(_("The roll call on motion %(number)s is saved: %(outcome)s. Check it, then publish the decision.",
                   number=voted.number, outcome=outcome_label(voted.outcome).lower()), meeting.id,
                 f"motion-{motion.id}")


@bp.post("/council/meetings/<int:meeting_id>/motions/<int:motion_id>/publish")
@require("meetings.manage")
def publish_decision(meeting_id: int, motion_id: int):
    meeting = _meeting_or_404(meeting_id)
    motion = _motion_or_404(meeting, motion_id)
    form = PublishForm(prefix=f"publish-{motion.id}")
    posted = {f"publish-{motion.id}": form}
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="motions", errors=_form_errors(form), posted=posted)
    try:
        decision = meeting_service.publish_decision(current_user, motion.id)
    except Refused as exc:
        return _render_show(meeting, 422, failed="motions", errors=_attach(form, exc), posted=posted)
    return _done(_("Decision %(number)s is published.", number=decision.number), meeting.id,
                 f"decision-{decision.id}")


@bp.post("/council/meetings/<int:meeting_id>/motions/<int:motion_id>/correction")
@require("meetings.manage")
def correct_decision(meeting_id: int, motion_id: int):
    meeting = _meeting_or_404(meeting_id)
    motion = _motion_or_404(meeting, motion_id)
    form = CorrectionForm(prefix=f"correct-{motion.id}")
    posted = {f"correct-{motion.id}": form}
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="motions", posted=posted)
    try:
        decision = meeting_service.correct_decision(current_user, form.decision_id.data, motion.id, form.note.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="motions", errors=_attach(form, exc), posted=posted)
    return _done(_("Decision %(number)s is published as the correction of decision %(old)s.",
                   number=decision.number, old=decision.corrects.number), meeting.id, f"decision-{decision.id}")


@bp.post("/council/meetings/<int:meeting_id>/minutes")
@require("meetings.manage")
def save_minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MinutesForm(prefix="minutes")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="minutes", posted={"minutes": form})
    try:
        meeting_service.save_minutes(current_user, meeting.id, form.text.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="minutes", errors=_attach(form, exc), posted={"minutes": form})
    return _done(_("The draft minutes are saved. The public sees them once they are approved and published."),
                 meeting.id, "minutes")


@bp.post("/council/meetings/<int:meeting_id>/minutes/approve")
@require("meetings.manage")
def approve_minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = ApproveMinutesForm(prefix="approve")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="minutes", posted={"approve": form})
    try:
        minutes = meeting_service.approve_minutes(current_user, meeting.id, form.at_meeting_id.data)
    except Refused as exc:
        return _render_show(meeting, 422, failed="minutes", errors=_attach(form, exc), posted={"approve": form})
    later = meeting_service.get(minutes.approved_at_meeting_id)
    return _done(_("The minutes are approved at “%(meeting)s”. You can now publish them.", meeting=later.title),
                 meeting.id, "minutes")


@bp.post("/council/meetings/<int:meeting_id>/minutes/publish")
@require("meetings.manage")
def publish_minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = ConfirmForm(prefix="publish-minutes")
    if not form.validate_on_submit():
        return _render_show(meeting, 422, failed="minutes", errors=_form_errors(form))
    try:
        meeting_service.publish_minutes(current_user, meeting.id)
    except Refused as exc:
        return _render_show(meeting, 422, failed="minutes", errors=[message(r) for r in exc.refusals])
    return _done(_("The minutes are published."), meeting.id, "minutes")
