from django.conf import settings


def session_timing(request):
    """NF-2: what the timeout warning of every page needs (templates/includes/timeout_dialog.html)."""
    return {"idle_timeout": settings.CAFPRO_IDLE_TIMEOUT, "idle_warning": settings.CAFPRO_IDLE_WARNING}
