"""The secretary's cycle form and the "move to the next phase" button."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ypb.domain.cycle import Schedule
from ypb.domain.renewals import MAX_YEARS
from ypb.services.cycles import MAX_CATEGORY, MAX_TITLE, CycleInput
from ypb.web.fields import AmountField

# The five planned ends, in the order the phases run (also the form's field names).
DATE_FIELDS = ("proposals_end", "feedback_end", "review_end", "voting_end", "results_end")


def municipality_zone() -> ZoneInfo:
    """Secretaries type times as the municipality's clocks show them."""
    return ZoneInfo(current_app.config["YPB_TIMEZONE"])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message speaks plainly."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number, for example 7.")) from None


class LocalDateTimeField(DateTimeLocalField):
    """A date and time typed in the municipality's time zone; `data` is aware."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
                                     "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("invalid_value_message", _l("Enter a date and time, for example 2027-03-31 23:59."))
        super().__init__(*args, tz=municipality_zone, **kwargs)

    @property
    def utc(self):
        return self.data.astimezone(UTC) if self.data is not None else None


class CycleForm(FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l("For example: Youth budget 2027."),
        filters=[_strip],
        validators=[DataRequired(_l("Give the budget cycle a title.")), Length(max=MAX_TITLE)],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What the money is for and who can take part. You can use Markdown: "
                       "**bold**, lists with -, links."),
    )
    budget_total = AmountField(
        _l("Total budget"),
        description=_l("The whole amount young people decide on, for example 50 000 or 50000,00."),
    )
    currency = StringField(
        _l("Currency"),
        description=_l("The three-letter code, for example EUR."),
        default="EUR",
        filters=[_strip],
        validators=[DataRequired(_l("Enter the currency code.")),
                    Regexp(r"^[A-Za-z]{3}$", message=_l("Use the three-letter currency code, for example EUR."))],
    )
    min_age = WholeNumberField(
        _l("Youngest age"), default=13,
        validators=[InputRequired(_l("Enter the youngest age.")),
                    NumberRange(min=0, max=120, message=_l("Enter an age between 0 and 120."))],
    )
    max_age = WholeNumberField(
        _l("Oldest age"), default=29,
        description=_l("Age counts in the year voting closes."),
        validators=[InputRequired(_l("Enter the oldest age.")),
                    NumberRange(min=0, max=120, message=_l("Enter an age between 0 and 120."))],
    )
    residency_required = BooleanField(_l("Only people who live in the municipality may take part"),
                                      default=True)
    contact_id = SelectField(
        _l("Contact person"),
        description=_l("Answers questions about this budget. Only the name is shown to the public."),
        coerce=int,
        validate_choice=True,
    )
    feedback_days = WholeNumberField(
        _l("Shortest feedback phase, in days"), default=7,
        description=_l("Proposals stay open for comments at least this long before any decision."),
        validators=[InputRequired(_l("Enter a number of days.")),
                    NumberRange(min=1, max=365, message=_l("Enter between 1 and 365 days."))],
    )
    proposals_end = LocalDateTimeField(
        _l("Proposals close"), validators=[Optional()],
        description=_l("Young people can send proposals until then."))
    feedback_end = LocalDateTimeField(
        _l("Feedback closes"), validators=[Optional()],
        description=_l("Everyone can comment and authors can improve their proposals until then."))
    review_end = LocalDateTimeField(
        _l("Review ends"), validators=[Optional()],
        description=_l("The council decides which proposals go on the ballot."))
    voting_end = LocalDateTimeField(
        _l("Voting closes"), validators=[Optional()])
    results_end = LocalDateTimeField(
        _l("Comments on the results close"), validators=[Optional()],
        description=_l("A short time to check the draft results before they are confirmed."))
    categories = TextAreaField(
        _l("Categories"),
        description=_l("The municipality's goals that proposals can be sorted by. One per line."),
    )
    renewal_max_years = WholeNumberField(
        _l("Renewals can be funded for up to (years)"), default=1,
        description=_l("A delivered project proposed again on the evidence of its results can ask for "
                       "funding over several years. 1 means one year at a time."),
        # Optional: left empty it is 1, as it was before cycles had the setting.
        validators=[Optional(), NumberRange(min=1, max=MAX_YEARS,
                                            message=_l("Allow from 1 to %(max)s years.", max=MAX_YEARS))],
    )

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_id.choices = [(user.id, user.display_name) for user in contacts]

    def validate_budget_total(self, field):
        if field.data is None and not field.errors:  # empty; a typo already has its message
            raise ValidationError(_l("Enter the total budget."))

    def validate_categories(self, field):
        if any(len(name) > MAX_CATEGORY for name in self.category_names()):
            raise ValidationError(_l("Keep each category under %(max)s characters.", max=MAX_CATEGORY))

    def _date(self, name: str, previous):
        typed = getattr(self, name).utc
        stored = getattr(previous, name, None)
        # The input shows minutes only: an untouched date keeps its stored seconds, or it
        # would look moved (and a promised end moved earlier is refused).
        return stored if _same_minute(typed, stored) else typed

    def category_names(self) -> list[str]:
        return [line.strip() for line in (self.categories.data or "").splitlines() if line.strip()]

    def fill_from(self, cycle) -> None:
        """Show a stored cycle for editing (dates come back in the municipality's time)."""
        self.title.data = cycle.title
        self.description.data = cycle.description
        self.budget_total.data = cycle.budget_total
        self.currency.data = cycle.currency
        self.min_age.data, self.max_age.data = cycle.min_age, cycle.max_age
        self.residency_required.data = cycle.residency_required
        self.contact_id.data = cycle.contact_id
        self.feedback_days.data = cycle.feedback_days
        for name in DATE_FIELDS:
            getattr(self, name).data = getattr(cycle, name)
        self.categories.data = "\n".join(c.name for c in cycle.categories)
        self.renewal_max_years.data = cycle.renewal_max_years

    def to_input(self, previous=None) -> CycleInput:
        """The typed values for the service; `previous` is the stored cycle when editing."""
        return CycleInput(
            title=self.title.data,
            description=(self.description.data or "").strip(),
            budget_total=self.budget_total.data,
            currency=self.currency.data.upper(),
            min_age=self.min_age.data,
            max_age=self.max_age.data,
            residency_required=bool(self.residency_required.data),
            contact_id=self.contact_id.data,
            feedback_days=self.feedback_days.data,
            schedule=Schedule(**{name: self._date(name, previous) for name in DATE_FIELDS}),
            categories=self.category_names(),
            renewal_max_years=self.renewal_max_years.data or 1,
        )


def _same_minute(a, b) -> bool:
    return a is not None and b is not None and a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


class AdvanceForm(FlaskForm):
    """The phase the page offered: a second click after the move is refused, not a double move."""

    phase = HiddenField(validators=[DataRequired()])
