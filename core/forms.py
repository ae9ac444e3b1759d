"""Form fields every app's forms share."""

from django import forms

from core.dates import DATE_VALIDATORS

ISO_DATE = "%Y-%m-%d"


class DateField(forms.DateField):
    """A date a person would type: from 1900 to 2099, or a French message (CONS-15: no arithmetic on year 1 or
    year 9999 further on). Shown in a browser's date picker (`type="date"`), its value is written in ISO 8601 —
    the only value such an input accepts: a French « 06/12/2026 » leaves it empty (#24)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if "date" in (self.widget.input_type, self.widget.attrs.get("type")):
            self.widget.format = ISO_DATE
        self.validators += DATE_VALIDATORS
