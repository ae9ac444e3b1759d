"""CSV exports, for a spreadsheet in French: `;` between cells, UTF-8 with its byte-order mark (so that Excel reads
« événement », not « Ã©vÃ©nement »), streamed row by row (millions of journal lines never sit in memory), and no
cell a spreadsheet would run as a formula (AUD-4, OWASP "CSV injection"); identifiers keep their leading zeros;
dates and times are local (Europe/Paris) and to the second, in the French order that Excel reads as dates."""

import csv

from django.http import StreamingHttpResponse

from core.text import ascii_digits

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralized(value):
    """A cell as text; one that starts like a formula is prefixed with an apostrophe, shown as typed."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def as_text(value):
    """An identifier made of digits (« 03 », « 031 », « 0123456 ») kept as text by Excel, which would drop its
    leading zeros: `="031"`. A formula, but ours and constant — digits only, never what a user typed."""
    text = neutralized(value)
    return f'="{text}"' if ascii_digits(text) else text


def csv_response(header, rows, filename, text_columns=()):
    """`text_columns`: the indexes of the columns of identifiers (see `as_text`)."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(
                [as_text(value) if i in text_columns else neutralized(value) for i, value in enumerate(row)]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
