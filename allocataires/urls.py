from django.urls import path

from allocataires import views

app_name = "allocataires"

urlpatterns = [
    path("accueil/", views.home, name="home"),
    path("consulter/", views.search, name="search"),
    path("dossiers/<int:pk>/edition/", views.edition, name="edition"),
    path("dossiers/<int:pk>/<slug:code>/", views.rubrique, name="rubrique"),
]
