import pytest

from tests.habilitations.factories import PASSWORD, HabilitationFactory, UserFactory


@pytest.fixture
def greffier(db):
    """A greffier with an active T12 habilitation (BAJ of Angoulême, CAF of the Charente)."""
    return HabilitationFactory(user=UserFactory(identifier="T1001161")).user


@pytest.fixture
def login(client):
    """Posts the login form; returns the response."""

    def post(identifier, password=PASSWORD, **extra):
        return client.post("/", {"identifier": identifier, "password": password}, **extra)

    return post


@pytest.fixture
def hash_calls(monkeypatch):
    """Counts Argon2 computations (verifications and hashings) — each one is a password check."""
    from habilitations.hashers import CafproArgon2PasswordHasher

    calls = []
    verify, encode = CafproArgon2PasswordHasher.verify, CafproArgon2PasswordHasher.encode

    def counted_verify(self, password, encoded):
        calls.append("verify")
        return verify(self, password, encoded)

    def counted_encode(self, password, salt):
        calls.append("encode")
        return encode(self, password, salt)

    monkeypatch.setattr(CafproArgon2PasswordHasher, "verify", counted_verify)
    monkeypatch.setattr(CafproArgon2PasswordHasher, "encode", counted_encode)
    return calls
