from django.contrib.auth.hashers import Argon2PasswordHasher


class CafproArgon2PasswordHasher(Argon2PasswordHasher):
    """AUTH-5: Argon2id with the parameters justified in docs/security.md (about 40 ms per login on
    one core of the reference machine). Hashes made with other parameters are upgraded at the next login."""

    time_cost = 2
    memory_cost = 32768  # KiB: 32 MiB per verification
    parallelism = 1
