"""The survey's forms: the participant's answer, and the secretary's open and close buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired

from ypb.domain.surveys import MAX_COMMENT, RATING_LABELS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _rating(value):
    # Whatever was sent becomes a number or None; the service says what is wrong with it.
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AnswerForm(FlaskForm):
    rating = RadioField(_l("How happy are you with it?"), coerce=_rating, validate_choice=False,
                        validators=[InputRequired(_l("Choose a rating from 1 to 5."))])
    comment = TextAreaField(_l("Anything you want to tell the organisers? (optional)"), filters=[_strip],
                            render_kw={"maxlength": MAX_COMMENT, "rows": 4},
                            description=_l("Only the coordinator reads it. Please don't write names."))

    def set_choices(self) -> None:
        from flask_babel import gettext

        # Best first: on a phone the most common answers are the first thing under the thumb.
        self.rating.choices = [(r, gettext("%(rating)s – %(label)s", rating=r, label=gettext(label)))
                               for r, label in sorted(RATING_LABELS.items(), reverse=True)]


class ActionForm(FlaskForm):
    """A button that posts: open or close the survey (the CSRF token is its only field)."""
