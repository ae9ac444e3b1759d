"""Form fields every app's forms share."""

from django import forms

from core.dates import DATE_VALIDATORS


class DateField(forms.DateField):
    """A date a person would type: from 1900 to 2099, or a French message (CONS-15: no arithmetic on year 1 or
    year 9999 further on)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += DATE_VALIDATORS
