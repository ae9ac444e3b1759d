"""ROB-1, ROB-2, CONS-15: no input of any kind, on any URL, for any role, yields a server error, and no value an
authorised person saves breaks a page for others. Every URL pattern of the project — portal, officer, national,
admin changelists, change forms and actions — is found from the URL configuration; every parameter name is
discovered: the names each view reads from `request.GET` / `request.POST` (recorded on Django's QueryDict during a
first pass over every page as every role), the fields and link parameters of the pages it returns, the project's
forms and the admin's models. A new URL, form or query parameter is crawled without being listed here. Hypothesis
draws hostile values (NUL bytes, huge numbers, far dates, odd Unicode, very long strings) for the path, the query
string and the form. Then hostile-but-valid values are saved through every administration form a CAF agent and the
superuser may open, and every page is opened by every role: no 5xx, and no 400 on a page opened without parameters.

`make test` runs a bounded crawl (CAFPRO_FUZZ_EXAMPLES, 3 per URL and role, derandomized); `make fuzz` a long one
(200 per URL and role, new draws each run; a failure prints the request to replay)."""

import ast
import contextlib
import functools
import html
import os
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from axes.utils import reset as axes_reset
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.validators import RegexValidator
from django.db import models
from django.http import QueryDict
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conventions.enums import CafRoleKind
from conventions.models import Caf, CafRole, Convention
from conventions.rubriques import CATALOGUE
from tests.allocataires.factories import DossierFactory
from tests.conventions.factories import ConventionFactory
from tests.habilitations.factories import HabilitationFactory, UserFactory, log_in
from tests.helpers import open_dossier
from tests.test_privileged_acts import _Form

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


def parameter_names(route=None):
    """The names a request to `route` (every route when None) may carry: those its view read in the first pass
    (`discover`) or that the code looks up (`read_in_code`), every field of the project's forms, and, on an admin
    page, every field and lookup of its model."""
    names = set().union(*_DISCOVERED.values()) if route is None else set(_DISCOVERED.get(route, ()))
    names |= read_in_code()
    for form in _subclasses(forms.BaseForm):
        if form.__module__.split(".")[0] in OUR_APPS:
            names |= set(getattr(form, "base_fields", {}))
    match = re.match(r"admin/(\w+)/(\w+)/", route or "")
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


_READS = ("get", "getlist", "__getitem__", "__contains__", "pop", "setdefault")
_DISCOVERED = {}  # route → the parameter names its pages read or offer, filled once per run by `discover`
_FIELD = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"")
_LINK = re.compile(r"\bhref=\"[^\"?#]*\?([^\"#]*)\"")


@contextlib.contextmanager
def _reads_recorded(names):
    """Every key a view looks up in a QueryDict (request.GET, request.POST, their copies) is added to `names`."""
    own = {name: QueryDict.__dict__.get(name) for name in _READS}
    for name in _READS:
        method = getattr(QueryDict, name)

        def read(self, key, *args, _method=method, **kwargs):
            names.add(key)
            return _method(self, key, *args, **kwargs)

        setattr(QueryDict, name, read)
    try:
        yield
    finally:
        for name, method in own.items():
            if method is None:
                delattr(QueryDict, name)
            else:
                setattr(QueryDict, name, method)


def _is_parameters(node):
    text = ast.unparse(node)
    return text in ("params", "data") or text.endswith((".GET", ".POST"))


@functools.cache
def read_in_code():
    """The names the project's code looks up in request parameters beyond what a first pass reaches (a month asked
    only once a valid period was given): `P.get("x")`, `P["x"]`, `"x" in P`, where P is `request.GET`,
    `request.POST` or the `params` / `data` a view hands on."""
    names = set()
    for app in OUR_APPS:
        for path in Path(apps.get_app_config(app).path).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                target = key = None
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                    if node.func.attr in ("get", "getlist", "pop"):
                        target, key = node.func.value, node.args[0]
                elif isinstance(node, ast.Subscript):
                    target, key = node.value, node.slice
                elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
                    key, target = node.left, node.comparators[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and _is_parameters(target):
                    names.add(key.value)
    return frozenset(names)


def _offered(content):
    """The names a page offers: its form fields, and the query parameters of its links."""
    page = content.decode(errors="replace")
    names = set(_FIELD.findall(page))
    for query in _LINK.findall(page):
        names |= set(parse_qs(html.unescape(query), keep_blank_values=True))
    return names


def _paths(route, ids):
    """`route` with each id of the world, and each rubrique code where it takes a code."""
    if "<" not in route:
        return ["/" + route]
    codes = [rubrique.code for rubrique in CATALOGUE] if "<slug:code>" in route else [None]
    return [
        "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m, i=i, c=c: c if m.group(2) == "code" and c else str(i), route)
        for i in ids
        for c in codes
    ]


def discover(world):
    """The first pass: every page, as every role, by GET and by an empty POST, QueryDict reads recorded."""
    if _DISCOVERED:
        return _DISCOVERED
    for role in ROLES:
        client = _client(world, role)
        for route in routes():
            names = _DISCOVERED.setdefault(route, set())
            for path in _paths(route, world["ids"]):
                with _reads_recorded(names):
                    names |= _offered(client.get(path).content)
                    client.post(path)
                _still_logged_in(client, world, role)
    return _DISCOVERED


def test_the_first_pass_discovers_what_views_read(world):
    """The names no form declares and no model has: found by reading, not listed."""
    discover(world)
    assert {"next", "format"} <= set(parameter_names("")) | set(parameter_names("suivi-national/"))
    assert {"dossier"} <= set(parameter_names("dialogue/<int:caf_pk>/"))
    assert {"mois", "annee", "modifier"} <= set(parameter_names("dossiers/<int:pk>/<slug:code>/"))
    assert {"q", "o", "action", "_selected_action"} <= set(parameter_names("admin/habilitations/habilitation/"))
    assert {"bloque", "etat", "inactif"} <= set(parameter_names("admin/habilitations/habilitation/"))


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
    """A dossier the greffier opened, a convention and a habilitation of the CAF 161 (which offers Dialogue): ids
    worth drawing."""
    greffier = HabilitationFactory(user=UserFactory(identifier="T1001161")).user
    agent = UserFactory(identifier="CAF16101", staff=True)
    caf = Caf.objects.get(number="161")
    caf.offers_dialogue = True  # DIA-1: the Dialogue pages open for its greffier
    caf.save()
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
    discover(world)
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
    discover(world)
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


# ROB-2: what an authorised person may save that pages opened by others must bear — the ends of the date range, text
# of the greatest length full of markup, formulas, bidirectional and wide characters, the largest number.
DATES = (
    "01/01/0001",
    "31/12/9999",
    "01/01/1900",
    "31/12/2099",
)  # beyond the range a form should refuse, then its ends
HOSTILE_TEXT = "<script>alert(\"x\")</script>=cmd|' /C calc'!A0 \u202e🙂 ＴＥＳＴ '; -- "


def _storable(field, variant):
    """The hostile-but-valid value for a form field of the administration, or None where there is none to try."""
    if isinstance(field, forms.DateField):
        return DATES[variant]
    if isinstance(field, forms.EmailField):
        return f"{'x' * 60}@{'y' * 60}.fr"[: field.max_length or 254]
    if isinstance(field, forms.IntegerField):
        return str(field.max_value if field.max_value is not None else 2**31 - 1)
    if isinstance(field, forms.CharField) and not any(isinstance(v, RegexValidator) for v in field.validators):
        length = field.max_length or 2000
        return (HOSTILE_TEXT * (length // len(HOSTILE_TEXT) + 1))[:length]
    return None


def _form_data(content):
    parser = _Form()
    parser.feed(content.decode())
    return {name: values for name, values in parser.data.items() if name != "csrfmiddlewaretoken"}


def _store_hostile_values(client, user):
    """Every change form `user` may open in the administration, saved with every field at once at a hostile but
    valid value (the lowest dates, the highest, then the ends of the range 1900-2099); then without the fields the
    form refused, and each refused one (every one, after a rule across fields) alone. Returns the pages saved."""
    request = RequestFactory().get("/")
    request.user = user
    saved = []

    def save(url, values):
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        data = {**_form_data(page.content), **{name: [value] for name, value in values.items()}, "_save": ["1"]}
        response = client.post(url, data)
        assert response.status_code < 500 and response.status_code != 400, (url, response.status_code)
        if response.status_code == 302:
            saved.append(url)
            return set()
        return set(response.context["adminform"].form.errors) if response.context else set(values)

    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None or not model_admin.has_change_permission(request, obj):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        editable = set(_form_data(client.get(url).content))
        fields = model_admin.get_form(request, obj).base_fields
        for variant in range(len(DATES)):
            hostile = {name: _storable(field, variant) for name, field in fields.items() if name in editable}
            hostile = {name: value for name, value in hostile.items() if value is not None}
            refused = save(url, hostile)
            if refused:
                save(url, {name: value for name, value in hostile.items() if name not in refused})
                # A rule across fields (a period's end after its start) or a field refused: each one alone.
                alone = set(hostile) if "__all__" in refused else refused & set(hostile)
                # CONV-4 (#24): a convention's signatures last — once signed it is read-only.
                for name in sorted(alone, key=lambda name: (name.endswith("signed_on"), name)):
                    save(url, {name: hostile[name]})
    return saved


def test_values_saved_through_the_administration_break_no_page_for_anyone(world):
    """ROB-2: a CAF agent, then the superuser, save hostile-but-valid values in every administration form they may
    open; then every page, as every role, opened without parameters: no 5xx, no 400."""
    # CONV-4 (#24): a signed convention is read-only; the form the values go to is one awaiting its signatures.
    Convention.objects.filter(pk=Convention.objects.order_by("pk").first().pk).update(partner_signed_on=None)
    saved = []
    for role in ("caf_agent", "superuser"):
        saved += _store_hostile_values(_client(world, role), world[role])
    assert any("convention" in url for url in saved), saved  # the forms were saved, not only refused
    stored = Convention.objects.order_by("pk").first()
    assert stored.first_period_ends_on.year in (1900, 2099) or stored.starts_on.year in (1900, 2099)
    failures = []
    for role in ROLES:
        client = _client(world, role)
        for route in routes():
            match = re.match(r"admin/(\w+)/(\w+)/<path:object_id>/", route)
            if match:
                model = apps.get_model(match.group(1), match.group(2))
                ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:2]) or [1]
            else:
                ids = world["ids"]
            for path in _paths(route, ids):
                status = client.get(path).status_code
                if status >= 500 or status == 400:
                    failures.append(f"{role} GET {path}: {status}")
            _still_logged_in(client, world, role)
    assert not failures, "\n".join(failures)
