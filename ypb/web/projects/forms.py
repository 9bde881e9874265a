"""The secretary's forms on a project page, one per change, each posting to its own address.

They share the page, so each has a prefix: field ids stay unique and one form's errors never
show on another. The services check every value again and name the field a refusal is about.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ypb.domain.projects import MAX_EVIDENCE, MAX_REASON, MAX_RESPONSIBLE, MAX_SCOPE, MAX_TITLE, STATUS_LABELS
from ypb.web.fields import AmountField
from ypb.web.meetings.forms import IdSelectField


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validate_choice=False)
    progress = IntegerField(_l("Progress, in percent (0 to 100)"), validators=[InputRequired()])
    budget_spent = AmountField(_l("Spent so far"), validators=[InputRequired()],
                               description=_l("What has been paid out of the budget granted, e.g. 1500.50."))

    def set_choices(self) -> None:
        from flask_babel import gettext

        self.status.choices = [(s.value, gettext(label)) for s, label in STATUS_LABELS.items()]


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), filters=[_strip], validators=[InputRequired()],
                        render_kw={"maxlength": MAX_TITLE},
                        description=_l("A step people can check, e.g. “Wall ordered”."))
    day = DateField(_l("Date"), validators=[InputRequired()],
                    description=_l("When it is planned, or when it happened."))


class CompleteForm(FlaskForm):
    evidence = TextAreaField(_l("Evidence (optional)"), filters=[_strip],
                             render_kw={"maxlength": MAX_EVIDENCE, "rows": 2},
                             description=_l("What shows it is done: an invoice number, a photo in the report, a link."))


class TermsForm(FlaskForm):
    budget_granted = AmountField(_l("Budget granted"), validators=[InputRequired()])
    scope = TextAreaField(_l("Scope"), filters=[_strip], validators=[InputRequired()],
                          render_kw={"maxlength": MAX_SCOPE, "rows": 3})
    planned_end = DateField(_l("Planned end"), validators=[Optional()],
                            description=_l("Leave empty while nobody knows yet."))
    responsible = StringField(_l("Who delivers it"), filters=[_strip], validators=[InputRequired()],
                              render_kw={"maxlength": MAX_RESPONSIBLE},
                              description=_l("The responsible person or organisation."))
    reason = TextAreaField(_l("Why the terms change"), filters=[_strip],
                           render_kw={"maxlength": MAX_REASON, "rows": 3},
                           description=_l("Shown to everyone with the change, for good."))
    material = BooleanField(_l("This is a material change (it needs a council decision)"))
    decision_id = IdSelectField(_l("Council decision that allows it"))

    def fill(self, project) -> None:
        self.budget_granted.data = project.budget_granted
        self.scope.data = project.scope
        self.planned_end.data = project.planned_end
        self.responsible.data = project.responsible

    def set_choices(self, decisions) -> None:
        from flask_babel import gettext

        self.decision_id.choices = [("", gettext("None"))] + [
            (str(d.id), f"{d.number}: {d.text[:80]}") for d in decisions]

    def changes(self) -> dict:
        return {"budget_granted": self.budget_granted.data, "scope": self.scope.data or "",
                "planned_end": self.planned_end.data, "responsible": self.responsible.data or ""}

