"""Progress bars for long work (tqdm); quiet when ``ECGTF_NO_PROGRESS=1``."""
from __future__ import annotations

import os

from tqdm.auto import tqdm


def progress_bar(iterable=None, **kwargs):
    kwargs.setdefault("disable", os.environ.get("ECGTF_NO_PROGRESS") == "1")
    kwargs.setdefault("leave", False)
    return tqdm(iterable, **kwargs)
