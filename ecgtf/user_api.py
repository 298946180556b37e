"""The user API as one namespace, handed down to code below it that must drive user-facing objects.

A model folder sits below the user API and never imports it; an evaluation of a model that compares
reconstructors or denoisers (``ecgtf evaluate --diagnostic``, the denoising bench) receives this namespace
from its caller instead: the CLI, a ``python -m training.…`` shim, or ``python -m export.golden``.
"""
from __future__ import annotations

from types import SimpleNamespace

from ecgtf.denoising import Denoiser, windowed
from ecgtf.reconstructor import Reconstructor

API = SimpleNamespace(Reconstructor=Reconstructor, Denoiser=Denoiser, windowed=windowed)
