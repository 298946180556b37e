"""Atomic writes, output-onto-input refusal and the writer lock (no TensorFlow)."""
from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecgtf.files import (
    IntegrityError,
    atomic_write_text,
    check_outputs,
    record_digest,
    verify_digest,
)

PROBE = settings(max_examples=40, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROBE
@given(detours=st.lists(st.sampled_from(["sub", "..", "."]), max_size=6))
def test_any_spelling_of_an_input_is_refused_as_an_output(tmp_path, detours):
    (tmp_path / "sub").mkdir(exist_ok=True)
    source = tmp_path / "session.csv"
    source.write_text("1\n")
    (tmp_path / "link.csv").unlink(missing_ok=True)
    os.symlink(source, tmp_path / "link.csv")
    depth, parts = 0, []
    for d in detours:                         # a path through sub/ and back that stays inside tmp_path
        if d == "..":
            if depth == 0:
                continue
            depth -= 1
        elif d == "sub":
            if depth == 1:
                continue
            depth += 1
        parts.append(d)
    parts += [".."] * depth
    spelled = tmp_path.joinpath(*parts, "session.csv")
    for out in (spelled, tmp_path / "link.csv"):
        with pytest.raises(ValueError, match="would overwrite the input"):
            check_outputs([out], [source])
    with pytest.raises(ValueError, match="same file"):
        check_outputs([tmp_path / "new.csv", tmp_path.joinpath(*parts, "new.csv")], [source])
    assert check_outputs([tmp_path / "session.v2.csv"], [source]) == [tmp_path / "session.v2.csv"]


def test_digests_catch_any_change_and_accept_an_unrecorded_file(tmp_path):
    f = tmp_path / "w.h5"
    f.write_bytes(b"weights")
    verify_digest(f)                           # no digest recorded: written before digests existed
    record_digest(f)
    verify_digest(f)
    f.write_bytes(b"weightz")
    with pytest.raises(IntegrityError, match="w.h5"):
        verify_digest(f, "Retrain.")
    (tmp_path / "digests.json").write_text("[1, 2]")
    with pytest.raises(IntegrityError, match="digests.json"):
        verify_digest(f)
    atomic_write_text(tmp_path / "digests.json", json.dumps({"sha256": {}}))
    verify_digest(f)
