"""The real records of the synthesis protocol (:mod:`ecgtf.synthesis_quality`): PTB-XL split by patient into a
reference half and a half generators may train on, and the millivolt 12-lead sets below the data root.
"""
from __future__ import annotations

from ecgtf.data.ptbxl import PTBXL
from ecgtf.data.sources import database, databases_for
from ecgtf.data.splits import split_by_patient


def ptbxl_halves(data_dir=None, progress: bool = False, seed: int = 0):
    """PTB-XL (mV) split by patient into two halves: ``(training_half, reference_half)`` EcgDatasets.

    The reference half is what every source is compared with; the other half is the real-vs-real row
    and may be used to train generators.
    """
    ds = PTBXL.open(data_dir).load(progress=progress)
    first, second = split_by_patient(ds.patient_ids, (0.5, 0.5), seed=seed)
    return ds.subset(first), ds.subset(second)


MV_SOURCES = databases_for("millivolt_dataset")
"""The millivolt 12-lead sets below the data root that generators may train on (``ptb-xl``, ``ludb``, ``cinc2011``,
``cinc2021``)."""


def load_mv_records(source: str, data_dir=None, progress: bool = False):
    """One millivolt 12-lead set as an EcgDataset at its own rate (the database's
    :meth:`~ecgtf.data.database.Database.millivolt_dataset`: CinC 2011 acceptable records with no saturated or
    flat lead, CinC 2021 10 s at 500 Hz)."""
    return database(source, data_dir, role="millivolt_dataset").millivolt_dataset(progress=progress)
