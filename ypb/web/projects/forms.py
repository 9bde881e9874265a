"""The secretary's forms on a project page, one per change, each posting to its own address.

They share the page, so each has a prefix: field ids stay unique and one form's errors never
show on another. The services check every value again and name the field a refusal is about.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ypb.domain.kpis import (
    MAX_EFFECT_TEXT,
    MAX_UNIT,
    SATISFACTION_LABELS,
    Kpis,
    as_decimal,
    parse_effect_number,
    parse_satisfaction,
)
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



class KpiForm(FlaskForm):
    """The four KPIs, each a target and an actual. Empty is "not reported yet"."""

    engaged_target = IntegerField(_l("Target"), validators=[Optional()],
                                  description=_l("How many young people the project means to involve."))
    engaged_actual = IntegerField(_l("Actual"), validators=[Optional()])
    benefited_target = IntegerField(_l("Target"), validators=[Optional()],
                                    description=_l("How many young people it means to reach."))
    benefited_actual = IntegerField(_l("Actual"), validators=[Optional()])
    satisfaction_kind = SelectField(_l("Measured as"), validate_choice=False)
    satisfaction_target = StringField(_l("Target"), filters=[_strip], render_kw={"maxlength": 8},
                                      description=_l("An average like 4.2, or a share like 80."))
    satisfaction_actual = StringField(_l("Actual"), filters=[_strip], render_kw={"maxlength": 8},
                                      description=_l("Only if there is no survey here, e.g. from a paper survey. "
                                                     "Once the survey has enough answers, its figure is shown "
                                                     "instead."))
    effect_unit = StringField(_l("Unit of the numbers (optional)"), filters=[_strip],
                              render_kw={"maxlength": MAX_UNIT},
                              description=_l("What the number counts, e.g. “trees planted” or “events held”."))
    effect_target_number = StringField(_l("Target number (optional)"), filters=[_strip],
                                       render_kw={"maxlength": 16})
    effect_target_text = TextAreaField(_l("Target: what the project means to change"), filters=[_strip],
                                       render_kw={"maxlength": MAX_EFFECT_TEXT, "rows": 2})
    effect_actual_number = StringField(_l("Actual number (optional)"), filters=[_strip],
                                       render_kw={"maxlength": 16})
    effect_actual_text = TextAreaField(_l("Actual: what changed"), filters=[_strip],
                                       render_kw={"maxlength": MAX_EFFECT_TEXT, "rows": 2})

    def set_choices(self) -> None:
        from flask_babel import gettext

        self.satisfaction_kind.choices = [(k.value, gettext(label)) for k, label in SATISFACTION_LABELS.items()]

    def fill(self, kpis: Kpis) -> None:
        for name in ("engaged_target", "engaged_actual", "benefited_target", "benefited_actual",
                     "satisfaction_kind", "effect_unit", "effect_target_text", "effect_actual_text"):
            getattr(self, name).data = getattr(kpis, name)
        for name in ("satisfaction_target", "satisfaction_actual"):
            getattr(self, name).data = _typed(as_decimal(getattr(kpis, name), kpis.satisfaction_kind))
        for name in ("effect_target_number", "effect_actual_number"):
            getattr(self, name).data = _typed(as_decimal(getattr(kpis, name), "effect"))

    def values(self, message) -> Kpis | None:
        """The typed KPIs, or None with each unreadable number's error (`message(refusal)`) on its field."""
        parsed, ok = {}, True
        for name in ("satisfaction_target", "satisfaction_actual", "effect_target_number", "effect_actual_number"):
            if name.startswith("satisfaction"):
                value, refusal = parse_satisfaction(self.satisfaction_kind.data, getattr(self, name).data, name)
            else:
                value, refusal = parse_effect_number(getattr(self, name).data, name)
            if refusal is not None:
                getattr(self, name).errors = [*getattr(self, name).errors, message(refusal)]
                ok = False
            parsed[name] = value
        if not ok:
            return None
        return Kpis(engaged_target=self.engaged_target.data, engaged_actual=self.engaged_actual.data,
                    benefited_target=self.benefited_target.data, benefited_actual=self.benefited_actual.data,
                    satisfaction_kind=self.satisfaction_kind.data or "", effect_unit=self.effect_unit.data or "",
                    effect_target_text=self.effect_target_text.data or "",
                    effect_actual_text=self.effect_actual_text.data or "", **parsed)


def _typed(value) -> str:
    # What a person would type back: "4.2", "80", "1.5"; the field is plain text, so no locale.
    return "" if value is None else format(value.normalize(), "f")
