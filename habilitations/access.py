"""CONS-5, CONS-6, HAB-2: what a greffier may reach today — the CAFs of their habilitations giving access, each
with its profile. "L'habilitation donnée par la CAF est nominative" and "cette consultation est limitée aux
informations gérées par la CAF [...] signataire de la convention": a habilitation opens the dossiers of the CAF of
its convention, and of that CAF only.

Computed by `Habilitation.objects.giving_access_on(day)` — the one place of the rule — and kept in the session for
the day, stamped with the user's `access_version`. The database bumps that version in the transaction of every
change of a habilitation, a convention, a CAF or a profile (triggers: migration `habilitations/0006`), and the
user's row is read at every request anyway: a suspension, a revocation or the end of a convention bites on the
very next request, and an unchanged access costs no query."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from conventions.models import Caf, Profile
from habilitations.enums import HabilitationState
from habilitations.models import Habilitation

SESSION_KEY = "cafpro_access"


@dataclass(frozen=True)
class Grant:
    """One CAF reached, through one habilitation, with its profile."""

    caf: Caf
    profile: Profile
    habilitation_id: int
    organisation: str  # the BAJ of the habilitation's convention (Dialogue, DIA-2)


@dataclass(frozen=True)
class Access:
    grants: list = field(default_factory=list)
    # BO-9: the CAFs whose habilitation of this user is suspended (and that no other habilitation opens), to tell
    # the greffier why a dossier of theirs is refused.
    suspended: list = field(default_factory=list)
    # ROLE-7, BO-9: the CAFs whose habilitation of this user is in force but waits for the CAF to confirm credentials
    # another CAF issued (a letter, an unlock, a second factor reset), to tell the greffier whom to ask.
    awaiting: list = field(default_factory=list)

    @property
    def granted(self):
        return bool(self.grants)

    @property
    def cafs(self):
        return [grant.caf for grant in self.grants]

    @property
    def local(self):
        """CONS-2: a local access covers one CAF; a multi-CAF access several."""
        return len(self.grants) == 1

    @property
    def cmaf(self):
        return next((caf for caf in self.cafs if caf.is_maritime), None)

    def caf(self, pk):
        """The CAF `pk` if this access reaches it, else None."""
        return next((caf for caf in self.cafs if caf.pk == pk), None)

    def profile_for(self, caf_id):
        """CONS-6: the profile of the habilitation that opens this CAF (None outside the access)."""
        return next((grant.profile for grant in self.grants if grant.caf.pk == caf_id), None)

    def suspended_among(self, cafs):
        """BO-9: the first of `cafs` whose access is suspended for this user, else None."""
        ids = {caf.pk for caf in self.suspended}
        return next((caf for caf in cafs if caf.pk in ids), None)

    def awaiting_among(self, cafs):
        """ROLE-7, BO-9: the first of `cafs` that has not confirmed this user's new credentials yet, else None."""
        ids = {caf.pk for caf in self.awaiting}
        return next((caf for caf in cafs if caf.pk in ids), None)

    @property
    def organisation(self):
        return self.grants[0].organisation if self.grants else ""

    # -- kept in the session: plain values, rebuilt into unsaved model instances ----------------------------

    def to_session(self, day, version):
        return {
            "day": day.isoformat(),
            "version": version,
            "grants": [
                {
                    "caf": {name: getattr(grant.caf, name) for name in CAF_FIELDS},
                    "profile": {"pk": grant.profile.pk, "code": grant.profile.code, "grants": grant.profile.grants},
                    "habilitation": grant.habilitation_id,
                    "organisation": grant.organisation,
                }
                for grant in self.grants
            ],
            "suspended": [{name: getattr(caf, name) for name in CAF_FIELDS} for caf in self.suspended],
            "awaiting": [{name: getattr(caf, name) for name in CAF_FIELDS} for caf in self.awaiting],
        }

    @classmethod
    def from_session(cls, data):
        return cls(
            [
                Grant(Caf(**item["caf"]), Profile(**item["profile"]), item["habilitation"], item["organisation"])
                for item in data["grants"]
            ],
            [Caf(**item) for item in data.get("suspended", [])],
            [Caf(**item) for item in data.get("awaiting", [])],
        )


CAF_FIELDS = ("pk", "number", "name", "is_maritime", "offers_dialogue", "departement_id")


def compute_access(user, day):
    """A first query: the habilitations of `user` giving access on `day`, with their CAF, profile and BAJ; one grant
    per CAF (the oldest habilitation, should a CAF have issued two). A second one: the CAFs where the user's
    habilitation is suspended (its state today, `Habilitation.state_on`: not ended, #24) (BO-9), or in force but
    waiting for the CAF to confirm credentials another CAF issued (ROLE-7)."""
    grants = {}
    habilitations = (
        Habilitation.objects.giving_access_on(day)
        .filter(user=user)
        .select_related("profile", "convention__caf", "convention__baj")
        .order_by("pk")
    )
    for habilitation in habilitations:
        caf = habilitation.convention.caf
        grants.setdefault(caf.pk, Grant(caf, habilitation.profile, habilitation.pk, str(habilitation.convention.baj)))
    awaiting = Habilitation.objects.in_force_on(day).awaiting_confirmation().filter(user=user).values("pk")
    closed = (
        Habilitation.objects.with_state(day)
        .filter(Q(state=HabilitationState.SUSPENDED) | Q(pk__in=awaiting), user=user)
        .exclude(convention__caf_id__in=list(grants))
        .select_related("convention__caf")
        .order_by("pk")
    )
    suspended, waiting = {}, {}
    for habilitation in closed:
        kept = suspended if habilitation.state == HabilitationState.SUSPENDED else waiting
        kept[habilitation.convention.caf.pk] = habilitation.convention.caf
    return Access(
        sorted(grants.values(), key=lambda grant: (grant.caf.is_maritime, grant.caf.number or "")),
        list(suspended.values()),
        [caf for pk, caf in waiting.items() if pk not in suspended],
    )


def access_for(request, day=None):
    """The access of the request's user today: from the session when it was computed today for the same
    `access_version`, else computed (two queries) and kept."""
    user, day = request.user, day or timezone.localdate()
    kept = request.session.get(SESSION_KEY)
    if kept and kept["day"] == day.isoformat() and kept["version"] == user.access_version:
        return Access.from_session(kept)
    access = compute_access(user, day)
    request.session[SESSION_KEY] = access.to_session(day, user.access_version)
    return access
