"""Lifetime value: BG/NBD (purchase frequency and churn) with Gamma-Gamma (spend per purchase).

Both models are fitted by maximum likelihood on plain arrays, one entry per customer:

- ``frequency``: repeat purchases (purchases after the first);
- ``recency``: time from the first to the last purchase;
- ``age`` (``T`` in the papers): time from the first purchase to the end of observation;
- ``monetary``: mean value of the customer's repeat purchases (the first left out, as the
  Gamma-Gamma model defines it; only customers with repeats count).

A purchase is what the models count as one transaction: the gateway merges a customer's
orders of one calendar day into one purchase before computing these.

Any time unit works as long as it is the same everywhere (the gateway uses days). The
formulas are those of Fader, Hardie and Lee, "Counting your customers the easy way" (2005)
and "RFM and CLV: using iso-value curves" (2005).

    >>> bg = fit_bgnbd(frequency, recency, age)
    >>> bg.expected_purchases(365.0, frequency, recency, age)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

FloatArray = NDArray[np.float64]

# Parameters are optimised on the log scale so they stay positive; these bounds keep the
# optimiser away from overflow in exp() without excluding any plausible customer base.
_LOG_BOUNDS = (-12.0, 12.0)
_MAX_ITERATIONS = 2_000
_BOUND_MARGIN = 1e-3  # a log-parameter this close to a bound counts as stopped there


def bounded_parameters(model: BetaGeometricNBD | GammaGamma) -> list[str]:
    """The parameters a fit left at the optimiser's bounds: the likelihood wanted them
    further out, so the fit is not a maximum and its figures are suspect."""
    low, high = _LOG_BOUNDS
    names = ("r", "alpha", "a", "b") if isinstance(model, BetaGeometricNBD) else ("p", "q", "gamma")
    at_bound = []
    for name in names:
        log_value = float(np.log(getattr(model, name)))
        if log_value <= low + _BOUND_MARGIN or log_value >= high - _BOUND_MARGIN:
            at_bound.append(name)
    return at_bound


class FitError(ValueError):
    """The data cannot support a fit (too few customers, or no repeat purchases)."""


def _arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    shape = arrays[0].shape
    if any(a.ndim != 1 or a.shape != shape for a in arrays):
        raise ValueError("frequency, recency and age must be one-dimensional and equally long")
    return arrays


def _check_bgnbd_data(x: FloatArray, t_x: FloatArray, age: FloatArray) -> None:
    if np.any(x < 0) or np.any(t_x < 0) or np.any(age <= 0):
        raise ValueError("frequency and recency must be >= 0 and age > 0")
    if np.any(t_x > age + 1e-9):
        raise ValueError("recency cannot exceed age")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("recency must be 0 for customers without repeat purchases")


@dataclass(frozen=True, slots=True)
class BetaGeometricNBD:
    """Purchases follow Poisson(λ), λ ~ Gamma(r, α); after each repeat purchase a customer
    drops out with probability p, p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def log_likelihood(
        self, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
    ) -> FloatArray:
        x, t_x, age_ = _arrays(frequency, recency, age)
        return _bgnbd_log_likelihood(np.array([self.r, self.alpha, self.a, self.b]), x, t_x, age_)

    def probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
    ) -> FloatArray:
        x, t_x, age_ = _arrays(frequency, recency, age)
        return 1.0 / (1.0 + self._dropout_odds(x, t_x, age_))

    def expected_purchases(
        self, horizon: float, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
    ) -> FloatArray:
        """Expected purchases in the next ``horizon`` time units, given each history."""
        x, t_x, age_ = _arrays(frequency, recency, age)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        if abs(a - 1.0) < 1e-9:
            # The closed form is 0/0 at exactly a = 1; just beside it gives the limit.
            a = 1.0 + 1e-6
        z = horizon / (alpha + age_ + horizon)
        head = (a + b + x - 1.0) / (a - 1.0)
        decay = np.exp((r + x) * (np.log(alpha + age_) - np.log(alpha + age_ + horizon)))
        tail = 1.0 - decay * hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        return np.asarray(head * tail / (1.0 + self._dropout_odds(x, t_x, age_)), dtype=np.float64)

    def _dropout_odds(self, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = (
                np.log(a)
                - np.log(np.maximum(b + x - 1.0, 1e-300))
                + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
            )
        return np.where(x > 0, np.exp(np.minimum(log_odds, 700.0)), 0.0)


def _bgnbd_log_likelihood(
    params: FloatArray, x: FloatArray, t_x: FloatArray, age: FloatArray
) -> FloatArray:
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.log(a) - np.log(b + x - 1.0) - (r + x) * np.log(alpha + t_x)
    a4 = np.where(x > 0, a4, -np.inf)
    return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=np.float64)


def _bgnbd_summed_log_likelihood(
    params: FloatArray,
    counts: FloatArray,
    inverse: NDArray[np.intp],
    x: FloatArray,
    t_x: FloatArray,
    age: FloatArray,
) -> float:
    """``_bgnbd_log_likelihood(...).sum()``, value for value: the terms that depend on the
    repeat count alone are computed once per distinct count (a handful) and spread back, so
    only the two logarithms of each customer's times scale with the base (``counts`` and
    ``inverse`` are ``np.unique(x, return_inverse=True)``)."""
    r, alpha, a, b = params
    a1 = gammaln(r + counts) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + counts) - gammaln(b) - gammaln(a + b + counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4_head = np.log(a) - np.log(b + counts - 1.0)
    head = (a1 + a2)[inverse]
    a3 = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = a4_head[inverse] - (r + x) * np.log(alpha + t_x)
    a4 = np.where(x > 0, a4, -np.inf)
    return float((head + np.logaddexp(a3, a4)).sum())


def _minimise(negative_ll: object, start: FloatArray) -> FloatArray:
    result = minimize(
        negative_ll,
        start,
        method="L-BFGS-B",
        bounds=[_LOG_BOUNDS] * len(start),
        options={"maxiter": _MAX_ITERATIONS},
    )
    if not np.all(np.isfinite(result.x)):
        raise FitError(f"the fit did not converge: {result.message}")
    return np.exp(np.asarray(result.x, dtype=np.float64))


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> BetaGeometricNBD:
    """Maximum-likelihood BG/NBD parameters for the customers' (x, t_x, T)."""
    x, t_x, age_ = _arrays(frequency, recency, age)
    _check_bgnbd_data(x, t_x, age_)
    if x.size < 10 or not np.any(x > 0):
        raise FitError("BG/NBD needs at least 10 customers and some repeat purchases")
    n = float(x.size)
    counts, inverse = np.unique(x, return_inverse=True)

    def negative_ll(log_params: FloatArray) -> float:
        ll = _bgnbd_summed_log_likelihood(np.exp(log_params), counts, inverse, x, t_x, age_)
        return -ll / n

    rate = max(float(x.mean()), 1e-3) / float(age_.mean())
    start = np.log(np.array([1.0, 1.0 / rate, 1.0, 1.0]))
    r, alpha, a, b = _minimise(negative_ll, start)
    return BetaGeometricNBD(float(r), float(alpha), float(a), float(b))


@dataclass(frozen=True, slots=True)
class GammaGamma:
    """Each purchase's value ~ Gamma(p, ν) around the customer's own mean; ν ~ Gamma(q, γ)."""

    p: float
    q: float
    gamma: float

    @property
    def population_mean(self) -> float:
        """Expected spend per purchase of a customer we know nothing about."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("nan")

    def expected_average_value(self, frequency: ArrayLike, monetary: ArrayLike) -> FloatArray:
        """Posterior mean spend per purchase; customers without repeats get the population mean."""
        x, m = _arrays(frequency, monetary)
        with np.errstate(divide="ignore", invalid="ignore"):
            posterior = (self.gamma + x * m) * self.p / (self.p * x + self.q - 1.0)
        return np.where(x > 0, posterior, self.population_mean)

    def log_likelihood(self, frequency: ArrayLike, monetary: ArrayLike) -> FloatArray:
        x, m = _arrays(frequency, monetary)
        return _gamma_gamma_log_likelihood(np.array([self.p, self.q, self.gamma]), x, m)


def _gamma_gamma_log_likelihood(params: FloatArray, x: FloatArray, m: FloatArray) -> FloatArray:
    p, q, gamma = params
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * m),
        dtype=np.float64,
    )


def _gamma_gamma_summed_log_likelihood(
    params: FloatArray,
    counts: FloatArray,
    inverse: NDArray[np.intp],
    x: FloatArray,
    m: FloatArray,
    log_m: FloatArray,
    log_x: FloatArray,
) -> float:
    """``_gamma_gamma_log_likelihood(...).sum()``, value for value, with the Gamma
    functions taken once per distinct repeat count and the data's logarithms given."""
    p, q, gamma = params
    head = (gammaln(p * counts + q) - gammaln(p * counts) - gammaln(q) + q * np.log(gamma))[inverse]
    px = p * x
    return float((head + (px - 1.0) * log_m + px * log_x - (px + q) * np.log(gamma + x * m)).sum())


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Maximum-likelihood Gamma-Gamma parameters from customers with repeat purchases."""
    x, m = _arrays(frequency, monetary)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if x.size < 10:
        raise FitError("Gamma-Gamma needs at least 10 customers with repeat purchases")
    n = float(x.size)

    counts, inverse = np.unique(x, return_inverse=True)
    log_m, log_x = np.log(m), np.log(x)

    def negative_ll(log_params: FloatArray) -> float:
        params = np.exp(log_params)
        return -_gamma_gamma_summed_log_likelihood(params, counts, inverse, x, m, log_m, log_x) / n

    start = np.log(np.array([1.0, 2.0, float(m.mean())]))
    p, q, gamma = _minimise(negative_ll, start)
    return GammaGamma(float(p), float(q), float(gamma))
