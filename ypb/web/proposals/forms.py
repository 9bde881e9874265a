from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ypb.domain.renewals import MAX_YEARS, year_field
from ypb.services.comments import MAX_BODY
from ypb.web.fields import AmountField


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), description=_l("A few words that say what the project is."),
                        validators=[DataRequired(_l("Give your project a title.")), Length(max=140)])
    summary = TextAreaField(_l("Short summary"), description=_l("One or two sentences. Shown in lists."),
                            validators=[Optional(), Length(max=300)])
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l("What should happen, for whom, and why. You can use **bold**, lists and links."),
        validators=[Optional(), Length(max=20000)])
    estimated_cost = AmountField(_l("Estimated cost"), description=_l("A rough guess is fine, for example 1500."))
    category_id = SelectField(_l("Category"), coerce=lambda v: int(v) if v else None,
                              validators=[Optional()])
    place = StringField(_l("Place (optional)"), description=_l("Where in the municipality, if it matters."),
                        validators=[Optional(), Length(max=200)])
    group_name = StringField(
        _l("Group or organisation (optional)"),
        description=_l("If you propose together with others. No registration is needed."),
        validators=[Optional(), Length(max=120)])

    # A renewal's years and amounts per year (the amount fields are added below the class);
    # shown only for a renewal in a cycle that funds more than one year.
    funding_years = SelectField(_l("Funded over"), coerce=int, validate_choice=False, validators=[Optional()])
    funding_shown = False
    max_years = 1

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice("", _l("No category"))] + [
            SelectChoice(c.id, c.name) for c in categories]

    def set_funding(self, proposal, cycle, *, fill: bool) -> None:
        """Offer the years and amounts when they apply; `fill` shows the stored ones."""
        self.funding_shown = bool(proposal is not None and proposal.renewal_of_id is not None
                                  and cycle.renewal_max_years > 1)
        self.max_years = min(cycle.renewal_max_years, MAX_YEARS)
        self.funding_years.choices = [(n, ngettext("%(num)d year", "%(num)d years", n))
                                      for n in range(1, self.max_years + 1)]
        if fill and proposal is not None:
            self.funding_years.data = proposal.funding_years
            for n, amount in enumerate(proposal.funding_split or [], start=1):
                if n <= MAX_YEARS:
                    getattr(self, year_field(n)).data = amount

    def year_fields(self) -> list:
        return [getattr(self, year_field(n)) for n in range(1, self.max_years + 1)]

    def funding(self) -> tuple[int | None, list[int | None] | None]:
        """(years, amounts as typed) for the service; (None, None) when the form did not ask."""
        if not self.funding_shown:
            return None, None
        return self.funding_years.data or 1, [f.data for f in self.year_fields()]


for _year in range(1, MAX_YEARS + 1):
    setattr(ProposalForm, year_field(_year), AmountField(
        _l("Year %(num)s", num=_year), validators=[Optional()],
        description=_l("Leave every year empty to share the cost equally.") if _year == 1 else ""))
del _year


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RevisionForm(ProposalForm):
    """An edit of a public proposal: says what changed and which feedback it answers."""

    change_note = StringField(_l("What did you change? (optional)"),
                              validators=[Optional(), Length(max=500)])
    answers_feedback = BooleanField(_l("This change answers feedback"))
    addressed = MultiCheckboxField(_l("Comments this change answers"), coerce=int, validators=[Optional()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(_l("Write something first.")),
                                                          Length(max=MAX_BODY)])
    is_question = BooleanField(_l("This is a question for the contact person"))
    parent_id = HiddenField()


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with this comment?"),
                           description=_l("Only the moderator sees this."),
                           validators=[DataRequired(_l("Tell the moderator what is wrong.")), Length(max=500)])


class ActionForm(FlaskForm):
    """Empty: a button that only needs its CSRF token (submit, withdraw)."""


class RenewalForm(FlaskForm):
    """The "propose a renewal" button: the cycle it is offered in."""

    cycle_id = IntegerField(validators=[InputRequired()])
