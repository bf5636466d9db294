"""Poisson tail probability: how surprising k reports are when mu were expected.

A z-score on a baseline of 3 mentions a day is meaningless; the exact tail P(X >= k) is
sound at the small counts regional brands really have.
"""

from __future__ import annotations

import math


def tail(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    term = math.exp(-mu)
    below = term
    for i in range(1, k):
        term *= mu / i
        below += term
    return max(0.0, 1.0 - below) if below < 0.999 else _upper_sum(k, mu)


def _upper_sum(k: int, mu: float) -> float:
    """Sum the upper tail directly when 1 - P(X < k) would lose precision."""
    log_term = -mu + k * math.log(mu) - math.lgamma(k + 1)
    total = 0.0
    i = k
    while True:
        term = math.exp(log_term)
        total += term
        if term < total * 1e-16 or i > k + 10_000:
            return total
        i += 1
        log_term += math.log(mu) - math.log(i)
