from functools import wraps

from django.shortcuts import redirect


def session_required(view):
    """AUTH-7: a protected page reached without a session (a bookmark, an ended session) shows the page that
    sends the user back to the login screen."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("habilitations:session_expired")
        return view(request, *args, **kwargs)

    return wrapper
