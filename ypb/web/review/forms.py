"""Forms of the municipality's screens: feasibility note, review decision, moderation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ypb.models import Verdict
from ypb.services.review import MAX_REF, Decision
from ypb.web.fields import AmountField

# Plain words for the stored values, also used on the review screen.
VERDICT_LABELS = {
    Verdict.FEASIBLE.value: _l("Feasible: the municipality can do this"),
    Verdict.NEEDS_CHANGE.value: _l("Needs changes first"),
    Verdict.NOT_FEASIBLE.value: _l("Not feasible"),
}
VERDICT_SHORT = {
    Verdict.FEASIBLE.value: _l("Feasible"),
    Verdict.NEEDS_CHANGE.value: _l("Needs changes"),
    Verdict.NOT_FEASIBLE.value: _l("Not feasible"),
}
DECISION_LABELS = {
    Decision.APPROVE.value: _l("Approve: it goes on the ballot"),
    Decision.MERGE.value: _l("Merge it into another proposal"),
    Decision.REJECT.value: _l("Reject it"),
}

MAX_NOTE = 10_000
MAX_MODERATION_REASON = 500  # comments.hidden_reason is a String(500)


def _optional_id(value):
    """'' (nothing chosen) → None; a number → int; anything else is an error."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(_l("Choose a proposal from the list.")) from None


class FeasibilityForm(FlaskForm):
    verdict = RadioField(
        _l("Can the municipality do it?"),
        choices=[SelectChoice(v, label) for v, label in VERDICT_LABELS.items()],
        # Nothing chosen is an "invalid choice" to WTForms: one message covers both.
        invalid_choice_message=_l("Choose one of the three answers."),
    )
    municipal_cost = AmountField(
        _l("The municipality's cost estimate (optional)"),
        description=_l("What it would really cost, if different from the author's estimate. "
                       "For example 12000 or 12 000,50."),
    )
    reason = TextAreaField(
        _l("Why"),
        description=_l("Published on the proposal so the author knows what to change. "
                       "You can use Markdown, like **bold** or lists."),
        validators=[DataRequired(_l("Explain the assessment, so the author knows what to change.")),
                    Length(max=MAX_NOTE, message=_l("Keep it under %(max)d characters."))],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("What happens to this proposal?"),
        choices=[SelectChoice(v, label) for v, label in DECISION_LABELS.items()],
        invalid_choice_message=_l("Choose approve, merge or reject."),
    )
    final_cost = AmountField(
        _l("Final cost"),
        description=_l("Needed to approve: the cost shown on the ballot. Filled in with the "
                       "municipality's estimate, or the author's if there is none."),
    )
    merged_into_id = SelectField(
        _l("Merge into"),
        description=_l("Only for a merge: the proposal this one becomes part of."),
        coerce=_optional_id, validate_choice=False,
    )
    reason = TextAreaField(
        _l("Public reason"),
        description=_l("Published on the proposal for everyone to read. Needed to reject; "
                       "optional otherwise."),
        validators=[Length(max=MAX_NOTE, message=_l("Keep it under %(max)d characters."))],
    )
    council_decision_ref = StringField(
        _l("Council decision (optional)"),
        description=_l("A reference to the council decision behind this, e.g. \"Meeting 12 March, "
                       "item 4\"."),
        validators=[Optional(), Length(max=MAX_REF, message=_l("Keep it under %(max)d characters."))],
    )


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason for hiding"),
        description=_l("Shown to everyone in place of the comment."),
        validators=[DataRequired(_l("Give a reason: it is shown in place of the comment.")),
                    Length(max=MAX_MODERATION_REASON,
                           message=_l("Keep it under %(max)d characters."))],
    )
    next = HiddenField()


class RestoreForm(FlaskForm):
    reason = StringField(
        _l("Note (optional)"),
        validators=[Optional(), Length(max=MAX_MODERATION_REASON,
                                       message=_l("Keep it under %(max)d characters."))],
    )
    next = HiddenField()
