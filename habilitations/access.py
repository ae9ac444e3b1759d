"""What the logged-in user may reach today: their profile and their CAFs (CONS-1, CONS-2, CONS-5, CONS-6)."""

from dataclasses import dataclass, field

from django.utils import timezone

from conventions.models import Profile
from habilitations.models import Habilitation


@dataclass
class Access:
    profile: Profile | None
    cafs: list = field(default_factory=list)
    habilitation: Habilitation | None = None

    @property
    def granted(self):
        return self.profile is not None and bool(self.cafs)

    @property
    def local(self):
        """CONS-2: a local access covers one CAF; a multi-CAF access several."""
        return len(self.cafs) == 1

    @property
    def cmaf(self):
        return next((caf for caf in self.cafs if caf.is_maritime), None)

    def caf(self, pk):
        """The CAF `pk` if this access reaches it, else None."""
        return next((caf for caf in self.cafs if caf.pk == pk), None)


def access_for(user, day=None):
    """Two queries: the user's habilitation giving access (with its profile and BAJ), and the CAFs it
    reaches."""
    day = day or timezone.localdate()
    habilitations = list(
        Habilitation.objects.giving_access_on(day)
        .filter(user=user)
        .select_related("profile", "convention__baj")
        .order_by("pk")
    )
    if not habilitations:
        return Access(profile=None)
    bajs = sorted({habilitation.convention.baj_id for habilitation in habilitations})
    cafs = list(Habilitation.objects.cafs_for(user, day, bajs=bajs).order_by("number"))
    return Access(profile=habilitations[0].profile, cafs=cafs, habilitation=habilitations[0])
