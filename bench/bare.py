"""A measuring stick, not product code: the rubrique Paiements written by hand, without the ORM and without the
template engine, to measure the least this stack (Django's request cycle, psycopg, PostgreSQL) can spend on
that page. Routed only under bench.settings (bench/urls.py), requested by bench/load_bench.py beside the real
page and the floor.

It does what the real page must do, in as many statements (reading only the columns it shows): the access check of
the day (habilitation, convention, CAFs — HAB-2, CONS-5), the dossier opened by this session and within scope, its
persons, the payments of the 12 months before the request (CONS-8), the journal line chained under the chain's lock
and committed before the answer (JRN-2, JRN-5), and an HTML page of the same content. It skips what the real page
adds around that (the search form, the rubrique tabs by profile, the month navigation, the error paths).
"""

import datetime as dt
import json
from decimal import Decimal

from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.utils import timezone
from django.utils.html import escape

from allocataires.enums import PaymentPeriodMode
from allocataires.periods import month_label, payment_period
from allocataires.views import OPENED
from habilitations.decorators import session_required
from habilitations.enums import HabilitationStatus, JournalEvent
from habilitations.journal import chain_hash, lock_chain
from habilitations.models import JournalEntry
from habilitations.network import client_ip

ACCESS = """
SELECT p.grants, c.baj_id FROM habilitations_habilitation h
JOIN habilitations_profile p ON p.id = h.profile_id JOIN conventions_convention c ON c.id = h.convention_id
WHERE h.user_id = %s AND h.status = %s AND (h.ends_on IS NULL OR h.ends_on > %s)
  AND c.starts_on <= %s AND (c.ends_on IS NULL OR c.ends_on > %s)
ORDER BY h.id"""
CAFS = """
SELECT DISTINCT caf_id FROM conventions_convention
WHERE baj_id = ANY(%s) AND starts_on <= %s AND (ends_on IS NULL OR ends_on > %s)"""
DOSSIER = """
SELECT d.number, d.caf_id, f.name FROM allocataires_dossier d JOIN conventions_caf f ON f.id = d.caf_id
WHERE d.id = %s AND d.caf_id = ANY(%s)"""
PERSONS = "SELECT role, last_name, first_name FROM allocataires_person WHERE dossier_id = %s"
PAYMENTS = """
SELECT paid_on, amount FROM allocataires_payment WHERE dossier_id = %s AND paid_on >= %s AND paid_on < %s
ORDER BY paid_on, benefit, period"""
LAST_HASH = "SELECT hash FROM habilitations_journalentry ORDER BY id DESC LIMIT 1"
INSERT = """
INSERT INTO habilitations_journalentry (occurred_at, event, identifier_typed, user_id, source_ip, user_agent,
  detail, caf_id, allocataire_number, rubrique, period, hash)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""


def euros(amount):
    return f"{amount:,.2f} €".replace(",", " ").replace(".", ",")


@session_required
def paiements(request, pk):
    day = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(ACCESS, [request.user.pk, HabilitationStatus.ACTIVE, day, day, day])
        habilitations = cursor.fetchall()
        if not habilitations or not json.loads(habilitations[0][0]).get("paiements"):  # Django reads jsonb as text
            return HttpResponseForbidden()
        cursor.execute(CAFS, [[baj for _, baj in habilitations], day, day])
        cafs = [caf for (caf,) in cursor.fetchall()]
        if pk not in request.session.get(OPENED, []):
            return HttpResponseNotFound()
        cursor.execute(DOSSIER, [pk, cafs])
        dossier = cursor.fetchone()
        if dossier is None:
            return HttpResponseNotFound()
        number, caf_id, caf_name = dossier
        cursor.execute(PERSONS, [pk])
        persons = sorted(cursor.fetchall())
        period = payment_period(day, PaymentPeriodMode.DOUZE_MOIS, day)
        cursor.execute(PAYMENTS, [pk, period.first, period.end])
        months = {month: Decimal(0) for month in period.months}
        for paid_on, amount in cursor.fetchall():
            months[paid_on.replace(day=1)] += amount
    entry = JournalEntry(
        occurred_at=timezone.now(),
        event=JournalEvent.CONSULTATION,
        identifier_typed=request.user.identifier,
        user_id=request.user.pk,
        source_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        caf_id=caf_id,
        allocataire_number=number,
        rubrique="paiements",
        period=period.journal_label(),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        lock_chain()
        cursor.execute(LAST_HASH)
        last = cursor.fetchone()
        entry.hash = chain_hash(last[0] if last else "", entry)
        fields = ["occurred_at", "event", "identifier_typed", "user_id", "source_ip", "user_agent", "detail"]
        fields += ["caf_id", "allocataire_number", "rubrique", "period", "hash"]
        cursor.execute(INSERT, [getattr(entry, name) for name in fields])
    return HttpResponse(page(number, caf_name, persons, months, period))


def page(number, caf_name, persons, months, period):
    rows, cumulative = [], Decimal(0)
    for month, total in months.items():
        cumulative += total
        rows.append(
            f'<tr><th scope="row">{escape(month_label(month))}</th><td class="number">{euros(total)}</td>'
            f'<td class="number">{euros(cumulative)}</td></tr>'
        )
    people = "".join(f"<li>{escape(role)} {escape(last)} {escape(first)}</li>" for role, last, first in persons)
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Dossier {escape(number)} : Paiements — CAFPRO</title>
<link rel="stylesheet" href="/static/css/cafpro.css"></head>
<body><header class="header"><p class="header__title">CAFPRO — consultation des dossiers allocataires</p>
<p>{escape(caf_name)}</p></header>
<main id="contenu" class="main"><h1>Dossier {escape(number)} : Paiements</h1>
<div class="dossier-header"><p>N° d'allocataire <strong>{escape(number)}</strong> — {escape(caf_name)}</p>
<ul>{people}</ul></div>
<section class="rubrique"><h2>Paiements AAH, complément de ressources AAH, majoration pour la vie autonome</h2>
<p>Demande d'aide juridictionnelle du <strong>{period.request_date:%d/%m/%Y}</strong>.</p>
<table class="table"><caption>Montants payés mois par mois, avec cumul</caption>
<thead><tr><th scope="col">Mois de paiement</th><th scope="col">Montant payé</th><th scope="col">Cumul</th></tr>
</thead><tbody>{"".join(rows)}</tbody>
<tfoot><tr><th scope="row">Montant total payé sur la période</th><td>{euros(cumulative)}</td><td></td></tr></tfoot>
</table></section></main>
<footer class="footer"><p>Édité le {dt.datetime.now():%d/%m/%Y à %H:%M}</p></footer></body></html>"""
