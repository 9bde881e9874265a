"""Forms of the secretary's vote pages: ballot settings, making and revoking codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ypb.domain.ballot import BALLOT_TYPE_LABELS, BallotType
from ypb.domain.explain import RULE_NAMES
from ypb.domain.money import parse_amount
from ypb.services.voting import MAX_TALLY_THRESHOLD, BallotSettings
from ypb.web.cycles.forms import WholeNumberField
from ypb.web.i18n import amount_for_input

# One sheet is rendered in one response; 1000 codes is a big school and a few seconds of work.
MAX_CODES_PER_SHEET = 1000
MAX_LABEL = 120
MAX_BUDGET_NAME = 120

# What each ballot type means for a voter, next to its radio button.
TYPE_EXPLAINED = {
    BallotType.APPROVAL: _l("Voters tick the projects they like. Each ticked project gets one vote."),
    BallotType.KNAPSACK: _l("Voters pick projects whose costs together fit in the budget, like "
                            "filling a shopping basket with a fixed amount of money."),
    BallotType.CUMULATIVE: _l("Voters get a number of points and share them out: more points for "
                              "the projects they like most."),
}

BUDGET_CHOICES = {
    "one": _l("Each voter picks one budget and votes only in it"),
    "each": _l("Each voter votes in every budget"),
}

# One line on each counting rule, next to its radio button (the results page explains it in full).
RULE_HINTS = {
    "greedy": _l("The projects with the most votes are funded, one after another, while the money lasts."),
    "mes-add1": _l("Each voter gets an equal share of the budget; a project is funded when its supporters can "
                   "pay for it together. Smaller groups of voters also get projects."),
    "mes-add1-compare": _l("Equal Shares, but the most-votes result is used instead if more voters prefer it."),
    "competition": _l("A jury of council members scores the projects on published criteria; the jury's "
                      "scores and the votes together decide the order in which projects are funded."),
}

SCOPE_EXPLAINED = {
    "all": _l("People who voted with them can no longer change their vote."),
}

NO_LABEL = "none"  # the revoke form's value for codes made without a label


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BallotSettingsForm(FlaskForm):
    ballot_type = RadioField(
        _l("How do people vote?"),
        choices=[SelectChoice(t.value, _l(BALLOT_TYPE_LABELS[t])) for t in BallotType],
        invalid_choice_message=_l("Choose one of the three ways to vote."),
    )
    min_choices = WholeNumberField(
        _l("Fewest projects a voter must choose"), default=1,
        description=_l("0 lets people hand in an empty ballot on purpose."),
        validators=[InputRequired(_l("Enter a number, for example 1.")),
                    NumberRange(max=1000, message=_l("Enter a smaller number."))],
    )
    max_choices = WholeNumberField(
        _l("Most projects a voter may choose"),
        description=_l("Leave it empty for no limit."),
        validators=[Optional(), NumberRange(max=1000, message=_l("Enter a smaller number."))],
    )
    min_share_percent = WholeNumberField(
        _l("Smallest share of the budget to use, in percent"), default=0,
        description=_l("For example 50: the projects a voter picks must cost at least half of the "
                       "budget. 0 means no minimum."),
        validators=[Optional()],
    )
    points_total = WholeNumberField(
        _l("Points each voter shares out"),
        description=_l("For example 10."),
        validators=[Optional(), NumberRange(max=10000, message=_l("Enter a smaller number."))],
    )
    max_points_per_project = WholeNumberField(
        _l("Most points one project can get"),
        description=_l("Leave it empty to allow all of a voter's points on one project."),
        validators=[Optional(), NumberRange(max=10000, message=_l("Enter a smaller number."))],
    )
    use_all_points = BooleanField(_l("Voters must use all their points"))
    budgets = TextAreaField(
        _l("Split into several budgets (optional)"),
        description=_l("Leave this empty for one budget of the whole amount. To split the money, "
                       "write one budget per line as name: amount, for example North school: 20000. "
                       "The amounts must add up to the total budget."),
    )
    budget_choice = RadioField(
        _l("With several budgets"),
        choices=[SelectChoice(value, text) for value, text in BUDGET_CHOICES.items()],
        description=_l("Only matters with two budgets or more."),
        default="one",
        invalid_choice_message=_l("Choose how people vote when there are several budgets."),
    )
    # Missing from a page made before the rule could be chosen: most votes first, the usual rule.
    tally_rule = RadioField(
        _l("How are the votes counted?"),
        choices=[SelectChoice(rule, _l(name)) for rule, name in RULE_NAMES.items()],
        default="greedy",
        invalid_choice_message=_l("Choose one of the counting rules."),
    )
    tally_threshold = WholeNumberField(
        _l("Fewest supporters a project needs"), default=0,
        description=_l("Only with “%(rule)s”: a project chosen by fewer voters is not funded. 0 means no minimum.",
                       rule=_l(RULE_NAMES["greedy"])),
        validators=[Optional(), NumberRange(min=0, max=MAX_TALLY_THRESHOLD,
                                            message=_l("Enter a number from 0 to %(max)s.", max=MAX_TALLY_THRESHOLD))],
    )

    jury_weight = WholeNumberField(
        _l("The jury's share of the combined score, in percent"), default=50,
        description=_l("Only with “%(rule)s”: the public vote counts for the rest. 50 means the jury and "
                       "the vote count the same; 100 means only the jury counts.", rule=_l(RULE_NAMES["competition"])),
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("Enter a number from 0 to 100."))],
    )

    def validate_budgets(self, field):
        self.budget_lines()  # raises with the first problem

    def budget_lines(self) -> list[tuple[str, int]]:
        """The typed budgets as (name, amount in minor units); [] for one budget of the whole amount."""
        found: list[tuple[str, int]] = []
        seen = set()
        for number, line in enumerate((self.budgets.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, amount_text = line.rpartition(":")
            name = name.strip()
            if not colon or not name:
                raise ValidationError(_l("Line %(line)s: write the name, a colon and the amount, for "
                                         "example North school: 20000.", line=number))
            if len(name) > MAX_BUDGET_NAME:
                raise ValidationError(_l("Line %(line)s: keep the name under %(max)s characters.",
                                         line=number, max=MAX_BUDGET_NAME))
            amount = parse_amount(amount_text)
            if amount is None or amount < 1:
                raise ValidationError(_l("Line %(line)s: write an amount above zero after the colon, "
                                         "for example 20000 or 20 000,50.", line=number))
            if name.casefold() in seen:
                raise ValidationError(_l("Line %(line)s: two budgets can't have the same name.", line=number))
            seen.add(name.casefold())
            found.append((name, amount))
        if len(found) == 1:
            raise ValidationError(_l("Write two budgets or more, or leave this empty for one budget "
                                     "of the whole amount."))
        return found

    def fill_from(self, cycle) -> None:
        if cycle.ballot_type:
            self.ballot_type.data = cycle.ballot_type
        self.min_choices.data = cycle.min_choices
        self.max_choices.data = cycle.max_choices
        self.min_share_percent.data = cycle.min_share_percent
        self.points_total.data = cycle.points_total
        self.max_points_per_project.data = cycle.max_points_per_project
        self.use_all_points.data = cycle.use_all_points
        self.budget_choice.data = cycle.budget_choice or "one"
        self.budgets.data = "\n".join(f"{b.name}: {amount_for_input(b.amount)}" for b in cycle.budgets)
        self.tally_rule.data = cycle.tally_rule
        self.tally_threshold.data = cycle.tally_threshold
        self.jury_weight.data = cycle.jury_weight

    def to_settings(self) -> BallotSettings:
        kind = BallotType(self.ballot_type.data)
        cumulative = kind is BallotType.CUMULATIVE
        # Settings of the other types are dropped, so the stored cycle says only what applies.
        return BallotSettings(
            ballot_type=kind,
            min_choices=self.min_choices.data,
            max_choices=self.max_choices.data,
            min_share_percent=(self.min_share_percent.data or 0) if kind is BallotType.KNAPSACK else 0,
            points_total=self.points_total.data if cumulative else None,
            max_points_per_project=self.max_points_per_project.data if cumulative else None,
            use_all_points=bool(self.use_all_points.data) if cumulative else False,
            budget_choice=self.budget_choice.data,
            budgets=self.budget_lines() or None,
            tally_rule=self.tally_rule.data,
            # Only most votes first has a minimum; the other rules' value is dropped like the other types' settings.
            tally_threshold=(self.tally_threshold.data or 0) if self.tally_rule.data == "greedy" else 0,
            # Only a competition has a jury; left empty it keeps the stored share.
            jury_weight=self.jury_weight.data if self.tally_rule.data == "competition" else None,
        )


class GenerateCodesForm(FlaskForm):
    count = WholeNumberField(
        _l("How many codes?"),
        description=_l("One per person who will vote with a code. Up to %(max)s at a time.",
                       max=MAX_CODES_PER_SHEET),
        validators=[InputRequired(_l("Enter how many codes to make, for example 30.")),
                    NumberRange(min=1, max=MAX_CODES_PER_SHEET,
                                message=_l("Make between 1 and %(max)s codes at a time.", max=MAX_CODES_PER_SHEET))],
    )
    label = StringField(
        _l("Label (optional)"),
        description=_l("Printed on every code, for example a school or a class: Riverside school, 9B."),
        filters=[_strip],
        validators=[Length(max=MAX_LABEL, message=_l("Keep the label under %(max)s characters.", max=MAX_LABEL))],
    )


class CodesCsvForm(FlaskForm):
    """The sheet's download button: the codes come back as repeated `code` fields."""

    label = HiddenField()


class RevokeCodesForm(FlaskForm):
    # Not "label": the form to make codes on the same page has a field of that name (and id).
    revoke_label = SelectField(
        _l("Codes with the label"),
        validate_choice=True,
        invalid_choice_message=_l("Choose a label from the list."),
    )
    scope = RadioField(
        _l("Which codes?"),
        choices=[
            SelectChoice("unused", _l("Only codes nobody has voted with yet")),
            SelectChoice("all", _l("All of them, also codes already used")),
        ],
        default="unused",
        invalid_choice_message=_l("Choose which codes to revoke."),
    )
    confirm = BooleanField(
        _l("I understand: revoked codes stop working for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )

    def __init__(self, *args, labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.revoke_label.choices = [SelectChoice(label_value(label), label if label is not None
                                                  else _l("Codes without a label")) for label in labels]

    def chosen_label(self) -> str | None:
        value = self.revoke_label.data or ""
        return None if value == NO_LABEL else value.removeprefix("label:")


def label_value(label: str | None) -> str:
    # A prefix keeps a label that happens to read "none" apart from codes without a label.
    return NO_LABEL if label is None else f"label:{label}"


class PlacementForm(FlaskForm):
    """Its CSRF token; the budget of each project comes as budget_<proposal id> fields."""
