"""French words for counts: « 1 blocage », « 3 blocages » — never « blocage(s) »."""


def count(number, singular, plural=None):
    """`number` and its noun, singular for 0 and 1 as French has it."""
    return f"{number} {singular if abs(number) < 2 else plural or singular + 's'}"
