"""ROB-1, CONS-15: no input of any kind, on any URL, for any role, yields a server error. Every URL pattern of the
project — portal, officer, national, admin changelists, change forms and actions — is found from the URL
configuration, every parameter name from the project's forms and models: a new URL or form is crawled without
being listed here. Hypothesis draws hostile values (NUL bytes, huge numbers, far dates, odd Unicode, very long
strings) for the path, the query string and the form.

`make test` runs a bounded crawl (CAFPRO_FUZZ_EXAMPLES, 3 per URL and role, derandomized); `make fuzz` a long one
(200 per URL and role, new draws each run; a failure prints the request to replay)."""

import os
import re
import uuid

import pytest
from axes.utils import reset as axes_reset
from django import forms
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole
from tests.allocataires.factories import DossierFactory
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.helpers import open_dossier

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("CAFPRO_FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("CAFPRO_FUZZ_RANDOM") == "1"  # make fuzz: new draws each run; make test: the same ones
OUR_APPS = ("core", "conventions", "habilitations", "allocataires")
# Never crawled: closing the session would only crawl the login page afterwards.
LEAVES = re.compile(r"fermer-la-session|admin/logout")

HOSTILE = [
    "\x00",
    "a\x00b",
    "0001-01-01",
    "9999-12-31",
    "01/01/0001",
    "31129999",
    "00000000",
    "99999999999999999999999",
    "-1",
    "1e999",
    "NaN",
    "' OR 1=1 --",
    '<script>alert("x")</script>',
    "../../etc/passwd",
    "\u202e\u200b",
    "🙂",
    "ＴＥＳＴ",
    "x" * 5000,
    "",
    " ",
    "2026-02-30",
    "=cmd|' /C calc'!A0",
    "csv",
    "1000001",
    "2026/001234",
]
hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def routes():
    """Every URL pattern, regular-expression ones given their one sample (the admin's application index)."""
    found = []
    for route in _routes():
        if route.startswith("^") or "(?P<" in route:
            route = re.sub(r"\^|\$", "", route)
            route = re.sub(r"\(\?P<app_label>[^)]*\)", "habilitations", route)
            if "(?P<" in route or "\\" in route:
                continue
        if not LEAVES.search(route):
            found.append(route)
    return sorted(set(found))


def parameter_names(route=""):
    """The names a request may carry: every field of the project's forms, the query parameters its views read,
    and, on an admin page, every field and lookup of its model."""
    names = {"format", "next", "q", "o", "p", "e", "all", "action", "_selected_action", "apply", "_save", "post"}
    names |= {"mois", "annee"}  # the Paiements' month, the Ressources' year
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] in OUR_APPS:
            names |= set(getattr(form, "base_fields", {}))
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    try:
        model = apps.get_model(match.group(1), match.group(2)) if match else None
    except LookupError:
        model = None
    if model is not None:
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False):
                names |= {field.name, f"{field.name}__exact", f"{field.name}__gte", f"{field.name}__lt"}
                if isinstance(field, models.DateField):
                    names |= {f"{field.name}__year", f"{field.name}__month", f"{field.name}__day"}
                if field.is_relation:
                    names |= {f"{field.name}__id__exact", f"{field.name}__pk__exact"}
    return sorted(names)


# The values that broke the portal before (session 4's measure): each is given to every parameter of a page, in
# turn, by GET and by POST.
NASTY = [
    "\x00",
    "0001-01-01",
    "9999-12-31",
    "01/01/0001",
    "31129999",
    "99999999999999999999",
    "x" * 400,
    "🙂\u202e",
    "-1",
]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _path(route, draw, ids):
    def value(match):
        converter = match.group(1)
        if converter == "uuid":
            return str(draw(st.sampled_from([uuid.uuid4(), uuid.UUID(int=0)])))
        if converter == "int":
            return str(draw(st.one_of(st.sampled_from(ids), st.sampled_from([0, 10**20]), st.integers(0, 10**9))))
        text = draw(
            st.one_of(
                st.sampled_from(["1", "paiements", "banque", "x" * 300, "%00", "%C3%A9"]),
                st.text(
                    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
                    min_size=1,
                    max_size=20,
                ),
            )
        )
        return text.replace("/", "") if converter != "path" else text

    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: value(m) if m.group(1) else value(re.match(r"(str)", "str")), route
    )


ROLES = ["anonymous", "greffier", "caf_agent", "superuser"]


@pytest.fixture
def world():
    """A dossier the greffier opened, a convention and a habilitation of the CAF 161: ids worth drawing."""
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    agent = UserFactory(identifier="CAF16101", staff=True)
    caf = Caf.objects.get(number="161")
    for kind in CafRoleKind:
        CafRole.objects.create(user=agent, caf=caf, kind=kind)
    dossier = DossierFactory(number="1234567")
    convention = ConventionFactory()
    return {
        "greffier": greffier,
        "caf_agent": agent,
        "superuser": UserFactory(identifier="ADMIN001", superuser=True),
        "ids": sorted({dossier.pk, convention.pk, greffier.pk, caf.pk, greffier.habilitations.first().pk, 1}),
    }


def _client(world, role):
    client = Client()
    if role != "anonymous":
        log_in(client, world[role])
        if role == "greffier":
            open_dossier(client, "1234567")
    return client


def _still_logged_in(client, world, role):
    """A crawled page may have ended the session (three wrong current passwords lock the identifier)."""
    if role != "anonymous" and not client.session.get("_auth_user_id"):
        axes_reset(username=world[role].identifier)
        log_in(client, world[role])


@pytest.mark.parametrize("role", ROLES)
def test_no_nasty_value_gives_a_server_error(world, role):
    """Every page, every known value that broke one before, in every parameter at once, by GET and by POST."""
    client, failures = _client(world, role), []
    for route in routes():
        names = parameter_names(route)
        path = "/" + re.sub(r"<(?:(\w+):)?\w+>", str(world["ids"][-1]), route)
        for value in NASTY:
            for method in ("get", "post"):
                params = {name: value for name in names}
                try:
                    status = getattr(client, method)(path, params).status_code
                except Exception as error:  # noqa: BLE001 — every page crawled, then every failure reported
                    status = repr(error)[:200]
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{method.upper()} {path} {value[:20]!r}: {status}")
            _still_logged_in(client, world, role)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_server_error(world, role):
    """Hypothesis draws the path, the parameters and their values (CAFPRO_FUZZ_EXAMPLES per page)."""
    client, failures = _client(world, role), []
    names = parameter_names()

    @settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def crawl(route, data):
        path = _path(route, data.draw, world["ids"])
        params = data.draw(st.dictionaries(st.sampled_from(names), hostile, max_size=5))
        method = data.draw(st.sampled_from(["get", "post"]))
        response = getattr(client, method)(path, params)
        assert response.status_code < 500, (method, path, params, response.status_code)

    for route in routes():
        try:
            crawl(route)
        except Exception as error:  # noqa: BLE001 — every URL crawled, then every failure reported
            failures.append(f"{route}: {error!r}"[:600])
        _still_logged_in(client, world, role)
    assert not failures, "\n".join(failures)
