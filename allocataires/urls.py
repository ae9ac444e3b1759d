from django.urls import path

from allocataires import views

app_name = "allocataires"

urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("consulter/", views.search, name="search"),
    path("contacts-des-caf/", views.caf_contacts, name="caf_contacts"),
    path("dossiers/<int:pk>/edition/", views.edition, name="edition"),
    path("dialogue/<int:caf_pk>/", views.dialogue, name="dialogue"),
    path("dialogue/message/<uuid:token>/", views.dialogue_sent, name="dialogue_sent"),
    path("dossiers/<int:pk>/<slug:code>/", views.rubrique, name="rubrique"),
]
