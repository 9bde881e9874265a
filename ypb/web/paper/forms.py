"""Forms: a batch of paper ballots, the census upload, the "list required" switch, and
the voter's number."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ypb.services.paper import MAX_LABEL, MAX_NUMBER

MAX_CSV_BYTES = 1024 * 1024


class NumberField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a whole number, for example 7.")) from None


class BatchForm(FlaskForm):
    number = NumberField(
        _l("Batch number"),
        description=_l("The number written on the bundle of ballots."),
        validators=[InputRequired(_l("Enter the batch number.")),
                    NumberRange(min=1, max=MAX_NUMBER, message=_l("Enter a number from 1 to %(max)s.",
                                                                  max=MAX_NUMBER))],
    )
    label = StringField(
        _l("Where the ballots come from (optional)"),
        description=_l("For example: School 5, ballot box 2."),
        validators=[Optional(), Length(max=MAX_LABEL)],
    )
    budget_id = SelectField(_l("Budget"), coerce=int, validate_choice=False)
    ballots = TextAreaField(_l("Ballots, one line each"))

    def __init__(self, *args, budgets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_id.choices = [(b.id, b.name) for b in budgets if b.id is not None]

    def validate_ballots(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Type the ballots, one line for each ballot."))


class DeleteForm(FlaskForm):
    pass


class UploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        description=_l("From a spreadsheet: “Save as” CSV. Only the first column is read."),
        validators=[FileSize(MAX_CSV_BYTES, message=_l("The file is too large: at most 1 MB."))],
    )
    csv_text = TextAreaField(
        _l("Or paste the list"),
        description=_l("One identifier per line, for example a student number."),
    )
    skip_header = BooleanField(_l("The first line is a heading, not an identifier"))

    def validate_csv_text(self, field):
        if not self.file.data and not (field.data or "").strip():
            raise ValidationError(_l("Choose a CSV file or paste the list."))


class RequiredForm(FlaskForm):
    required = BooleanField(_l("Only people on this list may vote"))


class ClaimForm(FlaskForm):
    identifier = StringField(
        _l("Your number"),
        description=_l("The number you were given for this vote, for example your student number."),
        validators=[InputRequired(_l("Type your number.")), Length(max=200)],
    )
