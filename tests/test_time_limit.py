"""The suite's own rule: a test that hangs stops the run within minutes, naming itself and showing where it waits
(tests/conftest.py, `pytest_runtest_protocol`) — CI's 90 minutes were once spent on one Playwright call."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_test_past_the_time_limit_stops_the_run_with_its_name_and_where_it_waits(tmp_path):
    stuck = tmp_path / "test_stuck.py"
    stuck.write_text("import time\n\n\ndef test_stuck():\n    time.sleep(60)\n")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", str(stuck)],
        cwd=ROOT,
        env={**os.environ, "CAFPRO_TEST_TIME_LIMIT": "2"},
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert run.returncode == 3, run.stdout + run.stderr
    assert "test_stuck.py::test_stuck: still running after 2 s; the run stops" in run.stderr
    assert f'File "{stuck}", line 5 in test_stuck' in run.stderr, run.stderr
