"""Moved to :mod:`ecgtf.trainer` (kept so that old imports keep working)."""
from ecgtf.trainer import *  # noqa: F401,F403
