"""Compile the Android demo's plain-Java signal core and run its JUnit 4 tests against fresh golden vectors."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JUNIT = Path("/usr/share/java/junit4.jar")


@pytest.mark.skipif(shutil.which("javac") is None or not JUNIT.exists(),
                    reason="javac or JUnit 4 not installed (Debian: apt-get install default-jdk-headless junit4); "
                           "tests/run.sh installs them")
def test_java_core_matches_python_pipeline(tmp_path):
    r = subprocess.run(["bash", str(ROOT / "android_demo" / "core" / "run_tests.sh"), str(tmp_path / "golden")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "OK (" in r.stdout
