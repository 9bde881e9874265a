"""Form fields several areas share."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from ypb.domain.money import parse_amount, too_large
from ypb.web.i18n import amount_for_input


class AmountField(StringField):
    """Money typed the way people write it ('1 500,50'); `.data` is integer minor units."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            return
        self.data = parse_amount(self.raw)
        if self.data is None:
            if too_large(self.raw):
                raise ValueError(_l("This amount is too large."))
            raise ValueError(_l("Enter an amount like 1500 or 1500.50."))

    def _value(self):
        if getattr(self, "raw", None) is not None and self.data is None:
            return self.raw
        return amount_for_input(self.data)
