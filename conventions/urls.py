from django.urls import path

from conventions import views

app_name = "conventions"

urlpatterns = [
    path("suivi-national/", views.national_overview, name="national_overview"),
    path(
        "suivi-national/difficultes/<int:pk>/reponse/", views.difficulty_answer_view, name="national_difficulty_answer"
    ),
]
