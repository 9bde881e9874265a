"""The secretary's event form (days and times as the municipality's clocks show them) and
the confirmation to cancel an event."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ypb.domain.calendar import KIND_LABELS, KINDS, MAX_PLACE, MAX_TITLE, EventInput
from ypb.web.meetings.forms import IdSelectField

DAY_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _day(label, **kwargs):
    return DateField(label, format=DAY_FORMATS, invalid_value_message=_l("Enter a date, for example 2027-03-31."),
                     **kwargs)


def _time(label, **kwargs):
    return TimeField(label, format=TIME_FORMATS, invalid_value_message=_l("Enter a time, for example 17:30."),
                     validators=[Optional()], **kwargs)


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"), description=_l("For example: Workshop: from an idea to a proposal."), filters=[_strip],
        validators=[DataRequired(_l("Give the event a title.")),
                    Length(max=MAX_TITLE, message=_l("Keep the title under %(max)s characters.", max=MAX_TITLE))])
    kind = SelectField(_l("Kind of event"), choices=[SelectChoice(k, _l(KIND_LABELS[k])) for k in KINDS],
                       default="workshop", validate_choice=False)  # the domain judges it, naming the field
    start_day = _day(_l("Starts on"), validators=[InputRequired(_l("Enter the day the event starts."))])
    # The hints are the fieldset's, so day and time line up side by side.
    start_time = _time(_l("Start time"))
    end_day = _day(_l("Ends on"), validators=[Optional()])
    end_time = _time(_l("End time"))
    place = StringField(
        _l("Place"), description=_l("For example: Youth centre, Main street 5. Or: Online."), filters=[_strip],
        validators=[Length(max=MAX_PLACE, message=_l("Keep the place under %(max)s characters.", max=MAX_PLACE))])
    description = TextAreaField(
        _l("Description"),
        description=_l("What happens, who it is for and how to join. You can use Markdown: **bold**, lists "
                       "with -, links."))
    cycle_id = IdSelectField(_l("Budget cycle"), description=_l("Optional: the budget cycle the event is about. "
                                                               "Its page is linked from the event."))

    def set_cycles(self, cycles) -> None:
        self.cycle_id.choices = [SelectChoice("", _l("None"))] + [SelectChoice(c.id, c.title) for c in cycles]

    def fill_from(self, event, entry) -> None:
        """Show a stored event for editing, on the municipality's clocks (`entry` gives its local days)."""
        from ypb.services.calendar import zone

        local = zone()
        self.title.data, self.kind.data = event.title, event.kind
        self.place.data, self.description.data = event.place, event.description
        self.cycle_id.data = event.cycle_id
        self.start_day.data = entry.first_day
        self.end_day.data = entry.last_day if entry.last_day != entry.first_day else None
        if not event.all_day:
            self.start_time.data = event.starts_at.astimezone(local).time()
            self.end_time.data = event.ends_at.astimezone(local).time()

    def to_input(self) -> EventInput:
        return EventInput(
            title=self.title.data or "", kind=self.kind.data or "", start_day=self.start_day.data,
            start_time=self.start_time.data, end_day=self.end_day.data, end_time=self.end_time.data,
            place=self.place.data or "", description=(self.description.data or "").strip(),
            cycle_id=self.cycle_id.data,
        )


class CancelForm(FlaskForm):
    confirm = BooleanField(_l("Yes, cancel this event. It stays on the calendar, marked as cancelled."),
                           validators=[DataRequired(_l("Tick the box to confirm that the event is cancelled."))])
