from django.urls import path

from allocataires import views

app_name = "allocataires"

urlpatterns = [
    path("accueil/", views.home, name="home"),
]
