"""CSV exports, for a spreadsheet in French: `;` between cells, UTF-8 with its byte-order mark (so that Excel reads
« événement », not « Ã©vÃ©nement »), streamed row by row (millions of journal lines never sit in memory), and no
cell a spreadsheet would run as a formula (AUD-4, OWASP "CSV injection")."""

import csv

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralized(value):
    """A cell as text; one that starts like a formula is prefixed with an apostrophe, shown as typed."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_response(header, rows, filename):
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralized(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
