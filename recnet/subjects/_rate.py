"""Shared by the rate-network subjects (``dmft``, ``dmft-driven``, ``lowrank``, ``lyapunov``).

Key convention of these subjects (the same key for the same quantity everywhere):

========================  ==========================================================
``delta0``                variance of x_i (over units and time), Delta(0)
``delta_inf``             static part Delta(infinity) (quenched variance)
``temporal_variance``     Delta0 - Delta_inf
``mu``                    population mean of x
``lambda_max_per_tau``    largest Lyapunov exponent, 1/tau (``_per_s``: 1/s)
``tau_corr_tau``          correlation time in units of tau
``g_c``                   critical gain (onset of chaos or of divergence)
``state``                 the outcome in words
========================  ==========================================================

The ``_tau`` suffix is a time in units of the unit time constant tau; ``_per_tau`` a rate in 1/tau.
"""
from __future__ import annotations

import math

from recnet.checks import ParameterError

#: ranges the stationary DMFT solver covers: Delta0 is bracketed on [1e-8, 1e4] (Delta0 ~ g^2 for
#: saturating phi at large g), the mean input is root-bracketed over |mu| <~ 1e3
G_MAX = 100.0
J0_MAX = 1e3
I0_MAX = 1e3


def check_dmft_ranges(g=None, j0=None, i0=None):
    """ParameterError naming g, j0 or i0 outside the range the stationary solver covers."""
    if g is not None:
        if not (isinstance(g, (int, float)) and math.isfinite(g) and 0 < g <= G_MAX):
            raise ParameterError("g", g, f"must be in (0, {G_MAX:g}] (the solver brackets Delta0 up to 1e4)")
    if j0 is not None and not (isinstance(j0, (int, float)) and math.isfinite(j0) and abs(j0) <= J0_MAX):
        raise ParameterError("j0", j0, f"must be in [-{J0_MAX:g}, {J0_MAX:g}]")
    if i0 is not None and not (isinstance(i0, (int, float)) and math.isfinite(i0) and abs(i0) <= I0_MAX):
        raise ParameterError("i0", i0, f"must be in [-{I0_MAX:g}, {I0_MAX:g}]")


def check_phi(phi):
    """The transfer function through the existing parser (numerics.gaussian.transfer); a phi it
    cannot read is a ParameterError naming ``phi``."""
    from recnet.numerics.gaussian import transfer
    try:
        transfer(phi)
    except (ValueError, TypeError) as exc:
        if isinstance(exc, ParameterError) and exc.name == "phi":
            raise
        raise ParameterError("phi", phi, f"must be tanh, erf, relu, linear or an expression in x ({exc})") from None
    return phi


def check_bounded(name, value, low, high):
    """ParameterError unless low <= value <= high (finite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and low <= value <= high):
        raise ParameterError(name, value, f"must be in [{low:g}, {high:g}]")
    return float(value)


def load_model(model):
    """The rate-network model of the ``model`` option (a path, shipped name, dict, object or matrix)."""
    from recnet.models.rate_network import load_rate_network
    return load_rate_network(model)


def merge_model(model, defaults, given, fields=("g", "phi", "j0", "i0")):
    """Options from a model: an option left at its default takes the model's value; one set to
    something else overrides the model (named in the returned warnings)."""
    out, warns = dict(given), []
    for k in fields:
        mv = getattr(model, k)
        if given[k] == defaults[k]:
            out[k] = mv if k == "phi" else (float(mv) if not hasattr(mv, "shape") or mv.ndim == 0 else mv)
        elif given[k] != mv:
            warns.append(f"option {k} = {given[k]!r} overrides the model's {k} = {mv!r}")
    return out, warns


def branch_values(b):
    """A numerics.dmft branch dict with the subjects' keys."""
    out = {"branch": b["branch"], "delta0": b["delta0"], "delta_inf": b["delta_inf"],
           "temporal_variance": b["delta0"] - b["delta_inf"], "mu": b["mu"],
           "lambda_max_per_tau": b["lambda_max"], "tau_corr_tau": b.get("tau_corr"),
           "stable": b["stable"], "chaotic": b["chaotic"]}
    if "uniform_mode_growth" in b:
        out["uniform_mode_growth_per_tau"] = b["uniform_mode_growth"]
        out["uniform_mode_stable"] = b["uniform_mode_stable"]
    if isinstance(b.get("quadrature_error"), dict):  # the change with twice the nodes, in the same keys
        names = {"lambda_max": "lambda_max_per_tau", "tau_corr": "tau_corr_tau",
                 "uniform_mode_growth": "uniform_mode_growth_per_tau"}
        out["quadrature_error"] = {names.get(k, k): v for k, v in b["quadrature_error"].items()}
    return out
