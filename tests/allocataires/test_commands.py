"""seed_demo on the command line: summary, progress, and clear French errors without a traceback."""

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp

from allocataires.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRETS, SHOWCASE_NUMBER
from allocataires.models import Dossier
from tests.helpers import PRODUCTION, open_dossier, run_manage


@pytest.mark.django_db
def test_seed_demo_creates_dossiers_and_reports(capsys):
    out = StringIO()
    call_command("seed_demo", "--dossiers", "12", "--seed", "5", "--as-of", "2026-01-15", stdout=out)
    assert Dossier.objects.count() == 12 + 3  # and the three showcase dossiers
    assert "12 dossiers créés" in out.getvalue()
    assert "Dossiers : 12/12" in capsys.readouterr().err


@pytest.mark.django_db
def test_seed_demo_if_empty_does_nothing_on_a_filled_database():
    call_command("seed_demo", "--dossiers", "3", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--dossiers", "50", "--if-empty", stdout=out)
    assert Dossier.objects.count() == 3 + 3
    assert "déjà présent" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_only_for_the_cafs_asked():
    call_command("seed_demo", "--dossiers", "6", "--caf", "161", "--caf", "171", stdout=StringIO())
    showcase = Dossier.objects.filter(number=SHOWCASE_NUMBER)
    assert set(Dossier.objects.exclude(pk__in=showcase).values_list("caf__number", flat=True)) <= {"161", "171"}


@pytest.mark.django_db
def test_seed_demo_unknown_caf_is_refused():
    with pytest.raises(CommandError, match="Caf inconnue"):
        call_command("seed_demo", "--dossiers", "1", "--caf", "999")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--dossiers", "abc"], "« abc » n'est pas un nombre entier"),
        (["--dossiers", "0"], "supérieur ou égal à 1"),
        (["--as-of", "2026-13-01"], "n'est pas une date"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_non_zero_with_a_message(args, message):
    result = run_manage("seed_demo", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_one_clear_line():
    result = run_manage("seed_demo", "--dossiers", "1", env={"DATABASE_URL": "postgres://postgres@127.0.0.1:1/cafpro"})
    assert result.returncode == 1
    assert "Base de données injoignable" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_in_french():
    result = run_manage("seed_demo", "--help")
    assert result.returncode == 0
    assert "jeu de dossiers allocataires de démonstration" in result.stdout


@pytest.mark.django_db
def test_seed_demo_creates_the_documented_accounts_once(client):
    """README: the demo accounts log in; the local greffier reaches the showcase dossier, the revoked one
    nothing."""
    call_command("seed_demo", "--dossiers", "1", stdout=StringIO())
    call_command("seed_demo", "--dossiers", "1", stdout=StringIO())
    passwords = {identifier: password for identifier, password, *_ in DEMO_ACCOUNTS}
    assert client.post("/", {"identifier": "demoadm1", "password": passwords["DEMOADM1"]})["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == "/double-authentification/?next=%2Fadmin%2F"  # AUTH-11
    # The code computed from the secret the README prints, as `oathtool --totp -b SECRET` does.
    code = f"{totp(base64.b32decode(DEMO_TOTP_SECRETS['DEMOADM1'])):06d}"
    assert client.post("/double-authentification/?next=/admin/", {"token": code})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/fermer-la-session/")
    assert client.post("/", {"identifier": "T1001161", "password": passwords["T1001161"]})["Location"] == "/accueil/"
    response = open_dossier(client, SHOWCASE_NUMBER)
    assert response.status_code == 302 and "/paiements/" in response["Location"]
    client.post("/fermer-la-session/")
    assert client.post("/", {"identifier": "T5900001", "password": passwords["T5900001"]})["Location"] == "/accueil/"
    assert "/paiements/" in open_dossier(client, SHOWCASE_NUMBER, postal_code="59000")["Location"]
    assert "/paiements/" in open_dossier(client, SHOWCASE_NUMBER, cmaf="on")["Location"]
    client.post("/fermer-la-session/")
    assert client.post("/", {"identifier": "T1001162", "password": passwords["T1001162"]})["Location"] == "/accueil/"
    assert client.get("/accueil/").status_code == 403
    assert Dossier.objects.filter(number=SHOWCASE_NUMBER).count() == 3


def test_seed_demo_is_refused_in_production():
    result = run_manage("seed_demo", "--dossiers", "1", env=PRODUCTION)
    assert result.returncode == 1
    assert "refusé" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_every_demo_account_that_asks_a_code_comes_enrolled_with_the_readme_secret():
    """AUTH-11, NF-3: a newcomer logs in as every demo account the README lists: each one that asks a code has its
    fixed secret there (CAF59701 had none: its first login asked an enrolment)."""
    from django.conf import settings

    from habilitations.models import User
    from habilitations.permissions import second_factor_required

    call_command("seed_demo", "--dossiers", "1", stdout=StringIO())
    readme = (settings.BASE_DIR / "README.md").read_text()
    asking = [user.identifier for user in User.objects.all() if second_factor_required(user)]
    assert asking, "the demo has staff accounts"
    for identifier in asking:
        assert f"| `{identifier}` | `{DEMO_TOTP_SECRETS[identifier]}` |" in readme, identifier


@pytest.mark.django_db
def test_the_demo_raises_no_false_alarm_of_unused_habilitations():
    """HAB-3 (#24): the demo greffier whose consultations the journal shows was listed « sans connexion depuis plus
    de 60 jours » on the Caf de la Charente's work list (never logged in, for the database)."""
    import datetime as dt

    from django.utils import timezone

    from habilitations.models import Habilitation

    call_command("seed_demo", "--dossiers", "1", stdout=StringIO())
    charente = Habilitation.objects.filter(convention__caf__number="161")
    assert charente.filter(user__identifier="T1001161").in_state_on(timezone.localdate(), "active").exists()
    assert not charente.unused_since(timezone.now() - dt.timedelta(days=60)).exists()
