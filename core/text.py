"""ROB-2: reading the digits people type."""

import re

ASCII_DIGITS = re.compile(r"[0-9]+")


def ascii_digits(value):
    """ROB-2: whether `value` is made of the digits 0 to 9 only. `str.isdigit()` also accepts « ² » or « ٣ »,
    which `int()` then refuses (a server error) or the database does not expect."""
    return bool(ASCII_DIGITS.fullmatch(str(value)))
