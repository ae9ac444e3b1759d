"""JRN-1, JRN-2, JRN-5: the access journal's lines and the seals that make it tamper-evident. The tables keep the
names they had in `habilitations` (moved here without touching the data, migration `journal/0001`)."""

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

from journal.enums import JournalEvent, LegalAidProcedure

_APPEND_SQL = {}  # (database alias, vendor) → the INSERT of a journal line


class AppendOnlyError(Exception):
    """JRN-5: the journal is append-only."""


class JournalEntryQuerySet(models.QuerySet):
    def append(self, entry):
        """JRN-7: inserts a new line by one statement, built once from the model's fields — without the ORM's
        save machinery, which costs twice the insert itself on a path every consultation takes."""
        connection = connections[self.db]
        fields = [field for field in self.model._meta.concrete_fields if not field.primary_key]
        key = (connection.alias, connection.vendor)
        if key not in _APPEND_SQL:
            names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
            marks = ", ".join(["%s"] * len(fields))
            returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
            _APPEND_SQL[key] = f"INSERT INTO {self.model._meta.db_table} ({names}) VALUES ({marks}){returning}"
        values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(_APPEND_SQL[key], values)
            returned = connection.features.can_return_columns_from_insert
            entry.pk = cursor.fetchone()[0] if returned else cursor.lastrowid
        entry._state.adding, entry._state.db = False, self.db
        return entry

    def update(self, **kwargs):
        raise AppendOnlyError("Le journal des accès ne se modifie pas.")

    def delete(self):
        raise AppendOnlyError("Le journal des accès ne se supprime pas (voir journal_purge).")

    def unknown_identifiers(self):
        """AUD-2: the attempts on identifiers matching no user, which no CAF owns: counted per source address for
        the CAFs' officers, never shown line by line (what was typed may be a password typed in the wrong box)."""
        return self.filter(caf__isnull=True, user__isnull=True)


class JournalEntry(models.Model):
    """JRN-1, JRN-2, JRN-5: one line of the access journal. Written only by `journal.services.journal_record`, in
    the transaction of the event it records — a plain insert, no lock (JRN-7); never updated, never deleted by the
    application (PostgreSQL: a trigger refuses it too), but for the sealer setting once its `seal` and its `hash`
    (the SHA-256 leaf of its canonical JSON in the seal's Merkle tree, `journal.proof.leaf_hash`). It holds no
    password and no session key."""

    occurred_at = models.DateTimeField("date et heure (UTC)", default=timezone.now, db_index=True)
    event = models.CharField("événement", max_length=24, choices=JournalEvent.choices)
    identifier_typed = models.CharField("identifiant saisi", max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_entries",
        verbose_name="utilisateur",
    )
    source_ip = models.GenericIPAddressField("adresse source", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    detail = models.CharField("précision", max_length=1000, blank=True)
    # JRN-2: what was consulted; for a connection, the CAF that issued the user's habilitation.
    caf = models.ForeignKey(
        "conventions.Caf", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="Caf"
    )
    allocataire_number = models.CharField("numéro d'allocataire", max_length=16, blank=True)
    rubrique = models.CharField("rubrique", max_length=16, blank=True)
    period = models.CharField("période", max_length=80, blank=True)
    # PUR-2: the legal-aid file the consultation instructs, as the greffier stated it.
    legal_aid_file = models.CharField("n° de dossier d'aide juridictionnelle", max_length=30, blank=True)
    procedure = models.CharField("procédure", max_length=24, choices=LegalAidProcedure.choices, blank=True)
    hash = models.CharField("empreinte", max_length=64, blank=True, editable=False)
    seal = models.ForeignKey(
        "JournalSeal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name="sceau",
        editable=False,
    )

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        db_table = "habilitations_journalentry"
        verbose_name = "ligne du journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-pk"]
        permissions = [
            (
                "view_national_journal",
                "Consulter les lignes du journal qui ne concernent aucune Caf (sécurité nationale)",
            )
        ]
        indexes = [
            models.Index(fields=["identifier_typed", "occurred_at"], name="journal_identifier_time"),
            models.Index(fields=["caf", "occurred_at"], name="journal_caf_time"),
            models.Index(fields=["caf", "-id"], name="journal_caf_id"),
            models.Index(fields=["user", "-id"], name="journal_user_id"),
            models.Index(
                fields=["legal_aid_file", "-id"], name="journal_legal_aid_file", condition=~models.Q(legal_aid_file="")
            ),
        ]

    def __str__(self):
        at = timezone.localtime(self.occurred_at)
        return f"{at:%d/%m/%Y %H:%M:%S} {self.get_event_display()} {self.identifier_typed}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Le journal des accès ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal des accès ne se supprime pas (voir journal_purge).")


class JournalSeal(models.Model):
    """JRN-5, JRN-8: a batch of journal lines sealed together by the sealer (`journal.integrity.seal_pending`): their
    count, range and RFC 6962 Merkle root, chained to the previous seal by that seal's hash (version 2; `hash` is
    this seal's, `journal.proof.seal_hash`). Version 1 seals, made before, were chained by an HMAC (`mac`) and keep
    verifying through their checkpoints. Written by the sealer alone; only the purge role may mark it purged, and
    only past the retention (the database refuses otherwise) — a mark the verifier never trusts: it reads the
    lines' absence against the signed checkpoints' times."""

    version = models.PositiveSmallIntegerField("version", default=2)
    number = models.PositiveBigIntegerField("numéro", unique=True)
    sealed_at = models.DateTimeField("scellé le")
    count = models.PositiveIntegerField("lignes")
    first_line = models.BigIntegerField("première ligne")
    last_line = models.BigIntegerField("dernière ligne")
    root = models.CharField("racine de Merkle", max_length=64)
    previous = models.CharField("sceau précédent", max_length=64, blank=True)
    hash = models.CharField("empreinte du sceau", max_length=64, blank=True)
    mac = models.CharField("sceau (HMAC, version 1)", max_length=64, blank=True)
    purged_at = models.DateTimeField("lignes purgées le", null=True, blank=True)

    class Meta:
        db_table = "habilitations_journalseal"
        verbose_name = "sceau du journal"
        verbose_name_plural = "sceaux du journal"
        ordering = ["-number"]

    def __str__(self):
        return f"Sceau n° {self.number} : {self.count} lignes ({self.first_line} à {self.last_line})"


class JournalCheckpoint(models.Model):
    """JRN-6, JRN-8: a signed checkpoint the sealer wrote to the witness, kept in the database too so that its
    trigger refuses a line dated before the newest anchor by more than the longest transaction. Append-only; the
    verifier never reads it (the witness's copy is the proof)."""

    seal = models.PositiveBigIntegerField("sceau ancré")
    seal_hash = models.CharField("empreinte du sceau", max_length=64)
    lines = models.PositiveBigIntegerField("lignes scellées")
    anchored_at = models.DateTimeField("ancré le", db_index=True)
    signature = models.CharField("signature (Ed25519, base64)", max_length=100)

    class Meta:
        verbose_name = "point d'ancrage du journal"
        verbose_name_plural = "points d'ancrage du journal"
        ordering = ["-anchored_at"]

    def __str__(self):
        return f"Point d'ancrage du sceau n° {self.seal}"
