"""JRN-8: whatever a database administrator changes in what is sealed and anchored — any value of a sealed line,
of a seal or of a checkpoint, any field removed — the verifier says so, and never crashes on it."""

import copy
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import proof
from tests.journal import kit

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3),
    max_leaves=4,
)
STANDARD = kit.standard()


def _targets(journal):
    """(dict, key) of every value the proof covers: sealed lines, seals (but the optional stored `hash` removed,
    which changes nothing sealed), checkpoints and their payloads."""
    for row in journal.lines:
        if row["seal"] is not None:
            yield from ((row, key) for key in row)
    for seal in journal.seals:
        yield from ((seal, key) for key in seal)
    for checkpoint in journal.checkpoints:
        yield checkpoint, "signature"
        yield from ((checkpoint["payload"], key) for key in checkpoint["payload"])


TARGETS = len(list(_targets(STANDARD)))


def _verify(journal):
    """Through the export's files: a line's `seal` is read by the export, as an auditor's verifier reads it."""
    with tempfile.TemporaryDirectory() as directory:
        return kit.verify_export(kit.write(journal, Path(directory)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.integers(0, TARGETS - 1), value=VALUES, remove=st.booleans())
def test_any_change_to_what_is_sealed_is_detected(target, value, remove):
    journal = copy.deepcopy(STANDARD)
    where, key = list(_targets(journal))[target]
    if remove:
        if key == "hash":
            return
        del where[key]
    else:
        if proof.canonical(value) == proof.canonical(where[key]):
            return
        where[key] = value
    report = _verify(journal)
    assert not report.ok, (key, value, remove)
    assert report.first_failure[0].startswith(("sceau n° ", "ligne n° ", "point d'ancrage ", "témoin"))


def test_the_untouched_standard_journal_is_whole():
    assert _verify(copy.deepcopy(STANDARD)).ok
