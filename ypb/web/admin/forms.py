from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ypb.domain.roles import Role

ROLE_LABELS = {
    Role.YOUTH: _l("Young person"),
    Role.SECRETARY: _l("Secretary (youth coordinator)"),
    Role.COUNCIL: _l("Council member"),
    Role.ADMIN: _l("Administrator"),
}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])


class TwoFactorRequirementForm(FlaskForm):
    required = BooleanField(_l("Require two-step sign-in for secretaries and administrators"))


class TwoFactorResetForm(FlaskForm):
    confirm = BooleanField(_l("I checked who is asking (in person or by a known phone number)"),
                           validators=[DataRequired()])
