from habilitations.models import UserManager


def client_username(request, credentials=None):
    """django-axes: the identifier an attempt is counted against (AUTH-3), normalised like the login."""
    typed = (credentials or {}).get("username") or request.POST.get("identifier", "")
    return UserManager.normalize_identifier(typed)[:32] or None
