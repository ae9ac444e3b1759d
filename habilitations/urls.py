from django.urls import path

from habilitations import officer_views, partner_views, views

app_name = "habilitations"

urlpatterns = [
    path("", views.login_view, name="login"),
    path("fermer-la-session/", views.logout_view, name="logout"),
    path("mot-de-passe/", views.password_change_view, name="password_change"),
    path("double-authentification/", views.second_factor_view, name="second_factor"),
    path("double-authentification/activation/", views.second_factor_enrol_view, name="second_factor_enrol"),
    path(
        "double-authentification/reinitialisation/",
        views.second_factor_reset_view,
        name="second_factor_reset",
    ),
    path("session-expiree/", views.session_expired, name="session_expired"),
    path("session/prolonger/", views.session_extend, name="session_extend"),
    path("session/etat/", views.session_status, name="session_status"),
    path("acces-bloque/", views.locked_out, name="locked_out"),
    path("acces-retire/", views.access_withdrawn, name="access_withdrawn"),
    path("a-qui-s-adresse-cafpro/", views.info_audience, name="info_audience"),
    path("securite/", views.info_security, name="info_security"),
    path("juridiction/", partner_views.home, name="partner_home"),
    path("juridiction/demande-d-acces/", partner_views.access_request, name="partner_request"),
    path("juridiction/habilitations/<int:pk>/suppression/", partner_views.removal_request, name="partner_removal"),
    path("juridiction/difficultes/", partner_views.difficulties, name="partner_difficulties"),
    path("juridiction/caf/", partner_views.cafs, name="partner_cafs"),
    path("responsable-securite/journal/", officer_views.journal, name="officer_journal"),
    path("responsable-securite/irregularites/", officer_views.report, name="officer_report"),
    path("responsable-securite/surveillance/", officer_views.surveillances, name="officer_surveillances"),
    path(
        "responsable-securite/surveillance/<int:pk>/lever/",
        officer_views.surveillance_lift_view,
        name="officer_surveillance_lift",
    ),
    path("responsable-securite/personnel-bloque/", officer_views.staff_lockouts, name="officer_staff_lockouts"),
]
