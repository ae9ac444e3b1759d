from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from habilitations.views import logout_view

# BO-1: the administration named for its users, the CAF staff — « Django » nowhere.
admin.site.site_header = admin.site.site_title = "Cafpro — administration"
admin.site.index_title = "Tableau de bord"
# BO-8: Django's sidebar (open by default, one Tab stop per model) gives way to the menu folded by default of
# templates/admin/base_site.html.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # BO-8: the browsers' own request for /favicon.ico gets the portal's icon (static, hashed in production).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"))),
    # One front door: the administration logs in and out through the portal's login (lockout, journal).
    path("admin/login/", RedirectView.as_view(pattern_name="habilitations:login", query_string=True)),
    path("admin/logout/", logout_view),
    # AUD-3: one password form, ours (lockout, journal, history of passwords) — not Django's.
    path("admin/password_change/", RedirectView.as_view(pattern_name="habilitations:password_change")),
    path("admin/password_change/done/", RedirectView.as_view(pattern_name="habilitations:password_change")),
    path("admin/", admin.site.urls),
    path("", include("habilitations.urls")),
    path("", include("core.urls")),
    path("", include("conventions.urls")),
    path("", include("allocataires.urls")),
]

handler500 = "core.views.server_error"
