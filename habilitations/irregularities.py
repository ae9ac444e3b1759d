"""JRN-4: the irregularities a CAF security officer looks for in the journal of their CAF, rule by rule, each
with its threshold (settings.CAFPRO_IRREGULARITIES). Every finding links to the journal lines behind it."""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.words import count
from journal.enums import JournalEvent

RULES = {
    "failures_per_identifier": "Échecs de connexion répétés sur un identifiant",
    "failures_per_address": "Échecs de connexion répétés depuis une adresse",
    "unknown_identifiers": "Identifiants inconnus essayés depuis une adresse",
    "off_hours": "Consultations hors des heures ouvrées, le week-end ou un jour férié",
    "volume": "Volume de consultations très supérieur à l'habitude",
    "many_dossiers": "Nombreux dossiers distincts en peu de temps",
    "refused": "Consultations refusées (dossier introuvable ou hors convention)",
    "new_address": "Connexion depuis une adresse jamais vue pour cet utilisateur",
    "file_many_dossiers": "Un même dossier d'aide juridictionnelle pour de nombreux allocataires",
    "dossier_many_files": "De nombreux dossiers d'aide juridictionnelle pour un même allocataire",
}


@dataclass
class Finding:
    rule: str
    subject: str
    count: int
    detail: str
    filters: dict = field(default_factory=dict)  # the journal filters that show its lines
    user_id: int | None = None

    @property
    def label(self):
        return RULES[self.rule]


def threshold(name):
    return settings.CAFPRO_IRREGULARITIES[name]


def easter(year):
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def public_holidays(year):
    """The French public holidays (metropolitan France)."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [sunday + dt.timedelta(days=1), sunday + dt.timedelta(days=39), sunday + dt.timedelta(days=50)]
    return {dt.date(year, m, d) for m, d in fixed} | set(moving)


def outside_working_hours(moment):
    local = timezone.localtime(moment)
    start, end = settings.CAFPRO_IRREGULARITIES["working_hours"]
    return local.weekday() >= 5 or local.date() in public_holidays(local.year) or not start <= local.hour < end


def _journal_filters(start, end, **extra):
    return {"du": f"{start:%Y-%m-%d}", "au": f"{(end - dt.timedelta(days=1)):%Y-%m-%d}", **extra}


def find(journal, start, end, unknown=None):
    """The findings on `journal` (a queryset already scoped to the officer) for the days [start, end) — `start`
    and `end` are dates, in the portal's time zone. `unknown`: the attempts on unknown identifiers, counted per
    source address only (AUD-2: their typed text is not the officer's to see)."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    until = timezone.make_aware(dt.datetime.combine(end, dt.time()))
    period = journal.filter(occurred_at__gte=since, occurred_at__lt=until)
    unknown = journal.unknown_identifiers() if unknown is None else unknown
    findings = []
    failure_events = [JournalEvent.LOGIN_FAILURE, JournalEvent.LOCKED_OUT_ATTEMPT, JournalEvent.SECOND_FACTOR_FAILURE]
    failures = period.filter(event__in=failure_events)
    by_address = (journal | unknown).filter(occurred_at__gte=since, occurred_at__lt=until, event__in=failure_events)

    for row in (
        failures.values("identifier_typed").annotate(n=Count("pk")).filter(n__gte=threshold("failures_per_identifier"))
    ):
        lockouts = period.filter(event=JournalEvent.LOCKOUT, identifier_typed=row["identifier_typed"]).count()
        findings.append(
            Finding(
                "failures_per_identifier",
                row["identifier_typed"],
                row["n"],
                f"{count(row['n'], 'échec')}, {count(lockouts, 'blocage')}",
                _journal_filters(start, end, identifiant=row["identifier_typed"]),
            )
        )
    for row in (
        by_address.exclude(source_ip=None)
        .values("source_ip")
        .annotate(n=Count("pk"))
        .filter(n__gte=threshold("failures_per_address"))
    ):
        findings.append(
            Finding(
                "failures_per_address",
                row["source_ip"],
                row["n"],
                f"{row['n']} échecs",
                _journal_filters(start, end, adresse=row["source_ip"]),
            )
        )
    unknown = by_address.filter(user__isnull=True, caf__isnull=True).exclude(source_ip=None)
    for row in (
        unknown.values("source_ip")
        .annotate(n=Count("identifier_typed", distinct=True))
        .filter(n__gte=threshold("unknown_identifiers"))
    ):
        findings.append(
            Finding(
                "unknown_identifiers",
                row["source_ip"],
                row["n"],
                f"{row['n']} identifiants inconnus",
                _journal_filters(start, end, adresse=row["source_ip"], evenement=JournalEvent.LOGIN_FAILURE),
            )
        )

    consultations = list(
        period.filter(event=JournalEvent.CONSULTATION, user__isnull=False)
        .values_list("user_id", "user__identifier", "occurred_at", "allocataire_number")
        .order_by("occurred_at")
    )
    off_hours = Counter(
        (user_id, identifier) for user_id, identifier, moment, _ in consultations if outside_working_hours(moment)
    )
    for (user_id, identifier), n in off_hours.items():
        if n >= threshold("off_hours"):
            findings.append(
                Finding(
                    "off_hours",
                    identifier,
                    n,
                    f"{count(n, 'consultation')} hors des heures ouvrées",
                    _journal_filters(start, end, utilisateur=identifier, evenement=JournalEvent.CONSULTATION),
                    user_id,
                )
            )

    findings += _volume(journal, consultations, start, end, since)
    findings += _many_dossiers(consultations, start, end)

    refused = period.filter(event=JournalEvent.CONSULTATION_REFUSED, user__isnull=False)
    for row in (
        refused.values("user_id", "user__identifier").annotate(n=Count("pk")).filter(n__gte=threshold("refused"))
    ):
        findings.append(
            Finding(
                "refused",
                row["user__identifier"],
                row["n"],
                count(row["n"], "consultation refusée", "consultations refusées"),
                _journal_filters(
                    start, end, utilisateur=row["user__identifier"], evenement=JournalEvent.CONSULTATION_REFUSED
                ),
                row["user_id"],
            )
        )

    findings += _new_addresses(journal, period, start, end, since)
    findings += _legal_aid_files(period, start, end)
    return findings


def _legal_aid_files(period, start, end):
    """PUR-3: in one day, one legal-aid file number stated for more allocataires than a file concerns
    (CAFPRO_IRR_FILE_DOSSIERS, 5), or one allocataire consulted for more files than usual
    (CAFPRO_IRR_DOSSIER_FILES, 3). Counted by the database."""
    consultations = (
        period.filter(event__in=[JournalEvent.CONSULTATION, JournalEvent.EDITION])
        .exclude(legal_aid_file="")
        .annotate(day=TruncDate("occurred_at"))
        .order_by()
    )
    findings = []
    rules = [
        ("file_many_dossiers", "legal_aid_file", "allocataire_number", "file_dossiers", "allocataires"),
        (
            "dossier_many_files",
            "allocataire_number",
            "legal_aid_file",
            "dossier_files",
            "dossiers d'aide juridictionnelle",
        ),
    ]
    for rule, subject, counted, setting, what in rules:
        rows = (
            consultations.values(subject, "day")
            .annotate(n=Count(counted, distinct=True))
            .filter(n__gt=threshold(setting))
            .order_by("day", subject)
        )
        for row in rows:
            day = row["day"]
            findings.append(
                Finding(
                    rule,
                    row[subject],
                    row["n"],
                    f"{row['n']} {what} distincts le {day:%d/%m/%Y}",
                    _journal_filters(
                        day,
                        day + dt.timedelta(days=1),
                        **(
                            {"dossier_aj": row[subject]}
                            if subject == "legal_aid_file"
                            else {"allocataire": row[subject]}
                        ),
                    ),
                )
            )
    return findings


def _volume(journal, consultations, start, end, since):
    """A user's consultations in the period far above their own usual (the daily median of the previous
    30 days) and above the usual of the CAF's users in the period."""
    factor, floor = threshold("volume_factor"), threshold("volume_floor")
    days = max((end - start).days, 1)
    per_user = Counter((user_id, identifier) for user_id, identifier, _, _ in consultations)
    if not per_user:
        return []
    peers = statistics.median(per_user.values())
    history = defaultdict(Counter)
    before = (  # counted per user and local day by the database: years of journal stay in the database
        journal.filter(
            event=JournalEvent.CONSULTATION, occurred_at__gte=since - dt.timedelta(days=30), occurred_at__lt=since
        )
        .annotate(day=TruncDate("occurred_at"))
        .order_by()
        .values_list("user_id", "day")
        .annotate(n=Count("pk"))
    )
    for user_id, day, n in before:
        history[user_id][day] = n
    findings = []
    for (user_id, identifier), n in per_user.items():
        usual = (
            statistics.median([history[user_id].get(since.date() - dt.timedelta(days=i), 0) for i in range(1, 31)])
            * days
        )
        if n >= floor and n > factor * usual and n > factor * peers:
            findings.append(
                Finding(
                    "volume",
                    identifier,
                    n,
                    f"{n} consultations (habituellement {usual:.0f} sur une telle période, "
                    f"{peers:.0f} pour les autres utilisateurs)",
                    _journal_filters(start, end, utilisateur=identifier, evenement=JournalEvent.CONSULTATION),
                    user_id,
                )
            )
    return findings


def _many_dossiers(consultations, start, end):
    """Many distinct dossiers consulted by one user within a sliding window (default: 20 in one hour)."""
    limit, window = threshold("many_dossiers"), dt.timedelta(minutes=threshold("many_dossiers_minutes"))
    by_user = defaultdict(list)
    for user_id, identifier, moment, number in consultations:
        by_user[(user_id, identifier)].append((moment, number))
    findings = []
    for (user_id, identifier), rows in by_user.items():
        best, left, inside = 0, 0, Counter()  # inside: the dossiers of the window, with their consultations
        for moment, number in rows:
            inside[number] += 1
            while moment - rows[left][0] > window:
                inside[rows[left][1]] -= 1
                if not inside[rows[left][1]]:
                    del inside[rows[left][1]]
                left += 1
            best = max(best, len(inside))
        if best >= limit:
            findings.append(
                Finding(
                    "many_dossiers",
                    identifier,
                    best,
                    f"{best} dossiers distincts en {window.seconds // 60} minutes",
                    _journal_filters(start, end, utilisateur=identifier, evenement=JournalEvent.CONSULTATION),
                    user_id,
                )
            )
    return findings


def _new_addresses(journal, period, start, end, since):
    """A successful login from an address the user never logged in from in the previous 90 days (users
    without any earlier login are left out: everything is new for them)."""
    successes = period.filter(event=JournalEvent.LOGIN_SUCCESS, user__isnull=False).exclude(source_ip=None)
    logins = list(successes.values_list("user_id", "user__identifier", "source_ip").distinct())
    seen = defaultdict(set)  # the addresses of each of these users' logins in the previous 90 days: one query
    earlier = journal.filter(
        event=JournalEvent.LOGIN_SUCCESS,
        user_id__in={user_id for user_id, _, _ in logins},
        occurred_at__gte=since - dt.timedelta(days=90),
        occurred_at__lt=since,
    )
    for user_id, address in earlier.order_by().values_list("user_id", "source_ip").distinct():
        seen[user_id].add(address)
    findings = []
    for user_id, identifier, address in logins:
        if seen[user_id] and address not in seen[user_id]:
            findings.append(
                Finding(
                    "new_address",
                    identifier,
                    1,
                    f"connexion depuis {address}",
                    _journal_filters(start, end, utilisateur=identifier, adresse=address),
                    user_id,
                )
            )
    return findings
