from django.conf import settings
from django.contrib import admin

from habilitations.permissions import may_reset_second_factors


def session_timing(request):
    """NF-2: what the timeout warning of every page needs (templates/includes/timeout_dialog.html)."""
    return {"idle_timeout": settings.CAFPRO_IDLE_TIMEOUT, "idle_warning": settings.CAFPRO_IDLE_WARNING}


def second_factor_reset(request):
    """AUTH-11: whether to link the reset of lost second factors (the administration's home, the officer's menu);
    read only by the templates that show the link."""
    return {"may_reset_second_factors": lambda: may_reset_second_factors(request.user)}


def administration(request):
    """ROLE-2 … ROLE-4 (#24): whether to link the administration — the administration's own reading (a staff
    session and at least one page of the site the user may open), so that no role is shown a link to the
    « no permission » page (the national security officer); read only by the templates that show the link."""
    return {"may_administer": lambda: admin.site.has_permission(request) and bool(admin.site.get_app_list(request))}
