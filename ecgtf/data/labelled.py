"""Labelled 12-lead records from the named datasets (PTB-XL, its z-scored copy, LUDB, CinC 2021) or ecgtf's
labelled synthetic generator, one record at a time, for the conditional generators and the classifier."""
from __future__ import annotations

from ecgtf.data.cinc import CinC2021
from ecgtf.data.ludb import LUDB
from ecgtf.data.ptbxl import PTBXL, PtbxlZscore
from ecgtf.data.records import EcgRecord, drop_exact_duplicates
from ecgtf.data.sources import dataset_dir
from ecgtf.data.synthetic import REALISTIC_RANGES, generate_dataset
from ecgtf.leads import LEADS

LABELLED_SOURCES = ("ptb-xl", "ptb-xl-zscore", "ludb", "cinc2021")


def labelled_records(sources, data_dir=None, n_synthetic: int = 60, seed: int = 0, progress: bool = False):
    """Every labelled 12-lead record of ``sources`` as :class:`ecgtf.data.records.EcgRecord`
    (``meta["source"]`` set). ``sources``: names of :data:`LABELLED_SOURCES`, or ``("synthetic",)`` alone
    (ecgtf's labelled generator, ``n_synthetic`` records). Unreadable records are skipped with a warning."""
    if tuple(sources) == ("synthetic",):
        yield from _synthetic_records(n_synthetic, seed)
        return
    for name in sources:
        folder = dataset_dir(name, data_dir)
        if name == "ptb-xl":
            ds, _ = drop_exact_duplicates(PTBXL(folder).load(progress=progress))
            records = _records_of(ds)
        elif name == "ptb-xl-zscore":
            db = PtbxlZscore(folder)
            records = (db.load_record(i) for i in db.ids() if i in db.rows)
        elif name == "ludb":
            records = _records_of(LUDB(folder).load(progress=progress))
        elif name == "cinc2021":
            records = CinC2021(folder).records(progress=progress)
        else:
            raise ValueError(f"labelled data source {name!r}: expected some of {LABELLED_SOURCES} or 'synthetic' alone")
        for rec in records:
            if rec.signal.shape[0] != 12:
                continue
            rec.meta = {**(rec.meta or {}), "source": name}
            yield rec


def _records_of(ds):
    for i in range(len(ds)):
        yield EcgRecord(ds.signals[i], ds.fs, ds.lead_names, ds.record_ids[i], ds.patient_ids[i], ds.labels[i],
                        ds.meta[i] if ds.meta else {}, units=ds.units)


def _synthetic_records(n: int, seed: int):
    # one beat style for every label (learned beats have no CRBBB): the conditional generator learns conduction
    signals, labels, _ = generate_dataset(n, seed=seed, conditions=("NORM", "LAD", "RAD", "CRBBB"),
                                          ranges=REALISTIC_RANGES)
    for i, (sig, lab) in enumerate(zip(signals, labels)):
        yield EcgRecord(sig, 500.0, LEADS, f"syn-{i}", f"syn-{i}", (lab,), {"source": "synthetic"})
