"""Forms: the day picker of the public page, and the secretary's forms for the council.

Several forms share the manage page, so each has a prefix: field ids stay unique on the
page, and one form's errors never show on another. The services check everything again
and name the field a refusal is about.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional

from ypb.domain.council import CONSTITUENCY_LABELS, QUORUM_RULE_LABELS, ROLE_LABELS, Constituency, QuorumRule, SeatRole
from ypb.web.cycles.forms import WholeNumberField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class DayField(DateField):
    """A day from `<input type="date">` (sent as 2027-03-31); typed 31.03.2027 works too.

    Empty means no day (the validators decide whether that is allowed), and a typo gets a
    message in the reader's language instead of WTForms' own.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y"])
        kwargs.setdefault("invalid_value_message", _l("Enter a date, for example 2027-03-31."))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        super().process_formdata([valuelist[0].strip()])


class DayForm(FlaskForm):
    """The public page's "composition on this day" (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    on = DayField(_l("Show the council on"), validators=[Optional()])


def _side_choices():
    return [SelectChoice(side.value, _l(CONSTITUENCY_LABELS[side])) for side in Constituency]


class SettingsForm(FlaskForm):
    name = StringField(
        _l("Name of the council"),
        description=_l("For example: Youth Affairs Council of Trakai."),
        filters=[_strip],
        validators=[DataRequired(_l("Give the council a name."))],
    )
    parity_municipal = WholeNumberField(
        _l("Municipal members"), default=5,
        description=_l("How many voting seats the municipality's representatives hold."),
        validators=[InputRequired(_l("Enter the number of municipal members."))],
    )
    parity_youth = WholeNumberField(
        _l("Youth members"), default=5,
        description=_l("How many voting seats the young people's representatives hold."),
        validators=[InputRequired(_l("Enter the number of youth members."))],
    )
    quorum_rule = RadioField(
        _l("When can the council decide?"),
        choices=[SelectChoice(rule.value, _l(QUORUM_RULE_LABELS[rule])) for rule in QuorumRule],
        default=QuorumRule.MAJORITY.value,
        invalid_choice_message=_l("Choose one of the quorum rules."),
    )

    def fill_from(self, council) -> None:
        self.name.data = council.name
        self.parity_municipal.data = council.parity_municipal
        self.parity_youth.data = council.parity_youth
        self.quorum_rule.data = council.quorum_rule


class SeatForm(FlaskForm):
    label = StringField(
        _l("Name of the seat"),
        description=_l("For example: Youth seat 3, or Municipal seat 1."),
        filters=[_strip],
        validators=[DataRequired(_l("Give the seat a name."))],
    )
    # Not checked here: the service knows the secretary's seat needs no side.
    constituency = RadioField(
        _l("Side"), choices=_side_choices(), validate_choice=False,
        description=_l("Not needed for the secretary's seat, which has no vote."),
    )
    role = SelectField(
        _l("Role"), default=SeatRole.MEMBER.value, validate_choice=False,
        choices=[SelectChoice(role.value, _l(ROLE_LABELS[role])) for role in SeatRole],
    )


class PersonForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the person's name."))],
    )
    email = EmailField(
        _l("Email (optional)"),
        description=_l("Private: only the secretary sees it."),
        filters=[_strip],
    )
    phone = StringField(
        _l("Phone (optional)"),
        description=_l("Private: only the secretary sees it."),
        filters=[_strip],
    )


def _row_id(value):
    """A chosen row's id, or None for the "choose" line or anything that is not an id
    (the service refuses an id that does not exist)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AppointForm(FlaskForm):
    seat_id = SelectField(_l("Seat"), coerce=_row_id, validate_choice=False,
                          validators=[DataRequired(_l("Choose a seat from the list."))])
    person_id = SelectField(_l("Person"), coerce=_row_id, validate_choice=False,
                            validators=[DataRequired(_l("Choose a person from the list."))])
    start = DayField(_l("First day in the seat"), validators=[InputRequired(_l("Enter the first day in the seat."))])
    end = DayField(
        _l("Last day in the seat (optional)"), validators=[Optional()],
        description=_l("Leave it empty while the term runs on; you can end it later."),
    )
    on_behalf_of = StringField(
        _l("Nominated by (optional)"),
        description=_l("For example: the municipal council, or the union of youth organisations."),
        filters=[_strip],
    )

    def set_choices(self, seats, people) -> None:
        """`seats` and `people` are (id, text) pairs; a "choose" line comes first, so nobody
        is seated in the first seat of the list by a slip."""
        self.seat_id.choices = [("", _l("Choose a seat")), *seats]
        self.person_id.choices = [("", _l("Choose a person")), *people]


class EndForm(FlaskForm):
    end = DayField(_l("Last day in the seat"), validators=[InputRequired(_l("Enter the last day in the seat."))])
    reason = StringField(
        _l("Why it ends"),
        description=_l("For example: term over, resigned, moved away."),
        filters=[_strip],
        validators=[DataRequired(_l("Say why the membership ends."))],
    )


class AffiliationForm(FlaskForm):
    body = StringField(
        _l("Body"),
        description=_l("For example: the municipal board."),
        filters=[_strip],
        validators=[DataRequired(_l("Name the body."))],
    )
    role = StringField(_l("Role there (optional)"), filters=[_strip])
    start = DayField(_l("From (optional)"), validators=[Optional()])
    end = DayField(_l("Until (optional)"), validators=[Optional()])
