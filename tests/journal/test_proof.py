"""JRN-8, JRN-9: the standalone verifier (`journal/proof.py`) on exports built here, untouched and tampered with.

Pure tests: no database. Each tampering of issue #23's table is replayed at the export level and must fail naming
its position (the first failure is the first place in the journal that does not hold).
"""

import datetime as dt
import hashlib
import json

import pytest

from journal import proof
from tests.journal import kit

# RFC 6962 test vectors: the Merkle Tree Hash of the first n of these 8 inputs, n = 0..8. Source: the
# certificate-transparency reference, google/certificate-transparency `python/ct/crypto/merkle_test.py`
# (TreeHasherTest.test_vector_leaves / test_vector_hashes; the same in google/trillian's log verifier tests).
RFC6962_INPUTS = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _leaf(data):
    return hashlib.sha256(b"\x00" + data).hexdigest()


@pytest.mark.parametrize("size", range(len(RFC6962_ROOTS)))
def test_the_merkle_root_is_rfc_6962s(size):
    leaves = [_leaf(bytes.fromhex(value)) for value in RFC6962_INPUTS[:size]]
    assert proof.merkle_root(leaves) == RFC6962_ROOTS[size]


def _reference_root(leaves):
    """RFC 6962 §2.1's recursive definition, word for word: split at the largest power of two below n."""
    if len(leaves) == 1:
        return bytes.fromhex(leaves[0])
    split = 1 << (len(leaves) - 1).bit_length() - 1
    return hashlib.sha256(b"\x01" + _reference_root(leaves[:split]) + _reference_root(leaves[split:])).digest()


def test_the_streaming_tree_follows_the_recursive_definition_for_every_size_up_to_70():
    leaves = [_leaf(bytes([index])) for index in range(70)]
    for size in range(1, 71):
        assert proof.merkle_root(leaves[:size]) == _reference_root(leaves[:size]).hex(), size


def test_lines_that_collided_under_version_1_have_different_leaves():
    """Issue #23: fields joined by 0x1f let an attacker's user agent move text between fields."""
    first = kit.line(1, kit.NOW, user_agent="x\x1fy", detail="")
    second = kit.line(1, kit.NOW, user_agent="x", detail="y\x1f")
    assert first != second
    assert proof.leaf_hash_v1(first) == proof.leaf_hash_v1(second)
    assert proof.leaf_hash(first) != proof.leaf_hash(second)


def test_the_encodings_are_the_spec_s():
    row = kit.line(5, kit.NOW)
    assert proof.canonical({"b": 1, "a": "é"}) == b'{"a":"\\u00e9","b":1}'
    assert proof.leaf_hash(row) == hashlib.sha256(b"\x00" + proof.canonical(row)).hexdigest()
    assert proof.leaf_hash(row | {"seal": 3, "hash": "x"}) == proof.leaf_hash(row)  # only LINE_FIELDS count
    joined = "\x1f".join(
        ["5", row["occurred_at"], "consultation", "GREF0001", "7", "192.0.2.10", "Mozilla/5.0", ""]
        + ["3", "1234567", "situation", "", "2026/0042", "aide juridictionnelle"]
    )
    assert proof.leaf_hash_v1(row) == hashlib.sha256(b"\x00" + joined.encode()).hexdigest()
    assert (
        proof.leaf_hash_v1(row | {"user_id": None, "source_ip": None})
        == hashlib.sha256(b"\x00" + joined.replace("\x1f7\x1f192.0.2.10\x1f", "\x1f\x1f\x1f").encode()).hexdigest()
    )
    seal = kit.standard().seals[0]
    assert (
        proof.seal_hash(seal)
        == hashlib.sha256(proof.canonical({name: seal[name] for name in proof.SEAL_FIELDS})).hexdigest()
    )
    assert proof.DEV_SEED == hashlib.sha256(b"cafpro-development-journal-key").digest()
    assert len(proof.dev_public_key()) == 32


# -- an untouched export -----------------------------------------------------------------------------------


def _verify(journal, tmp_path, **options):
    return kit.verify_export(kit.write(journal, tmp_path / "export"), **options)


def test_an_untouched_export_is_whole(tmp_path):
    report = _verify(kit.standard(), tmp_path)
    assert report.ok, report.summary()
    assert (report.seals, report.lines, report.checkpoints, report.pending) == (3, 11, 4, 1)
    assert (report.purged_seals, report.unanchored_seals, report.dev_keys) == (0, 0, False)
    assert report.first_failure is None
    assert report.summary().startswith("Journal intègre et complet.")


def test_a_seal_not_anchored_yet_is_counted_not_failed(tmp_path):
    journal = kit.standard()
    journal.seal(kit.NOW)  # the pending line, sealed; the checkpoint comes at the sealer's next step
    report = _verify(journal, tmp_path)
    assert report.ok, report.summary()
    assert (report.unanchored_seals, report.pending) == (1, 0)


def test_verify_takes_streams_and_reads_each_seal_s_lines_once(tmp_path):
    """Streaming: the caller hands an iterator of seals and the lines seal by seal (the database's path)."""
    journal = kit.standard()
    asked = []

    def lines_of(number):
        asked.append(number)
        return iter(journal.lines_of(number))

    report = proof.verify(
        seals=iter(journal.seals),
        lines_of=lines_of,
        checkpoints=journal.checkpoints,
        pending=[row for row in journal.lines if row["seal"] is None],
        public_key=proof.public_key_of(kit.TEST_SEED),
        now=kit.NOW,
        retention=kit.RETENTION,
        max_age=kit.MAX_AGE,
    )
    assert report.ok, report.summary()
    assert asked == [1, 2, 3]


# -- each tampering of the table, with its position -------------------------------------------------------


def _first(report):
    assert not report.ok
    return report.first_failure


def test_a_line_altered(tmp_path):
    journal = kit.standard()
    journal.lines[4]["detail"] = "rien à voir"  # line 5, in seal 2
    position, message = _first(_verify(journal, tmp_path))
    assert position == "sceau n° 2"
    assert "racine différente" in message and "n° 4 à 7" in message


def test_a_line_altered_is_named_when_the_lines_carry_their_leaf(tmp_path):
    journal = kit.standard()
    for row in journal.lines:
        row["hash"] = proof.leaf_hash(row)
    journal.lines[4]["detail"] = "rien à voir"
    assert _first(_verify(journal, tmp_path)) == (
        "ligne n° 5",
        "(sceau n° 2) modifiée : son contenu ne donne plus sa feuille",
    )


def test_a_line_altered_and_its_seals_recomputed(tmp_path):
    journal = kit.standard()
    journal.lines[4]["detail"] = "rien à voir"
    journal.reseal(2)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "point d'ancrage du sceau n° 2"
    assert "le sceau diffère de celui ancré le" in message


def test_a_middle_line_deleted(tmp_path):
    journal = kit.standard()
    del journal.lines[5]  # line 6 of seal 2 (lines 4-7)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "sceau n° 2"
    assert message == "3 lignes au lieu de 4 : lignes supprimées, première lacune après la ligne n° 5"


def test_a_middle_line_deleted_and_its_seals_recomputed(tmp_path):
    journal = kit.standard()
    del journal.lines[5]
    journal.reseal(2)
    assert _first(_verify(journal, tmp_path))[0] == "point d'ancrage du sceau n° 2"


def test_a_line_appended_to_a_seal(tmp_path):
    journal = kit.standard()
    journal.lines.insert(10, kit.line(11, kit.NOW - dt.timedelta(minutes=3), seal=3))
    journal.lines[-1]["id"] = 12
    assert _first(_verify(journal, tmp_path)) == (
        "ligne n° 11",
        "hors du sceau n° 3 (lignes n° 8 à 10) : ajoutée",
    )


def test_a_line_appended_to_a_seal_and_the_seal_recomputed(tmp_path):
    journal = kit.standard()
    journal.lines.insert(10, kit.line(11, kit.NOW - dt.timedelta(minutes=3), seal=3))
    journal.lines[-1]["id"] = 12
    journal.reseal(3)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "point d'ancrage du sceau n° 3"


def test_a_line_attached_to_a_seal_that_does_not_exist(tmp_path):
    journal = kit.standard()
    journal.lines[-1]["seal"] = 9
    report = _verify(journal, tmp_path)
    assert _first(report) == (
        "ligne n° 11",
        "rattachée au sceau n° 9, qui n'existe pas (ligne insérée ou sceau supprimé)",
    )


def test_a_seal_moved(tmp_path):
    journal = kit.standard()
    journal.seals[1], journal.seals[2] = journal.seals[2], journal.seals[1]
    report = _verify(journal, tmp_path)
    assert _first(report) == ("sceau n° 2", "absent : un sceau a été supprimé ou déplacé")
    assert ("sceau n° 2", "hors de son rang (déplacé ou en double)") in report.failures


def test_a_seal_renumbered(tmp_path):
    journal = kit.standard()
    journal.seals[2]["number"] = 4
    for row in journal.lines_of(3):
        row["seal"] = 4
    journal.reseal(3)
    report = _verify(journal, tmp_path)
    assert _first(report) == ("sceau n° 3", "absent : un sceau a été supprimé ou déplacé")


def test_a_middle_seal_deleted(tmp_path):
    journal = kit.standard()
    del journal.seals[1]
    report = _verify(journal, tmp_path)
    assert _first(report) == ("sceau n° 2", "absent : un sceau a été supprimé ou déplacé")
    assert any(
        position == "ligne n° 4" and "sceau n° 2, qui n'existe pas" in text for position, text in report.failures
    )


def test_a_middle_seal_and_its_lines_deleted_and_the_chain_recomputed(tmp_path):
    journal = kit.standard()
    journal.lines = [row for row in journal.lines if row["seal"] != 2]
    del journal.seals[1]
    journal.seals[1]["number"] = 2
    for row in journal.lines_of(3):
        row["seal"] = 2
    journal.reseal(2)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "point d'ancrage du sceau n° 2"


def test_the_tail_cut_seals_and_lines(tmp_path):
    journal = kit.standard()
    del journal.seals[2]
    journal.lines = [row for row in journal.lines if row["seal"] != 3]
    report = _verify(journal, tmp_path)
    position, message = _first(report)
    assert position == "point d'ancrage du sceau n° 3"
    assert message.endswith("introuvable : journal tronqué")


def test_a_seal_altered(tmp_path):
    journal = kit.standard()
    journal.seals[1]["sealed_at"] = proof._iso(kit.NOW - dt.timedelta(days=3))
    assert _first(_verify(journal, tmp_path)) == (
        "sceau n° 2",
        "altéré : son contenu ne correspond plus à son empreinte",
    )


def test_a_seal_altered_with_its_hash_recomputed(tmp_path):
    journal = kit.standard()
    journal.seals[1]["sealed_at"] = proof._iso(kit.NOW - dt.timedelta(days=3))
    journal.seals[1]["hash"] = proof.seal_hash(journal.seals[1])
    report = _verify(journal, tmp_path)
    assert _first(report)[0] == "point d'ancrage du sceau n° 2"
    assert any(position == "sceau n° 3" and text.startswith("chaîne rompue") for position, text in report.failures)


def test_a_checkpoint_forged(tmp_path):
    journal = kit.standard()
    journal.checkpoints[1]["payload"]["lines"] = 3
    assert _first(_verify(journal, tmp_path)) == (
        "point d'ancrage du sceau n° 2",
        "signature invalide pour cette clé publique (falsifié ou re-signé)",
    )


def test_a_checkpoint_re_signed_with_another_key(tmp_path):
    journal = kit.standard()
    journal.checkpoints[1] = proof.sign_checkpoint(journal.checkpoints[1]["payload"], kit.OTHER_SEED)
    assert _first(_verify(journal, tmp_path)) == (
        "point d'ancrage du sceau n° 2",
        "signature invalide pour cette clé publique (falsifié ou re-signé)",
    )


def test_everything_re_sealed_and_re_signed_with_another_key(tmp_path):
    journal = kit.standard()
    journal.lines[4]["detail"] = "rien à voir"
    journal.reseal(1)
    journal.checkpoints = [proof.sign_checkpoint(c["payload"], kit.OTHER_SEED) for c in journal.checkpoints]
    report = _verify(journal, tmp_path)
    assert _first(report) == (
        "point d'ancrage du sceau n° 1",
        "signature invalide pour cette clé publique (falsifié ou re-signé)",
    )
    assert report.failures[-1] == ("témoin", "aucun point d'ancrage valide : le journal ne peut être prouvé")


def test_today_s_seal_s_lines_deleted_are_not_a_purge(tmp_path):
    journal = kit.standard()
    journal.lines = [row for row in journal.lines if row["seal"] != 3]
    position, message = _first(_verify(journal, tmp_path))
    assert position == "sceau n° 3"
    assert message.startswith("lignes supprimées : ses 3 lignes manquent alors qu'il n'est pas purgeable")


def test_a_seal_of_two_days_ago_is_not_purgeable_either(tmp_path):
    journal = kit.standard()
    journal.lines = [row for row in journal.lines if row["seal"] != 2]
    position, message = _first(_verify(journal, tmp_path))
    assert position == "sceau n° 2"
    assert "ancré pour la première fois le 2026-12-04T12:00:00.000000+00:00" in message


def test_an_old_seal_s_lines_deleted_are_a_purge(tmp_path):
    journal = kit.standard()
    journal.lines = [row for row in journal.lines if row["seal"] != 1]
    report = _verify(journal, tmp_path)
    assert report.ok, report.summary()
    assert (report.purged_seals, report.purged_lines, report.lines) == (1, 3, 8)
    assert "1 sceaux purgés (3 lignes)" in report.summary()


def test_the_retention_is_counted_from_the_signed_anchors(tmp_path):
    journal = kit.standard()
    journal.lines = [row for row in journal.lines if row["seal"] != 1]
    report = _verify(journal, tmp_path, retention=dt.timedelta(days=401))
    assert _first(report)[0] == "sceau n° 1"


def test_a_partial_deletion_in_an_old_seal(tmp_path):
    journal = kit.standard()
    del journal.lines[1]  # line 2 of seal 1 (lines 1-3)
    assert _first(_verify(journal, tmp_path)) == (
        "sceau n° 1",
        "2 lignes au lieu de 3 : lignes supprimées, première lacune après la ligne n° 1",
    )


def test_a_line_dated_before_the_previous_anchor(tmp_path):
    """The superuser inserts a line dated 30 days ago; the sealer seals and signs it in good faith."""
    journal = kit.standard()
    journal.lines.append(kit.line(12, kit.NOW - dt.timedelta(days=30), seal=None))
    journal.seal_and_anchor(kit.NOW)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "ligne n° 12"
    assert message.startswith("(sceau n° 4) antidatée / insérée : datée du 2026-11-06T12:00:00.000000+00:00")


def test_a_pending_line_dated_before_the_newest_anchor(tmp_path):
    journal = kit.standard()
    journal.lines.append(kit.line(12, kit.NOW - dt.timedelta(days=30), seal=None))
    position, message = _first(_verify(journal, tmp_path))
    assert position == "ligne n° 12"
    assert message.startswith("antidatée / insérée")


def test_the_newest_checkpoints_removed_stale_witness(tmp_path):
    journal = kit.standard()
    del journal.checkpoints[2:]
    report = _verify(journal, tmp_path)
    position, message = _first(report)
    assert position == "point d'ancrage du sceau n° 2"
    assert message.endswith("témoin en retard : le scelleur est arrêté ou le témoin tronqué")
    assert report.unanchored_seals == 1


def test_the_sealer_stopped(tmp_path):
    report = _verify(kit.standard(), tmp_path, now=kit.NOW + dt.timedelta(hours=1))
    assert _first(report) == (
        "ligne n° 11",
        "jamais scellée depuis le 2026-12-06T11:59:30.000000+00:00 : le scelleur est arrêté",
    )
    assert report.failures[-1] == (
        "point d'ancrage du sceau n° 3",
        "dernier point d'ancrage du 2026-12-06T11:59:00.000000+00:00 : témoin en retard : le scelleur est arrêté "
        "ou le témoin tronqué",
    )


def test_no_checkpoint_at_all(tmp_path):
    journal = kit.standard()
    journal.checkpoints = []
    assert _first(_verify(journal, tmp_path)) == (
        "témoin",
        "aucun point d'ancrage valide : le journal ne peut être prouvé",
    )


def test_an_empty_journal_without_checkpoint_is_whole(tmp_path):
    assert _verify(kit.Journal(), tmp_path).ok


def test_checkpoints_anchored_out_of_order(tmp_path):
    journal = kit.standard()
    journal.checkpoints[2] = proof.sign_checkpoint(
        journal.checkpoints[2]["payload"] | {"anchored_at": proof._iso(kit.NOW - dt.timedelta(days=3))},
        kit.TEST_SEED,
    )
    position, message = _first(_verify(journal, tmp_path))
    assert position == "point d'ancrage du sceau n° 3"
    assert "pas après le point d'ancrage d'un sceau antérieur" in message


def test_a_checkpoint_of_another_journal(tmp_path):
    journal = kit.standard()
    journal.checkpoints[0] = proof.sign_checkpoint(
        journal.checkpoints[0]["payload"] | {"journal": "autre"}, kit.TEST_SEED
    )
    assert _first(_verify(journal, tmp_path)) == (
        "point d'ancrage du sceau n° 1",
        "point d'ancrage d'un autre journal ('autre')",
    )


def test_a_checkpoint_with_a_wrong_line_count(tmp_path):
    journal = kit.standard()
    journal.checkpoints[1] = proof.sign_checkpoint(journal.checkpoints[1]["payload"] | {"lines": 6}, kit.TEST_SEED)
    position, message = _first(_verify(journal, tmp_path))
    assert position == "point d'ancrage du sceau n° 2"
    assert "6 lignes ancrées" in message and "7 dans les sceaux" in message


# -- unreadable witness --------------------------------------------------------------------------------------


def test_an_unreadable_witness_fails_closed(tmp_path):
    directory = kit.write(kit.standard(), tmp_path / "export")
    (directory / "checkpoints.jsonl").unlink()
    with pytest.raises(proof.WitnessUnreadable, match="témoin illisible"):
        proof.load_export(directory)
    for location in ("syslog:witness.example:6514", tmp_path / "nowhere", "", None):
        with pytest.raises(proof.WitnessUnreadable):
            proof.read_checkpoints(location)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "checkpoint-000000000001.json").write_text("{not json")
    with pytest.raises(proof.WitnessUnreadable, match="checkpoint-000000000001.json"):
        proof.read_checkpoints(tmp_path / "broken")


def test_the_three_witness_formats_read_the_same_checkpoints(tmp_path):
    checkpoints = kit.standard().checkpoints
    directory = tmp_path / "witness"
    directory.mkdir()
    for index, checkpoint in enumerate(checkpoints):
        (directory / f"checkpoint-{index:012d}.json").write_text(json.dumps(checkpoint, indent=1))
    (directory / "unrelated.txt").write_text("ignored")
    syslog = tmp_path / "syslog.log"
    syslog.write_text(
        "".join(
            f"Dec  6 11:59:00 sealer cafpro: cafpro-journal-checkpoint {json.dumps(c)}\x00\n"
            "Dec  6 11:59:01 sealer cron: unrelated\n"
            for c in checkpoints
        )
    )
    framed = tmp_path / "framed.log"  # RFC 6587 octet counting: no line breaks between messages
    messages = [f"<14>1 - sealer cafpro - - - cafpro-journal-checkpoint {json.dumps(c)}" for c in checkpoints]
    framed.write_text("".join(f"{len(message.encode())} {message}" for message in messages))
    jsonl = tmp_path / "checkpoints.jsonl"
    jsonl.write_text("\n".join(json.dumps(c) for c in checkpoints) + "\n")
    for location in (directory, syslog, framed, jsonl, str(jsonl)):
        assert proof.read_checkpoints(location) == checkpoints, location
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "empty").mkdir()
    assert proof.read_checkpoints(tmp_path / "empty.jsonl") == proof.read_checkpoints(tmp_path / "empty") == []


# -- keys ----------------------------------------------------------------------------------------------------


def _dev_journal():
    journal = kit.Journal(seed=proof.DEV_SEED)
    journal.write_lines(2, kit.NOW - dt.timedelta(minutes=3))
    journal.seal_and_anchor(kit.NOW - dt.timedelta(minutes=2))
    return journal


def test_development_keys_are_named(tmp_path):
    report = _verify(_dev_journal(), tmp_path, public_key=proof.dev_public_key())
    assert report.ok and report.dev_keys
    assert "clés de développement : ce journal ne prouve rien" in report.notes
    assert "clés de développement : ce journal ne prouve rien" in report.summary()


def test_development_keys_fail_in_production(tmp_path):
    report = _verify(_dev_journal(), tmp_path, public_key=proof.dev_public_key(), production=True)
    assert _first(report) == ("clé publique", "clés de développement : ce journal ne prouve rien")
    assert report.dev_keys


# -- version 1 seals -----------------------------------------------------------------------------------------


def _mixed():
    """Two version 1 seals (the existing journal), then version 2 seals chained to the last one's HMAC."""
    journal = kit.Journal()
    journal.write_lines(2, kit.NOW - dt.timedelta(days=2, minutes=1), user_agent="a\x1fb")
    journal.seal(kit.NOW - dt.timedelta(days=2), version=1)
    journal.anchor(kit.NOW - dt.timedelta(days=2))
    journal.write_lines(2, kit.NOW - dt.timedelta(days=1, minutes=1))
    journal.seal(kit.NOW - dt.timedelta(days=1), version=1)
    journal.anchor(kit.NOW - dt.timedelta(days=1))
    journal.write_lines(2, kit.NOW - dt.timedelta(minutes=3))
    journal.seal_and_anchor(kit.NOW - dt.timedelta(minutes=2))
    return journal


def test_version_1_seals_keep_verifying(tmp_path):
    journal = _mixed()
    assert journal.seals[2]["previous"] == journal.seals[1]["mac"]
    report = _verify(journal, tmp_path)
    assert report.ok, report.summary()
    assert report.notes == ["2 sceaux de version 1 : chaînage vérifiable seulement par leurs points d'ancrage"]


def test_a_line_of_a_version_1_seal_altered(tmp_path):
    journal = _mixed()
    journal.lines[2]["detail"] = "autre"
    assert _first(_verify(journal, tmp_path))[0] == "sceau n° 2"


def test_a_version_1_seal_differing_from_its_checkpoint(tmp_path):
    journal = _mixed()
    journal.lines[2]["detail"] = "autre"
    journal.reseal(2)  # the root recomputed; the HMAC cannot be without the old secret, and is kept
    report = _verify(journal, tmp_path)
    assert _first(report) == (
        "point d'ancrage du sceau n° 2",
        f"le sceau diffère de celui ancré le {journal.checkpoints[1]['payload']['anchored_at']}",
    )


def _downgrade(journal, number):
    """The superuser turns a version 2 seal into a 'version 1' one whose HMAC is the hash the next seal chains
    to, to rewrite its lines without breaking the chain."""
    seal = journal.seals[number - 1]
    seal["mac"] = seal.pop("hash")
    seal["version"] = 1
    for row in journal.lines_of(number):
        row["detail"] = "réécrit"
    seal["root"] = proof.merkle_root([proof.leaf_hash_v1(row) for row in journal.lines_of(number)])


def test_a_version_2_seal_downgraded_to_version_1(tmp_path):
    journal = kit.standard()
    _downgrade(journal, 2)
    report = _verify(journal, tmp_path)
    assert _first(report) == ("sceau n° 2", "de version 1 après un sceau de version 2 : rétrogradé")
    assert any(position == "point d'ancrage du sceau n° 2" for position, _ in report.failures)


def test_the_first_seals_downgraded_to_version_1(tmp_path):
    """Seals 1-2 made in one run and anchored once, at seal 2: seal 1 downgraded is not covered by a version 1
    checkpoint."""
    journal = kit.Journal()
    journal.write_lines(2, kit.NOW - dt.timedelta(minutes=5))
    journal.seal(kit.NOW - dt.timedelta(minutes=4))
    journal.write_lines(2, kit.NOW - dt.timedelta(minutes=4))
    journal.seal_and_anchor(kit.NOW - dt.timedelta(minutes=4))
    assert _verify(journal, tmp_path / "before").ok
    _downgrade(journal, 1)
    assert _first(_verify(journal, tmp_path)) == (
        "sceau n° 1",
        "de version 1 sans point d'ancrage de version 1 qui le couvre : rétrogradé",
    )


def test_a_line_moved_to_another_seal(tmp_path):
    journal = kit.standard()
    journal.lines[6]["seal"] = 3  # line 7, the last of seal 2
    report = _verify(journal, tmp_path)
    assert _first(report) == ("sceau n° 2", "3 lignes au lieu de 4 : lignes supprimées")
    assert ("ligne n° 7", "hors du sceau n° 3 (lignes n° 8 à 10) : ajoutée") in report.failures
