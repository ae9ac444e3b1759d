"""REF-3: postal code → CAF routing (département default, longest prefix wins, several possible)."""

import pytest

from conventions.models import PostalCodeRule

pytestmark = pytest.mark.django_db


def route(code):
    return [caf.number for caf in PostalCodeRule.objects.route(code)]


@pytest.mark.parametrize(
    "code, numbers",
    [
        ("16000", ["161"]),
        ("17000", ["171"]),  # Charente-Maritime goes to La Rochelle, never to the CMAF
        ("17300", ["171"]),
        ("20000", ["201"]),
        ("20167", ["201"]),
        ("20200", ["202"]),
        ("20600", ["202"]),
        ("97300", ["973"]),
        ("97400", ["974"]),
        ("97110", ["971"]),
        ("59000", ["595"]),
        ("59100", ["597"]),
        ("69003", ["691"]),
        ("69400", ["692"]),
        ("25200", ["252"]),
    ],
)
def test_routes_to_one_caf(code, numbers):
    assert route(code) == numbers


def test_several_cafs_possible_when_no_finer_rule_decides():
    assert route("59870") == ["591", "592", "593", "594", "595", "596", "597", "599"]
    assert route("69100") == ["691", "692"]
    assert route("76190") == ["761", "762", "763", "764"]


@pytest.mark.parametrize("code", ["00000", "98000", "97500", "96000"])
def test_unknown_codes_route_nowhere(code):
    assert route(code) == []


def test_routing_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        route("59870")
