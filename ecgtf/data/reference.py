"""The real records of the synthesis protocol (:mod:`ecgtf.synthesis_quality`): PTB-XL split by patient into a
reference half and a half generators may train on, and the millivolt 12-lead sets below the data root.
"""
from __future__ import annotations


def ptbxl_halves(data_dir=None, progress: bool = False, seed: int = 0):
    """PTB-XL (mV) split by patient into two halves: ``(training_half, reference_half)`` EcgDatasets.

    The reference half is what every source is compared with; the other half is the real-vs-real row
    and may be used to train generators.
    """
    from ecgtf.data.ptbxl import PTBXL
    from ecgtf.data.sources import dataset_dir
    from ecgtf.data.splits import split_by_patient

    ds = PTBXL(dataset_dir("ptb-xl", data_dir)).load(progress=progress)
    first, second = split_by_patient(ds.patient_ids, (0.5, 0.5), seed=seed)
    return ds.subset(first), ds.subset(second)


MV_SOURCES = ("ptb-xl", "ludb", "cinc2011", "cinc2021")
"""The millivolt 12-lead sets below the data root that generators may train on."""


def load_mv_records(source: str, data_dir=None, progress: bool = False):
    """One millivolt 12-lead set as an EcgDataset at its own rate (CinC 2011: acceptable records with no
    saturated or flat lead; CinC 2021: 10 s at 500 Hz)."""
    from ecgtf.data.sources import dataset_dir

    folder = dataset_dir(source, data_dir)
    if source == "ptb-xl":
        from ecgtf.data.ptbxl import PTBXL
        return PTBXL(folder).load(progress=progress)
    if source == "ludb":
        from ecgtf.data.ludb import LUDB
        return LUDB(folder).load(progress=progress)
    if source == "cinc2011":
        from ecgtf.data.cinc import CinC2011
        ds = CinC2011(folder).load(quality="acceptable", progress=progress)
        keep = [i for i, m in enumerate(ds.meta) if not m["saturated_leads"] and not m["flat_leads"]]
        return ds.subset(keep)
    if source == "cinc2021":
        from ecgtf.data.cinc import CinC2021
        return CinC2021(folder).load(seconds=10.0, fs=500.0, progress=progress)
    raise ValueError(f"unknown millivolt source {source!r}; expected one of {MV_SOURCES}")
