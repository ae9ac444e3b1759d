import pytest
from django.urls import reverse

from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in

pytestmark = pytest.mark.django_db


def test_portal_home_after_login(client, django_assert_max_num_queries):
    log_in(client, HabilitationFactory(user=UserFactory(identifier="T1001161")).user)
    # session, user, the access (its habilitations and the suspended ones — BO-9 —, once a day), session write
    # (last activity: AUTH-6) in a savepoint
    with django_assert_max_num_queries(7):
        client.get(reverse("allocataires:home"))
    with django_assert_max_num_queries(5):  # the access kept in the session
        response = client.get(reverse("allocataires:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert "Pour consulter un dossier, saisissez le n° allocataire." in html
