"""Draw customer histories from the BG/NBD and Gamma-Gamma generative stories."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def simulate_bgnbd(
    rng: np.random.Generator,
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    age: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(frequency, recency) for ``n`` customers observed for ``age`` time units each."""
    rates = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    dropout = rng.beta(a, b, size=n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    for i in range(n):
        t, x, last = 0.0, 0, 0.0
        while True:
            t += rng.exponential(1.0 / rates[i])
            if t > age[i]:
                break
            x += 1
            last = t
            if rng.random() < dropout[i]:
                break
        frequency[i], recency[i] = x, last
    return frequency, recency


def simulate_spend(
    rng: np.random.Generator, frequency: NDArray[np.float64], p: float, q: float, gamma: float
) -> NDArray[np.float64]:
    """Mean purchase value per customer (0 where there are no repeats)."""
    nu = rng.gamma(shape=q, scale=1.0 / gamma, size=frequency.size)
    x = frequency
    total = np.where(x > 0, rng.gamma(shape=np.maximum(p * x, 1e-9), scale=1.0 / nu), 0.0)
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)


def simulate_purchase_days(
    rng: np.random.Generator,
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    span: NDArray[np.float64],
) -> list[NDArray[np.float64]]:
    """Each customer's purchase times (days after the first, which is 0) up to ``span``."""
    rates = rng.gamma(shape=r, scale=1.0 / alpha, size=n)
    dropout = rng.beta(a, b, size=n)
    histories = []
    for i in range(n):
        t, times = 0.0, [0.0]
        while True:
            t += rng.exponential(1.0 / rates[i])
            if t > span[i]:
                break
            times.append(t)
            if rng.random() < dropout[i]:
                break
        histories.append(np.array(times))
    return histories


def simulate_purchase_values(
    rng: np.random.Generator, counts: list[int], p: float, q: float, gamma: float
) -> list[NDArray[np.float64]]:
    """Each purchase's value: Gamma(p, ν) around the customer's own ν ~ Gamma(q, γ)."""
    nu = rng.gamma(shape=q, scale=1.0 / gamma, size=len(counts))
    return [rng.gamma(shape=p, scale=1.0 / nu[i], size=k) for i, k in enumerate(counts)]
