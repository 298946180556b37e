"""argparse types that refuse a bad number with a message naming what was expected (no NaN, no inf)."""
from __future__ import annotations

import argparse
import math


def _whole_number(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected a number ≥ {minimum}, got {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer ≥ 1."""
    return _whole_number(text, 1)


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text}")
    return value


def finite_float(text: str) -> float:
    """argparse type: a finite number (refuses nan and inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer ≥ 0."""
    return _whole_number(text, 0)


def fraction(text: str) -> float:
    """argparse type: a number in [0, 1)."""
    value = finite_float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text}")
    return value


def coverage(text: str) -> float:
    """argparse type: a band's nominal coverage in [0.01, 0.99] (a probability, not a percentage)."""
    value = finite_float(text)
    if not 0.01 <= value <= 0.99:
        hint = f" (a probability: {value / 100:g} for {value:g} %)" if 5 <= value < 100 else ""
        raise argparse.ArgumentTypeError(f"expected a probability between 0.01 and 0.99, got {text}{hint}")
    return value
