"""AUTH-1, AUTH-10: the user's identifier is exactly 8 alphanumeric characters, unique whatever its case."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from habilitations.models import User
from tests.habilitations.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_identifier_is_stored_in_upper_case():
    user = User.objects.create_user("t1001161", "abc123")
    assert user.identifier == "T1001161"
    assert User.objects.get_by_natural_key("t1001161") == user


@pytest.mark.parametrize("identifier", ["T100116", "T10011611", "T100-161", "T100 161", "É1001161"])
def test_malformed_identifiers_are_refused(identifier):
    with pytest.raises(ValidationError, match="8 caractères alphanumériques"):
        User.objects.create_user(identifier, "abc123")


def test_identifier_is_unique_whatever_the_case():
    UserFactory(identifier="AB12CD34")
    with pytest.raises(ValidationError):
        User.objects.create_user("ab12cd34", "abc123")


def test_database_refuses_a_lower_case_identifier():
    user = UserFactory()
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=user.pk).update(identifier="ab12cd34")


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2():
    user = UserFactory()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
