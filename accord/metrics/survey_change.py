"""Change in a survey score between two cycles, with a confidence interval and a verdict.

A difference of means between two cycles is shown with its interval, and the verdict is
"no detectable change" whenever the interval covers zero (../shared/METRICS.md §4,
docs/methods.md). Independent cycles (anonymous responses cannot be linked across cycles)
use Welch's t interval, which does not assume equal variances (Welch 1947); a paired
interval is available for data that are genuinely paired (the same team's scores on the same
indicators, for instance).

Plain numbers in, a frozen result with its reasons out; nothing here imports Django.
"""

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

Verdict = Literal["improved", "declined", "no detectable change", "not enough data"]


@dataclass(frozen=True)
class Change:
    """``diff`` = after − before; ``low``/``high`` bound its interval (None without one)."""

    before_mean: float | None
    after_mean: float | None
    diff: float | None
    low: float | None
    high: float | None
    verdict: Verdict
    before_n: int = 0
    after_n: int = 0
    confidence: float = 0.95
    method: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def sentence(self) -> str:
        if self.diff is None or self.low is None or self.high is None:
            return "Not enough responses in both cycles to compare."
        span = f"{self.diff:+.2f} ({self.confidence:.0%} CI {self.low:+.2f} to {self.high:+.2f})"
        if self.verdict == "no detectable change":
            return f"No detectable change: {span}."
        return f"{self.verdict.capitalize()}: {span}."


def _clean(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    return array[~np.isnan(array)]


def _verdict(low: float, high: float, *, higher_is_better: bool) -> Verdict:
    if low <= 0 <= high:
        return "no detectable change"
    rose = low > 0
    return "improved" if rose == higher_is_better else "declined"


# Welch 1947: diff = x̄_after − x̄_before, se = √(s₁²/n₁ + s₂²/n₂),
# df = se⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)), interval diff ± t_{1−γ/2, df}·se.
# Paired (Student 1908): the same on the pairwise differences with df = n − 1.
# Verdict: "no detectable change" when the interval covers 0.
def mean_change(
    before: ArrayLike,
    after: ArrayLike,
    *,
    confidence: float = 0.95,
    paired: bool = False,
    higher_is_better: bool = True,
) -> Change:
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    if paired:
        first = np.asarray(before, dtype=np.float64).ravel()
        second = np.asarray(after, dtype=np.float64).ravel()
        if first.shape != second.shape:
            raise ValueError("paired data need the same number of values before and after")
        keep = ~(np.isnan(first) | np.isnan(second))
        first, second = first[keep], second[keep]
    else:
        first, second = _clean(before), _clean(after)
    n1, n2 = int(first.size), int(second.size)
    mean1 = float(first.mean()) if n1 else None
    mean2 = float(second.mean()) if n2 else None
    method = (
        "paired t interval on the differences"
        if paired
        else "Welch's t interval (unequal variances)"
    )
    if n1 < 2 or n2 < 2:
        return Change(
            mean1, mean2, None if mean1 is None or mean2 is None else mean2 - mean1,
            None, None, "not enough data", n1, n2, confidence, method,
            ("At least two responses in each cycle are needed for an interval.",),
        )  # fmt: skip
    assert mean1 is not None
    assert mean2 is not None
    diff = mean2 - mean1
    if paired:
        differences = second - first
        se = float(differences.std(ddof=1)) / math.sqrt(n1)
        df = float(n1 - 1)
    else:
        v1 = float(first.var(ddof=1)) / n1
        v2 = float(second.var(ddof=1)) / n2
        se = math.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if se > 0 else math.inf
    if se == 0:
        low = high = diff
    else:
        half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
        low, high = diff - half, diff + half
    verdict = _verdict(low, high, higher_is_better=higher_is_better)
    reasons = (
        f"Mean {mean1:.2f} (n={n1}) then {mean2:.2f} (n={n2}); difference {diff:+.2f}.",
        f"{confidence:.0%} {method}: {low:+.2f} to {high:+.2f}.",
        "The interval covers zero, so the data cannot tell the cycles apart."
        if verdict == "no detectable change"
        else f"The whole interval lies {'above' if low > 0 else 'below'} zero.",
    )
    return Change(mean1, mean2, diff, low, high, verdict, n1, n2, confidence, method, reasons)
