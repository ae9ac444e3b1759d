"""JRN-9: the verifier an auditor runs, as a separate process with an empty environment — no Django settings, no
database: `python journal/proof.py EXPORT_DIR --public-key KEY`, exit 0 / 1 / 2."""

import base64
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from journal import proof
from tests.journal import kit

ROOT = Path(__file__).resolve().parents[2]
KEY = base64.b64encode(proof.public_key_of(kit.TEST_SEED)).decode()
NOW = kit.NOW.isoformat()


def run(*arguments, module=False):
    """The verifier in a bare environment (`env -i PATH=…`): it must not need Django nor any setting."""
    command = [sys.executable, "-m", "journal.proof"] if module else [sys.executable, "journal/proof.py"]
    return subprocess.run(
        ["env", "-i", f"PATH={os.environ['PATH']}", *command, *map(str, arguments)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_untouched_export_exits_0(tmp_path):
    export = kit.write(kit.standard(), tmp_path / "export")
    result = run(export, "--public-key", KEY, "--now", NOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Journal intègre et complet.")
    assert "11 lignes vérifiées dans 3 sceaux, 4 points d'ancrage valides" in result.stdout


def test_it_runs_as_a_module_without_django(tmp_path):
    export = kit.write(kit.standard(), tmp_path / "export")
    result = run(export, "--public-key", KEY, "--now", NOW, module=True)
    assert result.returncode == 0, result.stdout + result.stderr
    probe = subprocess.run(
        [
            "env",
            "-i",
            f"PATH={os.environ['PATH']}",
            sys.executable,
            "-c",
            "import sys, journal.proof; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'cafpro', 'habilitations')))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr


def test_a_tampered_export_exits_1_naming_the_first_position(tmp_path):
    journal = kit.standard()
    del journal.lines[5]
    export = kit.write(journal, tmp_path / "export")
    result = run(export, "--public-key", KEY, "--now", NOW)
    assert result.returncode == 1
    assert result.stdout.startswith(
        "Journal NON intègre : 1 anomalie(s). Première : sceau n° 2 : 3 lignes au lieu de 4 : lignes supprimées"
    )


def test_a_stale_export_exits_1_unless_dated_when_it_was_made(tmp_path):
    export = kit.write(kit.standard(), tmp_path / "export")
    result = run(export, "--public-key", KEY, "--now", (kit.NOW + dt.timedelta(days=1)).isoformat())
    assert result.returncode == 1
    assert "témoin en retard" in result.stdout


def test_the_key_from_a_file_in_base64_or_pem_and_the_witness_read_directly(tmp_path):
    journal = kit.standard()
    export = kit.write(journal, tmp_path / "export")
    (tmp_path / "key.b64").write_text(KEY + "\n")
    pem = (
        Ed25519PrivateKey.from_private_bytes(kit.TEST_SEED)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    (tmp_path / "key.pem").write_bytes(pem)
    for key in (tmp_path / "key.b64", tmp_path / "key.pem"):
        assert run(export, "--public-key", key, "--now", NOW).returncode == 0
    witness = tmp_path / "witness.jsonl"
    witness.write_text((export / "checkpoints.jsonl").read_text())
    (export / "checkpoints.jsonl").write_text("")  # the export's copy emptied: the witness's own copy is used
    assert run(export, "--public-key", KEY, "--now", NOW, "--witness", witness).returncode == 0
    assert run(export, "--public-key", KEY, "--now", NOW).returncode == 1


def test_another_key_exits_1(tmp_path):
    export = kit.write(kit.standard(), tmp_path / "export")
    other = base64.b64encode(proof.public_key_of(kit.OTHER_SEED)).decode()
    result = run(export, "--public-key", other, "--now", NOW)
    assert result.returncode == 1
    assert "Première : point d'ancrage du sceau n° 1 : signature invalide" in result.stdout


def test_development_keys_are_named_and_refused_in_production(tmp_path):
    journal = kit.Journal(seed=proof.DEV_SEED)
    journal.write_lines(1, kit.NOW - dt.timedelta(minutes=2))
    journal.seal_and_anchor(kit.NOW - dt.timedelta(minutes=1))
    export = kit.write(journal, tmp_path / "export")
    dev = base64.b64encode(proof.dev_public_key()).decode()
    result = run(export, "--public-key", dev, "--now", NOW)
    assert result.returncode == 0
    assert "clés de développement : ce journal ne prouve rien" in result.stdout
    result = run(export, "--public-key", dev, "--now", NOW, "--production")
    assert result.returncode == 1
    assert "Première : clé publique : clés de développement : ce journal ne prouve rien" in result.stdout


def test_usage_and_unreadable_input_exit_2(tmp_path):
    export = kit.write(kit.standard(), tmp_path / "export")
    assert run(export).returncode == 2  # no key
    assert run(export, "--public-key", "pas-une-clé").returncode == 2
    assert run(export, "--public-key", base64.b64encode(b"short").decode()).returncode == 2
    assert run(tmp_path / "nowhere", "--public-key", KEY).returncode == 2
    assert run(export, "--public-key", KEY, "--now", "hier").returncode == 2
    assert run(export, "--public-key", KEY, "--witness", "syslog:witness.example:6514").returncode == 2
    (export / "seals.jsonl").write_text("{broken\n")
    result = run(export, "--public-key", KEY)
    assert result.returncode == 2
    assert result.stderr == "Vérification impossible : seals.jsonl, ligne 1 : JSON illisible\n"
    (export / "checkpoints.jsonl").unlink()
    assert "témoin illisible" in run(export, "--public-key", KEY).stderr


def test_help_explains_it_to_an_auditor():
    result = run("--help")
    assert result.returncode == 0
    for words in ("clé publique", "seals.jsonl", "Codes de sortie", "docs/journal-verification.md", "--witness"):
        assert words in result.stdout
