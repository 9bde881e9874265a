from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ypb.domain.passwords import MAX_LENGTH, MIN_LENGTH


class YearField(IntegerField):
    """An integer field whose "not a number" message speaks plainly."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter your birth year, for example 2009.")) from None


class SignUpForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        description=_l("Shown next to what you write. A first name or a nickname is fine."),
        validators=[DataRequired(_l("Tell us what to call you.")), Length(max=80)],
    )
    username = StringField(
        _l("Username"),
        description=_l("You sign in with it. Letters, digits, dots, dashes or underscores."),
        validators=[DataRequired(_l("Choose a username.")), Length(min=3, max=30)],
    )
    email = EmailField(
        _l("E-mail (optional)"),
        description=_l("Only to reset your password. You can leave it empty."),
        validators=[Optional(), Email(_l("This does not look like an e-mail address.")),
                    Length(max=254)],
    )
    birth_year = YearField(
        _l("Birth year"),
        description=_l("Only the year, to check which votes you can take part in."),
        validators=[InputRequired(_l("Enter your birth year, for example 2009.")),
                    NumberRange(min=1900, max=2200, message=_l("Enter a year like 2009."))],
    )
    resident = BooleanField(_l("I live in this municipality"))
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters. A few random words work well."),
        validators=[DataRequired(_l("Choose a password.")),
                    Length(min=MIN_LENGTH, max=MAX_LENGTH,
                           message=_l("Use between %(min)d and %(max)d characters."))],
    )


class LoginForm(FlaskForm):
    login = StringField(_l("Username or e-mail"),
                        validators=[DataRequired(_l("Enter your username."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class LogoutForm(FlaskForm):
    """Empty: it exists for its CSRF token (signing out is a POST)."""


class CodeForm(FlaskForm):
    """The code from the authenticator app, or a recovery code."""

    code = StringField(_l("Code"), description=_l("6 digits from your app, or a recovery code."),
                       validators=[DataRequired(_l("Enter the code."))])


class EnableTwoFactorForm(FlaskForm):
    code = StringField(_l("Code from the app"), validators=[DataRequired(_l("Enter the code."))])


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    code = StringField(_l("Code"), description=_l("6 digits from your app, or a recovery code."),
                       validators=[DataRequired(_l("Enter the code."))])
