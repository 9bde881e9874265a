from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    """The printed voting code; the QR code on the sheet pre-fills it."""

    code = StringField(
        _l("Your voting code"),
        description=_l("It is on your paper. Small letters, spaces and dashes are fine."),
        validators=[DataRequired(_l("Type the code from your paper.")), Length(max=40)],
        # Codes are not words: no capital-letter fixes, spelling marks or saved guesses.
        render_kw={"autocapitalize": "characters", "autocorrect": "off", "spellcheck": "false"},
    )
