"""The secretary's forms for a meeting: one per change, each posting to its own address.

Several forms share the meeting page, so each has a prefix: field ids stay unique on the
page, and one form's errors never show on another. The attendance and the roll call have
one row of radio buttons per voting member of the meeting's day, so their forms are built
per meeting. Lists offer sensible choices, but the services check every value again and
name the field a refusal is about.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ypb.domain.council import MAJORITY_LABELS, Majority
from ypb.services.meetings import MAX_TEXT, MAX_TITLE
from ypb.web.cycles.forms import municipality_zone
from ypb.web.i18n import format_when
from ypb.web.meetings.present import (
    ATTENDANCE_ORDER,
    KIND_LABELS,
    VOTE_ORDER,
    attendance_label,
    side_label,
    vote_label,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def optional_id(value):
    """A select's value as an id; the empty choice ("nobody", "none") is None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class IdSelectField(SelectField):
    """A select of ids with an empty choice; the service judges the value, not the list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", optional_id)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Choose one of the listed options.")) from None


class ScheduleForm(FlaskForm):
    title = StringField(_l("Title"), description=_l("For example: May meeting."), filters=[_strip],
                        validators=[DataRequired(_l("Give the meeting a title.")), Length(max=MAX_TITLE)])
    day = DateField(_l("Date"), format=["%Y-%m-%d", "%d.%m.%Y"],
                    invalid_value_message=_l("Enter a date, for example 2027-03-31."),
                    validators=[InputRequired(_l("Enter the date of the meeting."))])
    time = TimeField(_l("Starts at"), format=["%H:%M", "%H.%M", "%H:%M:%S"],
                     invalid_value_message=_l("Enter a time, for example 17:30."),
                     description=_l("The time on the municipality's clocks."),
                     validators=[InputRequired(_l("Enter the time the meeting starts."))])
    place = StringField(_l("Place"), description=_l("For example: Town hall, room 2. Leave empty for an online "
                                                   "meeting."), filters=[_strip])
    online_url = StringField(_l("Online link"), description=_l("Where members and the public can follow it, "
                                                              "starting with https://."), filters=[_strip])

    @property
    def starts_at(self) -> datetime:
        """The typed local date and time, as the moment in UTC."""
        local = datetime.combine(self.day.data, self.time.data).replace(tzinfo=municipality_zone())
        return local.astimezone(UTC)


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), filters=[_strip],
                        validators=[DataRequired(_l("Give the agenda item a title.")), Length(max=200)])
    kind = RadioField(_l("Kind"), default="information",
                      choices=[Choice(kind, _l(label)) for kind, label in KIND_LABELS.items()],
                      validators=[InputRequired(_l("Choose the kind of item."))])
    description = TextAreaField(_l("Details"), description=_l("Optional. Plain text."),
                                validators=[Optional(), Length(max=MAX_TEXT)])
    cycle_id = IdSelectField(_l("Budget round"), description=_l("Optional: the budget round this item is about."))
    proposal_id = IdSelectField(_l("Proposal"), description=_l(
        "Optional: the proposal this item is about. Its page will show what the council decided."))

    def set_choices(self, cycles, proposals_by_cycle) -> None:
        self.cycle_id.choices = [Choice("", _("None"))] + [Choice(c.id, c.title) for c in cycles]
        # The proposals grouped by their budget round.
        self.proposal_id.choices = [Choice("", _("None"))] + [
            Choice(p.id, p.title, optgroup=cycle.title) for cycle, found in proposals_by_cycle for p in found]


class MotionForm(FlaskForm):
    text = TextAreaField(_l("Text of the motion"), description=_l("What the council is asked to decide."),
                         validators=[DataRequired(_l("Write the motion.")), Length(max=MAX_TEXT)])
    requirement = RadioField(_l("Majority needed"), default=Majority.SIMPLE.value,
                             choices=[Choice(m.value, _l(MAJORITY_LABELS[m])) for m in Majority],
                             validators=[InputRequired(_l("Choose the majority the motion needs."))])
    mover_id = IdSelectField(_l("Moved by"))
    seconder_id = IdSelectField(_l("Seconded by"))
    agenda_item_id = IdSelectField(_l("Agenda item"))

    def set_choices(self, members, items) -> None:
        people = [Choice("", _("Nobody"))] + [Choice(p.id, f"{p.name} ({side_label(p.side)})") for p in members]
        self.mover_id.choices = people
        self.seconder_id.choices = list(people)
        self.agenda_item_id.choices = [Choice("", _("Not about an agenda item"))] + [
            Choice(i.id, f"{i.position}. {i.title}") for i in items]


class _RowsForm(FlaskForm):
    """One radio row per member; the fields are named after the person's id."""

    members: list = []

    def rows(self):
        return [(person, self[f"p{person.id}"]) for person in self.members]

    def choices(self) -> dict[int, str]:
        return {person.id: self[f"p{person.id}"].data for person in self.members}


def attendance_form(members, recorded: dict[int, str], formdata=None, **kwargs) -> _RowsForm:
    """Attendance of each voting member; what was recorded, or present, is checked first."""

    class AttendanceForm(_RowsForm):
        pass

    AttendanceForm.members = list(members)
    for person in members:
        setattr(AttendanceForm, f"p{person.id}", RadioField(
            person.name, default=recorded.get(person.id, "present"),
            choices=[Choice(str(s), attendance_label(s)) for s in ATTENDANCE_ORDER],
            validators=[InputRequired(_("Choose whether %(name)s was there.", name=person.name))]))
    return AttendanceForm(formdata=formdata, prefix="attendance", **kwargs)


def roll_call_form(motion, members, attendance: dict[int, str], formdata=None, **kwargs) -> _RowsForm:
    """Each member's vote. A member recorded absent or excused can only be absent; everyone
    else's vote is chosen by hand (or shows what was recorded before)."""

    class RollCallForm(_RowsForm):
        pass

    RollCallForm.members = list(members)
    voted = {v.person_id: v.choice for v in motion.votes}
    for person in members:
        default = voted.get(person.id)
        if default is None and attendance.get(person.id) in ("absent", "excused"):
            default = "absent"
        setattr(RollCallForm, f"p{person.id}", RadioField(
            person.name, default=default, choices=[Choice(str(c), vote_label(c)) for c in VOTE_ORDER],
            validators=[InputRequired(_("Choose how %(name)s voted.", name=person.name))]))
    return RollCallForm(formdata=formdata, prefix=f"vote-{motion.id}", **kwargs)


class PublishForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked the roll call. Once published, this decision can't be changed: a mistake can "
           "only be put right by a correction voted later."),
        validators=[DataRequired(_l("Tick the box to confirm that the decision can be published."))])


class CorrectionForm(FlaskForm):
    decision_id = IdSelectField(_l("Decision it corrects"),
                                validators=[InputRequired(_l("Choose the decision this one corrects."))])
    note = TextAreaField(_l("What is corrected, and why"), description=_l("Shown with both decisions."),
                         validators=[DataRequired(_l("Say what the correction changes.")), Length(max=2000)])

    def set_choices(self, decisions) -> None:
        self.decision_id.choices = [Choice("", _("Choose a decision"))] + [
            Choice(d.id, _("Decision %(number)s: %(text)s", number=d.number, text=_short(d.text))) for d in decisions]

    def validate_decision_id(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Choose the decision this one corrects."))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class MinutesForm(FlaskForm):
    text = TextAreaField(_l("Minutes"), description=_l(
        "Plain text; leave an empty line between paragraphs. The public sees them once a later meeting has "
        "approved them and you publish them."),
        validators=[DataRequired(_l("Write the minutes.")), Length(max=MAX_TEXT)])


class ApproveMinutesForm(FlaskForm):
    at_meeting_id = IdSelectField(_l("Approved at the meeting of"))

    def set_choices(self, later) -> None:
        self.at_meeting_id.choices = [Choice("", _("Choose a meeting"))] + [
            Choice(m.id, f"{m.title}, {format_when(m.starts_at)}") for m in later]

    def validate_at_meeting_id(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Choose the meeting that approved the minutes."))


class ConfirmForm(FlaskForm):
    """A button only (publish the minutes): the token is all it carries."""


class StatusForm(FlaskForm):
    # Sent by the button pressed: "held" or "cancelled"; the service refuses anything else.
    status = StringField(validators=[DataRequired(_l("Choose held or cancelled."))])
