"""Labelled 12-lead records from the named datasets (PTB-XL, its z-scored copy, LUDB, CinC 2021) or ecgtf's
labelled synthetic generator, one record at a time, for the conditional generators and the classifier."""
from __future__ import annotations

from ecgtf.data.records import EcgRecord
from ecgtf.data.sources import database, databases_for
from ecgtf.data.synthetic import REALISTIC_RANGES, generate_dataset
from ecgtf.leads import LEADS

LABELLED_SOURCES = databases_for("labelled_records")
"""The databases with labelled 12-lead records (``ptb-xl``, ``ptb-xl-zscore``, ``ludb``, ``cinc2021``)."""


def labelled_records(sources, data_dir=None, n_synthetic: int = 60, seed: int = 0, progress: bool = False):
    """Every labelled 12-lead record of ``sources`` as :class:`ecgtf.data.records.EcgRecord`
    (``meta["source"]`` set). ``sources``: names of :data:`LABELLED_SOURCES`, or ``("synthetic",)`` alone
    (ecgtf's labelled generator, ``n_synthetic`` records). Unreadable records are skipped with a warning."""
    if tuple(sources) == ("synthetic",):
        yield from _synthetic_records(n_synthetic, seed)
        return
    for name in sources:
        if name == "synthetic":
            raise ValueError(f"labelled data source 'synthetic' goes alone; expected some of {LABELLED_SOURCES}")
        records = database(name, data_dir, role="labelled_records").labelled_records(progress=progress)
        for rec in records:
            if rec.signal.shape[0] != 12:
                continue
            rec.meta = {**(rec.meta or {}), "source": name}
            yield rec


def _synthetic_records(n: int, seed: int):
    # one beat style for every label (learned beats have no CRBBB): the conditional generator learns conduction
    signals, labels, _ = generate_dataset(n, seed=seed, conditions=("NORM", "LAD", "RAD", "CRBBB"),
                                          ranges=REALISTIC_RANGES)
    for i, (sig, lab) in enumerate(zip(signals, labels)):
        yield EcgRecord(sig, 500.0, LEADS, f"syn-{i}", f"syn-{i}", (lab,), {"source": "synthetic"})
