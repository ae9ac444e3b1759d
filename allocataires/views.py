from django.shortcuts import render

from conventions.models import Baj, Caf


def home(request):
    """The portal's public home page: what CAFPRO is and who may use it."""
    return render(
        request,
        "allocataires/home.html",
        {"caf_count": Caf.objects.numbered().count(), "baj_count": Baj.objects.count()},
    )
