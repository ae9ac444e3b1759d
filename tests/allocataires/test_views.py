import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_in_french_with_the_reference_figures(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("allocataires:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert response.context["caf_count"] == 122
    assert response.context["baj_count"] == 185
