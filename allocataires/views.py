from django.shortcuts import render

from habilitations.decorators import session_required


@session_required
def home(request):
    """The portal's main page after login."""
    return render(request, "allocataires/home.html")
