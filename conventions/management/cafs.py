from django.core.management.base import CommandError

from conventions.models import Caf


def add_caf_option(parser):
    parser.add_argument("--caf", action="append", help="numéro de Caf (répétable ; toutes par défaut)")


def cafs_option(numbers):
    """The CAFs named by --caf (every numbered CAF when none), or a French error for an unknown number."""
    cafs = Caf.objects.numbered()
    if numbers:
        cafs = cafs.filter(number__in=numbers)
        if not cafs.exists():
            raise CommandError(f"Caf inconnue : {', '.join(numbers)}.")
    return cafs
