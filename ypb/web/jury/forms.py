"""Forms of the jury pages: a criterion, removing one, and the CSRF token of a scoring form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ypb.domain.competition import MAX_DESCRIPTION, MAX_TITLE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CriterionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l("A few words, for example Innovation or Benefit for young people."),
        filters=[_strip],
        validators=[DataRequired(_l("Give the criterion a short title.")),
                    Length(max=MAX_TITLE, message=_l("Keep the title under %(max)s characters.", max=MAX_TITLE))],
    )
    description = TextAreaField(
        _l("What the jury looks at (optional)"),
        description=_l("One or two sentences, for example: Is the idea new for our town?"),
        filters=[_strip],
        validators=[Length(max=MAX_DESCRIPTION,
                           message=_l("Keep the description under %(max)s characters.", max=MAX_DESCRIPTION))],
    )


class RemoveCriterionForm(FlaskForm):
    """Its CSRF token only: the criterion is in the address."""


class ScoreForm(FlaskForm):
    """Its CSRF token; the scores come as score_<criterion id> radio buttons."""
