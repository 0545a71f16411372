"""Lyapunov spectra of random rate networks (Benettin / Shimada-Nagashima with structured Jacobians).

The network (time in units of the unit time constant tau, so exponents are in 1/tau)

.. math:: \\dot x_i = -x_i + \\sum_j J_{ij}\\,\\phi(x_j) + I_i(t),
          \\qquad J_{ij} \\sim \\mathcal N(0, g^2/N),\\ J_{ii} = 0,

is integrated with the Euler map :math:`x \\mapsto a x + b\\,(J\\phi(x) + I)` with
``a = 1 - dt, b = dt`` (``integrator="euler"``) or the exponential-Euler map
``a = exp(-dt), b = 1 - exp(-dt)``.  Its Jacobian has the structure

.. math:: D(x) = a\\,\\mathbb 1 + b\\,J\\,\\mathrm{diag}(\\phi'(x)),

so propagating ``m`` tangent vectors costs one dense product ``J @ (phi'(x) * Q)``.  The engine keeps
``[Q | x | y]`` (tangent vectors, state, twin state) in one Fortran-ordered block ``C`` and updates
all of it with a single BLAS ``dgemm`` per step, ``C <- a C + b J B`` with
``B = [phi'(x) * Q | phi(x) | phi(y)]`` built by a numba kernel; the input is added to the two state
columns.  Every ``n_ons`` steps ``Q`` is re-orthonormalised (LAPACK QR) and the twin trajectory
``y`` is pulled back to distance ``d0`` of ``x`` (the classical two-trajectory estimate of
:math:`\\lambda_1`, an independent check of the tangent dynamics).

``time="continuous"`` reports exponents of the flow in 1/tau (log growth / (steps * dt));
``time="map"`` reports exponents of the map per iteration (log growth / steps).

References
----------
Engelken, Wolf, Abbott 2023, Lyapunov spectra of chaotic recurrent neural networks,
Phys. Rev. Research 5:043044.  Sompolinsky, Crisanti, Sommers 1988, PRL 61:259.
Benettin et al. 1980, Meccanica 15:9.
"""
from __future__ import annotations

import math
import time as _time

import numpy as np
from scipy.linalg import blas as _blas

from recnet import checks
from recnet.numerics._jit import njit
from recnet.numerics.lyapunov.common import blas_limit, check_m, qr_positive, summarise

__all__ = ["random_coupling", "spectrum", "choose_t_ons", "PHIS", "transfer"]

# the built-in transfer functions, with the conventions of ``numerics.gaussian`` (the DMFT's):
# tanh; erf(sqrt(pi) x / 2) (slope 1 at 0); relu = max(x, 0) (phi' = 1/2 at 0); linear
PHIS = {"tanh": 0, "erf": 1, "relu": 2, "linear": 3}
_SQRT_PI_2 = math.sqrt(math.pi) / 2.0


# ----------------------------------------------------------------------------------- kernels
@njit
def _phi(code, x):
    if code == 0:
        return math.tanh(x)
    if code == 1:
        return math.erf(_SQRT_PI_2 * x)
    if code == 2:
        return x if x > 0.0 else 0.0
    return x


@njit
def _dphi(code, x):
    if code == 0:
        t = math.tanh(x)
        return 1.0 - t * t
    if code == 1:
        return math.exp(-0.25 * math.pi * x * x)
    if code == 2:
        return 1.0 if x > 0.0 else (0.5 if x == 0.0 else 0.0)
    return 1.0


@njit
def _phi_array(code, x, which):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = _phi(code, x[i]) if which == 0 else _dphi(code, x[i])
    return out


def transfer(phi):
    """``(phi, phi')`` of a built-in transfer function as numpy-array functions (``PHIS``)."""
    code = PHIS[phi]
    return (lambda x: _phi_array(code, np.ascontiguousarray(x, dtype=np.float64), 0),
            lambda x: _phi_array(code, np.ascontiguousarray(x, dtype=np.float64), 1))


@njit
def _build_b(C, B, m, n_state, code):
    """B[:, :m] = phi'(x) * Q, B[:, m + s] = phi(C[:, m + s]) for the state columns (phi of ``code``).

    ``C`` and ``B`` are Fortran-ordered (N, m + n_state); column m is the reference state x.
    Serial on purpose: this O(N m) pass is memory-bound, and numba worker threads spinning next to
    OpenBLAS's threads slowed a step 10-70x on the shared 2-core machine.
    """
    n = C.shape[0]
    dphi = np.empty(n)
    for i in range(n):
        dphi[i] = _dphi(code, C[i, m])
    for j in range(m):
        for i in range(n):
            B[i, j] = dphi[i] * C[i, j]
    for s in range(n_state):
        for i in range(n):
            B[i, m + s] = _phi(code, C[i, m + s])


@njit
def _all_finite(x):
    for i in range(x.size):
        if not np.isfinite(x.flat[i]):
            return False
    return True


# ---------------------------------------------------------------------------------- helpers
def random_coupling(n, g, seed=None, zero_diagonal=True):
    """Gaussian random coupling :math:`J_{ij} \\sim \\mathcal N(0, g^2/N)`, diagonal set to 0.

    Parameters
    ----------
    n : int
        number of units.
    g : float
        coupling gain (dimensionless; chaos sets in at g = 1 for tanh).
    seed : int or Generator
    zero_diagonal : bool
        no self-coupling (the convention under which the sum rule is exactly -N/tau).
    """
    n = checks.integer("n", n, minimum=1)
    g = checks.nonnegative("g", g)
    rng = checks.rng(seed)
    J = rng.standard_normal((n, n)) * (g / math.sqrt(n))
    if zero_diagonal:
        np.fill_diagonal(J, 0.0)
    return J


def _coeffs(dt, integrator):
    if integrator == "euler":
        return 1.0 - dt, dt
    if integrator == "exp_euler":
        return math.exp(-dt), -math.expm1(-dt)
    raise checks.ParameterError("integrator", integrator, "'euler' or 'exp_euler'",
                                f"integrator = {integrator!r} is invalid: choose 'euler' or 'exp_euler'")


class _Drive:
    """Input I_i(t) = i0_i + amp * cos(2 pi f t + theta_i) (Rajan, Abbott, Sompolinsky 2010)."""

    def __init__(self, n, amp, freq, rng, i0=None):
        self.amp = float(amp)
        self.w = 2 * math.pi * float(freq)
        self.theta = rng.uniform(0, 2 * math.pi, n) if self.amp else None
        self.i0 = None if i0 is None or not np.any(i0) else np.asarray(i0, float)
        self.active = bool(self.amp) or self.i0 is not None

    def __call__(self, t):
        out = self.amp * np.cos(self.w * t + self.theta) if self.amp else 0.0
        return out + self.i0 if self.i0 is not None else out


class _SequenceDrive:
    """Input I(t) = inputs[k mod len] at step k = round(t/dt) (a recorded or task input sequence, one
    row per step), plus ``i0``."""

    def __init__(self, inputs, dt, i0=None):
        self.inputs = np.ascontiguousarray(inputs, float)
        self.dt = float(dt)
        self.i0 = None if i0 is None or not np.any(i0) else np.asarray(i0, float)
        self.active = True

    def __call__(self, t):
        row = self.inputs[int(round(t / self.dt)) % self.inputs.shape[0]]
        return row + self.i0 if self.i0 is not None else row


def _check_common(J, m, dt, t_sim, t_ons, integrator, time, phi):
    J = checks.square_matrix("J", J)
    n = J.shape[0]
    m = check_m(m, n)
    dt = checks.positive("dt", dt, "tau")
    if integrator == "euler":   # a map may have dt = 1: x -> J phi(x) + I (no leak)
        checks.in_range("dt", dt, 0.0, 1.0, low_inclusive=False, high_inclusive=(time == "map"), unit="tau")
    t_sim = checks.positive("t_sim", t_sim, "tau")
    if t_ons is not None:
        t_ons = checks.positive("t_ons", t_ons, "tau")
        if not dt < t_ons:
            raise checks.ParameterError("dt", dt, f"< t_ons = {t_ons:g} tau",
                                        f"dt = {dt:g} tau is invalid: must be smaller than the re-orthonormalisation "
                                        f"interval t_ons = {t_ons:g} tau (t_ons=None chooses it, down to one step)")
        if t_ons > t_sim:
            raise checks.ParameterError("t_ons", t_ons, f"<= t_sim = {t_sim:g} tau",
                                        f"t_ons = {t_ons:g} tau is invalid: must not exceed t_sim = {t_sim:g} tau")
    if time not in ("continuous", "map"):
        raise checks.ParameterError("time", time, "'continuous' or 'map'",
                                    f"time = {time!r} is invalid: choose 'continuous' or 'map'")
    if phi not in PHIS:
        raise checks.ParameterError("phi", phi, f"one of {', '.join(PHIS)}",
                                    f"phi = {phi!r} is invalid: choose one of {', '.join(PHIS)}")
    return J, n, m, dt, t_sim, t_ons


class _Engine:
    """State of one spectrum run: the block C = [Q | x | y] and the work array B."""

    def __init__(self, J, m, a, b, drive, twin, x0, Q0, d0, rng, code=0):
        n = J.shape[0]
        self.n, self.m, self.a, self.b, self.code = n, m, a, b, code
        self.Jf = np.asfortranarray(J)
        self.n_state = 2 if twin else 1
        self.C = np.zeros((n, m + self.n_state), order="F")
        self.B = np.zeros_like(self.C)
        self.C[:, :m] = Q0
        self.C[:, m] = x0
        self.d0 = d0
        if twin:
            u = rng.standard_normal(n)
            self.C[:, m + 1] = x0 + d0 * u / np.linalg.norm(u)
        self.drive = drive
        self.t = 0.0
        self.dt = None

    def step(self, dt):
        _build_b(self.C, self.B, self.m, self.n_state, self.code)
        # one BLAS call: C <- a C + b J B
        self.C = _blas.dgemm(self.b, self.Jf, self.B, beta=self.a, c=self.C, overwrite_c=1)
        if self.drive.active:
            inp = self.b * self.drive(self.t)
            for s in range(self.n_state):
                self.C[:, self.m + s] += inp
        self.t += dt

    def qr(self):
        Q, log_r = qr_positive(self.C[:, :self.m], overwrite=True)
        self.C[:, :self.m] = Q
        return log_r

    def twin_renorm(self):
        m = self.m
        d = self.C[:, m + 1] - self.C[:, m]
        dist = float(np.linalg.norm(d))
        self.C[:, m + 1] = self.C[:, m] + d * (self.d0 / dist)
        return math.log(dist / self.d0)

    def check_finite(self):
        if not _all_finite(self.C[:, self.m:]):
            raise ValueError(f"the network state became non-finite at t = {self.t:g} tau: "
                             "reduce dt or the coupling g")


def choose_t_ons(engine, dt, cond_max=1e4, max_steps=None):
    """Choose the re-orthonormalisation interval from the growth of the condition number.

    Propagates the current tangent vectors for 1, 2, 4, ... steps (re-orthonormalising after each
    trial, so the steps also serve as warm-up of Q) and returns the largest step count whose
    propagated matrix has condition number <= ``cond_max``.  The condition number grows like
    exp((lambda_1 - lambda_m) t); keeping it below ~1e4 keeps the QR's relative error of the
    smallest column near 1e-12.
    """
    best = 1
    k = 1
    max_steps = max_steps or max(1, int(round(10.0 / dt)))
    while k <= max_steps:
        for _ in range(k):
            engine.step(dt)
        s = np.linalg.svd(engine.C[:, :engine.m], compute_uv=False)
        cond = s[0] / s[-1] if s[-1] > 0 else np.inf
        engine.qr()
        if engine.n_state == 2:
            engine.twin_renorm()
        engine.check_finite()
        if cond > cond_max:
            break
        best = k
        k *= 2
    return best


def spectrum(J, m=None, *, dt=0.1, t_sim=200.0, t_warm=50.0, t_warm_q=20.0, t_ons=None, cond_max=1e4,
             phi="tanh", time="continuous", integrator="euler", drive_amp=0.0, drive_freq=0.1,
             x0=None, q0=None, twin=True, d0=1e-7, seed=0, n_boot=200, n_blocks=20,
             return_vectors=False, progress=None, blas_threads="auto", i0=None, inputs=None, logdet=False):
    """Lyapunov spectrum (the ``m`` largest exponents) of the rate network with coupling ``J``.

    Parameters
    ----------
    J : ndarray (N, N)
        coupling matrix (use :func:`random_coupling`).
    m : int or None
        number of exponents, 1 <= m <= N (None: all N).
    dt : float
        time step [tau]; ``0 < dt < 1`` for the Euler map.
    t_sim : float
        duration over which exponents are averaged [tau].
    t_warm : float
        warm-up of the state before tangent vectors are propagated [tau].
    t_warm_q : float
        warm-up of the tangent vectors (discarded) [tau].
    t_ons : float or None
        re-orthonormalisation interval [tau]; None: chosen from the condition number
        (:func:`choose_t_ons` with ``cond_max``; may be a single step).  If given, it must exceed
        ``dt`` and is rounded to a whole number of steps.
    phi : {"tanh", "erf", "relu", "linear"}
        transfer function (conventions of ``numerics.gaussian``: erf(sqrt(pi) x/2), max(x, 0)).
    time : {"continuous", "map"}
        exponents of the flow in 1/tau, or of the map per iteration.
    integrator : {"euler", "exp_euler"}
        ``a = 1 - dt, b = dt`` or ``a = exp(-dt), b = 1 - exp(-dt)``.
    drive_amp, drive_freq : float
        sinusoidal input :math:`I_i = A\\cos(2\\pi f t + \\theta_i)`, A dimensionless, f [1/tau].
    i0 : ndarray (N,) or None
        constant input added to the drive (a user model's inputs).
    inputs : ndarray (K, N) or None
        an input sequence, row k added at step k (cycled), in place of the sinusoidal drive (a
        trained network's task inputs B u_t; ``drive_amp`` must then be 0).
    x0 : ndarray (N,) or None
        initial state (default: N(0, 1) entries).
    q0 : ndarray (N, m) or None
        initial tangent vectors (default: random orthonormal).
    twin : bool
        also estimate lambda_1 from a twin trajectory at distance ``d0``.
    seed : int or Generator
        for x0, q0, the drive phases, the twin direction and the bootstrap.
    n_boot, n_blocks : int
        block-bootstrap resamples and blocks for the confidence intervals.
    blas_threads : "auto", int or None
        BLAS threads during the run; "auto" uses 1 below N = 600 (multi-threaded BLAS on small
        matrices loses more to synchronisation than it gains), None leaves the setting alone.
    logdet : bool
        also accumulate ln|det D_t| of every step's Jacobian D_t = a + b J diag(phi'(x_t)) on the
        measured stretch (an LU per step, ``2 N^3/3`` flops): ``logdet_rate`` is then the sum rule
        (Liouville) on the same trajectory, equal to the sum of all N exponents up to round-off,
        bounded by ``logdet_roundoff_bound`` (:func:`sum_rule_roundoff_bound`).  Needs m = N.

    Returns
    -------
    SpectrumResult
        ``exponents`` (m,) sorted decreasing [1/tau, or per iteration for maps], 95% bootstrap
        ``ci_low``/``ci_high``, ``stderr``, ``entropy_rate`` [nats/tau], ``ky_dimension``,
        ``participation_ratio`` (m,), convergence series, ``lambda1_twin`` with its CI, ``t_ons``,
        ``n_ons`` (steps), ``time_per_step_s``.

    Notes
    -----
    Cost per step: one ``(N x N) @ (N x (m + 2))`` product, ``2 N^2 (m + 2)`` flops; QR every
    ``n_ons`` steps, about ``4 N m^2`` flops.
    """
    J, n, m, dt, t_sim, t_ons = _check_common(J, m, dt, t_sim, t_ons, integrator, time, phi)
    if logdet and m != n:
        raise checks.ParameterError("m", m, f"= N = {n} with logdet=True",
                                    f"logdet=True compares with the sum of all exponents: m must be N = {n}")
    if i0 is not None:
        i0 = checks.array("i0", np.broadcast_to(np.asarray(i0, float), (n,)), shape=(n,))
    if inputs is not None:
        inputs = checks.array("inputs", inputs, ndim=2)
        if inputs.shape[1] != n or inputs.shape[0] < 1:
            raise checks.ParameterError("inputs", f"<array of shape {inputs.shape}>", f"K x {n} (one row per step)")
        if drive_amp:
            raise checks.ParameterError("drive_amp", drive_amp, "0 when an input sequence is given")
    with blas_limit(blas_threads, n, m):
        return _spectrum(J, n, m, dt, t_sim, t_warm, t_warm_q, t_ons, cond_max, time, integrator,
                         drive_amp, drive_freq, x0, q0, twin, d0, seed, n_boot, n_blocks,
                         return_vectors, progress, i0, phi, inputs, logdet)


def _spectrum(J, n, m, dt, t_sim, t_warm, t_warm_q, t_ons, cond_max, time, integrator, drive_amp,
              drive_freq, x0, q0, twin, d0, seed, n_boot, n_blocks, return_vectors, progress, i0=None,
              phi="tanh", inputs=None, logdet=False):
    t_warm = checks.nonnegative("t_warm", t_warm, "tau")
    t_warm_q = checks.nonnegative("t_warm_q", t_warm_q, "tau")
    cond_max = checks.in_range("cond_max", cond_max, 1.0, 1e12, low_inclusive=False)
    drive_amp = checks.nonnegative("drive_amp", drive_amp)
    drive_freq = checks.nonnegative("drive_freq", drive_freq, "1/tau")
    d0 = checks.in_range("d0", d0, 0.0, 1e-3, low_inclusive=False)
    rng = checks.rng(seed)
    a, b = _coeffs(dt, integrator)
    if x0 is None:
        x0 = rng.standard_normal(n)
    x0 = checks.array("x0", x0, shape=(n,))
    if q0 is None:
        q0 = np.linalg.qr(rng.standard_normal((n, m)))[0]
    q0 = checks.array("q0", q0, shape=(n, m))
    drive = _Drive(n, drive_amp, drive_freq, rng, i0) if inputs is None else _SequenceDrive(inputs, dt, i0)

    # warm-up of the state (matrix-vector products only)
    f_phi = transfer(phi)[0]
    x = x0.copy()
    tt = 0.0
    for _ in range(int(round(t_warm / dt))):
        x = a * x + b * (J @ f_phi(x))
        if drive.active:
            x += b * drive(tt)
        tt += dt
    if not np.all(np.isfinite(x)):
        raise ValueError("the network state became non-finite during warm-up: reduce dt or g")

    eng = _Engine(J, m, a, b, drive, twin, x, q0, d0, rng, PHIS[phi])
    eng.t = tt
    # re-orthonormalisation interval; the pilot doubles as warm-up of Q
    if t_ons is None:
        n_ons = choose_t_ons(eng, dt, cond_max=cond_max, max_steps=max(1, int(t_sim / dt) // 10))
    else:
        n_ons = max(1, int(round(t_ons / dt)))
    n_q = int(round(t_warm_q / dt)) // n_ons
    for _ in range(n_q):
        for _ in range(n_ons):
            eng.step(dt)
        eng.qr()
        if twin:
            eng.twin_renorm()
        eng.check_finite()

    n_int = max(1, int(round(t_sim / dt)) // n_ons)
    unit = dt if time == "continuous" else 1.0
    inc = np.empty((n_int, m))
    inc_twin = np.empty(n_int)
    f_dphi = transfer(phi)[1]
    eye_a = a * np.eye(n)
    ld_sum, cond_int = 0.0, np.zeros(n_int)
    from tqdm import tqdm
    t0 = _time.perf_counter()
    for k in tqdm(range(n_int), disable=progress if progress is not None else None,
                  desc=f"spectrum N={n} m={m}", leave=False):
        for _ in range(n_ons):
            if logdet:
                _, ld = np.linalg.slogdet(eye_a + b * (J * f_dphi(eng.C[:, m])[None, :]))
                ld_sum += ld
            eng.step(dt)
        eng.check_finite()
        if logdet:
            cond_int[k] = np.linalg.cond(eng.C[:, :m])
        inc[k] = eng.qr()
        if twin:
            inc_twin[k] = eng.twin_renorm()
    wall = _time.perf_counter() - t0
    dur = np.full(n_int, n_ons * unit)
    Q = eng.C[:, :m]
    res = summarise(inc, dur, Q, n_boot=n_boot, n_blocks=n_blocks, seed=rng)
    if twin:
        tw = summarise(inc_twin[:, None], dur, None, n_boot=n_boot, n_blocks=n_blocks, seed=rng)
        res.update(lambda1_twin=float(tw.exponents[0]), lambda1_twin_ci_low=float(tw.ci_low[0]),
                   lambda1_twin_ci_high=float(tw.ci_high[0]), lambda1_twin_stderr=float(tw.stderr[0]))
    res.update(n=n, m=m, dt=dt, t_ons=n_ons * dt, n_ons=n_ons, time=time, integrator=integrator,
               time_per_step_s=wall / (n_int * n_ons), n_steps=n_int * n_ons,
               flops_per_step=2.0 * n * n * (m + eng.n_state), state=eng.C[:, m].copy())
    if logdet:
        t_tot = n_int * n_ons * unit
        dmax = float(np.max(np.abs(f_dphi(np.linspace(-50, 50, 20001)))))
        res.update(logdet_rate=ld_sum / t_tot,
                   logdet_roundoff_bound=sum_rule_roundoff_bound(J, a, b, n_ons, cond_int, inc, ld_sum, dmax) / t_tot,
                   frame_condition_max=float(cond_int.max()))
    if return_vectors:
        res["vectors"] = np.array(Q)
    return res


def sum_rule_roundoff_bound(J, a, b, n_ons, frame_cond, increments, logdet_sum, dphi_max):
    r"""Round-off bound on |sum_k sum_i ln R_ii - sum_t ln|det D_t|| (same trajectory, m = N).

    In exact arithmetic the two are equal: the QR increments multiply to det(D_T ... D_1), whatever
    the re-orthonormalisation interval.  First-order floating-point bound from the operation counts
    (u the unit round-off, Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.):

    * tangent step Y <- a Y + b J (phi' Y): componentwise error <= gamma_{N+2} (a + b |J| phi'_max)|Y|,
      so ln|det Y| moves by <= N ||Y^{-1}||_2 ||E||_F <= N^{3/2} (N + 2) u (a + b ||J||_F phi'_max)
      kappa_k per step (Thm. 3.5 and tr(A) <= N ||A||_2), kappa_k the frame's condition number at the
      end of interval k (measured; it grows through the interval);
    * Householder QR (Thm. 19.4): R is exact for Y + dY with ||dY_j|| <= c N m u ||Y_j||, c = 4, giving
      N^{3/2} 4 N m u kappa_k per interval;
    * LU of D_t (slogdet): backward error 3 N u ||D_t|| (growth factor ~1 for these near-identity
      matrices, Thm. 9.5), so N 3 N u cond(D_t) per step with cond(D_t) <= (a + b s)/(a - b s),
      s = ||J||_2 phi'_max, when a > b s (else the per-interval kappa is used);
    * summing the logs: (number of terms) u (sum of |terms|).

    Returns the bound on the summed difference (divide by the duration for a rate).
    """
    n = J.shape[0]
    m = increments.shape[1]
    u = float(np.finfo(float).eps) / 2
    s2 = float(np.linalg.norm(J, 2)) * dphi_max
    sf = float(np.linalg.norm(J, "fro")) * dphi_max
    kap = np.maximum(np.asarray(frame_cond, float), 1.0)
    kd = (a + b * s2) / (a - b * s2) if a > b * s2 else float(np.max(kap))
    n_steps = kap.size * n_ons
    tangent = n ** 1.5 * (n + 2) * u * (a + b * sf) * n_ons * kap.sum()
    qr = n ** 1.5 * 4 * n * m * u * kap.sum()
    lu = n_steps * n * 3 * n * u * kd
    sums = u * (increments.size * float(np.sum(np.abs(increments))) + n_steps * abs(logdet_sum))
    return float(tangent + qr + lu + sums)


# ------------------------------------------------------------------- closed forms, evaluated
def sum_rule(n, dt=None, *, integrator="euler", time="continuous"):
    """Leading-order sum of all N exponents (``recnet.theory.lyapunov.sum_rule_map``).

    ``dt=None``: the flow, -N [1/tau].  Otherwise the map ``a x + b (...)``: ``N ln(a) / dt``
    [1/tau] (``time="continuous"``) or ``N ln(a)`` per iteration (``time="map"``); the remainder
    is O((dt/(1-dt))^2) and independent of N (zero diagonal).
    """
    n = checks.integer("n", n, minimum=1)
    if dt is None:
        return -float(n)
    dt = checks.positive("dt", dt, "tau")
    a, _ = _coeffs(dt, integrator)
    if a <= 0:
        raise checks.ParameterError("dt", dt, "< 1 tau (the Euler map)",
                                    f"dt = {dt:g} tau is invalid: the Euler map needs dt < 1")
    s = n * math.log(a)
    return s / dt if time == "continuous" else s


def _lens(R1, R2, d):
    """Vectorised area of the intersection of discs (R1, R2) at centre distance d > 0."""
    R1, R2, d = np.broadcast_arrays(np.asarray(R1, float), np.asarray(R2, float), np.asarray(d, float))
    out = np.zeros(R1.shape)
    inside = d <= np.abs(R1 - R2)
    out[inside] = np.pi * np.minimum(R1, R2)[inside] ** 2
    gen = (~inside) & (d < R1 + R2)
    r1, r2, dd = R1[gen], R2[gen], d[gen]
    c1 = np.clip((dd**2 + r1**2 - r2**2) / (2 * dd * r1), -1, 1)
    c2 = np.clip((dd**2 + r2**2 - r1**2) / (2 * dd * r2), -1, 1)
    k = np.clip((-dd + r1 + r2) * (dd + r1 - r2) * (dd - r1 + r2) * (dd + r1 + r2), 0, None)
    out[gen] = r1**2 * np.arccos(c1) + r2**2 * np.arccos(c2) - 0.5 * np.sqrt(k)
    return out


def subcritical_cdf(lam, g, dt=None, *, integrator="euler", time="continuous"):
    """CDF of the Lyapunov exponents at the stable fixed point x = 0 (g < 1, phi'(0) = 1), N -> inf.

    Flow (``dt=None``): exponents are ``Re(mu) - 1`` with mu uniform on the disc of radius g,
    :math:`F(\\lambda) = \\frac12 + \\frac{y\\sqrt{g^2-y^2} + g^2\\arcsin(y/g)}{\\pi g^2}`,
    ``y = lambda + 1``.  Map: exponents ``ln|a + b mu| / dt`` (or per step), CDF = lens area of the
    disc |mu| <= g and the disc |mu + a/b| <= exp(lambda dt)/b, over pi g^2.

    Parameters
    ----------
    lam : array_like
        exponent values [1/tau, or per iteration for ``time="map"``].
    g : float
        coupling gain, 0 < g < 1.

    The lens formula cancels catastrophically for dt below ~1e-4 (disc radii ~1/dt); use the flow
    form (``dt=None``) there.
    """
    g = checks.in_range("g", g, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    lam = np.asarray(lam, dtype=float)
    if dt is None:
        yv = np.clip(lam + 1.0, -g, g)
        return 0.5 + (yv * np.sqrt(g * g - yv * yv) + g * g * np.arcsin(yv / g)) / (np.pi * g * g)
    dt = checks.positive("dt", dt, "tau")
    a, b = _coeffs(dt, integrator)
    if a <= 0:
        raise checks.ParameterError("dt", dt, "< 1 tau (the Euler map)",
                                    f"dt = {dt:g} tau is invalid: the Euler map needs dt < 1")
    r = np.exp(lam * (dt if time == "continuous" else 1.0))
    return _lens(g, r / b, a / b) / (np.pi * g * g)


def subcritical_quantiles(n, g, m=None, dt=None, *, integrator="euler", time="continuous"):
    """Predicted spectrum at g < 1: the exponents at quantiles 1 - (i - 1/2)/N of the closed-form
    CDF (:func:`subcritical_cdf`), i = 1..m, sorted decreasing."""
    n = checks.integer("n", n, minimum=1)
    m = check_m(m, n)
    lo, hi = -1.0 - g, -1.0 + g
    if dt is not None:
        a, b = _coeffs(dt, integrator)
        unit = dt if time == "continuous" else 1.0
        lo = math.log(max(a - b * g, 1e-300)) / unit
        hi = math.log(a + b * g) / unit
    qs = 1.0 - (np.arange(1, m + 1) - 0.5) / n
    # vectorised bisection on the monotone CDF (60 halvings: below 1e-15 of the bracket)
    lo_v = np.full(m, lo)
    hi_v = np.full(m, hi)
    for _ in range(60):
        mid = 0.5 * (lo_v + hi_v)
        below = subcritical_cdf(mid, g, dt, integrator=integrator, time=time) < qs
        lo_v = np.where(below, mid, lo_v)
        hi_v = np.where(below, hi_v, mid)
    return 0.5 * (lo_v + hi_v)


def prediction(n=200, g=2.0, m=None, dt=0.1, *, integrator="euler", time="continuous", dmft=False):
    """Closed-form quantities for ``recnet predict lyapunov --model rate``.

    Exponents in 1/tau (``time="continuous"``) or per iteration.  Below g = 1 (stable fixed point
    x = 0) the whole spectrum is known (circular law); above, lambda_max comes from DMFT
    (``recnet.numerics.dmft.stationary.solve_stationary``, only when ``dmft`` is true: it takes seconds to
    minutes) and the rest has no closed form.
    """
    n = checks.integer("n", n, minimum=1)
    g = checks.positive("g", g)
    m = check_m(m, n)
    dt = checks.in_range("dt", dt, 0.0, 1.0, low_inclusive=False, high_inclusive=False, unit="tau")
    out = {"model": "rate", "n": n, "g": g, "dt_tau": dt, "m": m,
           "exponent_unit": "1/tau" if time == "continuous" else "1/step",
           "sum_rule_flow": sum_rule(n),
           "sum_rule_map": sum_rule(n, dt, integrator=integrator, time=time)}
    if g < 1:
        lam = subcritical_quantiles(n, g, m, dt, integrator=integrator, time=time)
        flow = subcritical_quantiles(n, g, m)
        out.update(regime="stable fixed point (g < 1)", exponents=lam, exponents_flow=flow,
                   lambda_max=float(lam[0]), lambda_max_flow=g - 1.0, entropy_rate=0.0, ky_dimension=0.0)
        out["sum_rule_m_largest_flow_subcritical"] = float(flow.sum())
        return out
    # above g = 1 only lambda_max has a (DMFT) closed form; what is not computed is named, not None
    spectrum = ("no closed form above g = 1: `recnet validate lyapunov --model rate` measures the "
                "spectrum")
    missing = {"entropy_rate": spectrum, "ky_dimension": spectrum,
               "sum_rule_m_largest_flow_subcritical": "the subcritical (g < 1) spectrum only"}
    lmax = None
    if dmft:
        from recnet.numerics.dmft import stationary as _dmft
        lmax = _dmft_lambda_max(_dmft.solve_stationary(g, phi="tanh", j0=0.0))
    out.update(regime="chaotic (g > 1)" if g > 1 else "critical (g = 1)",
               lambda_max_source="DMFT (Sompolinsky, Crisanti, Sommers 1988)" if dmft else
               "not computed: pass --dmft")
    if lmax is not None:
        out.update(exponents=[lmax], lambda_max=lmax)
        missing["exponents"] = "only lambda_max (DMFT): " + spectrum
    else:
        why = ("the DMFT found no chaotic branch with a lambda_max" if dmft else
               "pass --dmft for the DMFT lambda_max (slower)")
        missing.update(exponents=f"{why}; {spectrum}", lambda_max=why)
    out["not_computed"] = missing
    return out


def _dmft_lambda_max(res):
    """lambda_max of the chaotic DMFT branch (the primary one if chaotic, else any chaotic branch)."""
    if res.get("chaotic") and res.get("lambda_max") is not None:
        return float(res["lambda_max"])
    for br in res.get("branches", []) or []:
        if br.get("chaotic") and br.get("lambda_max") is not None:
            return float(br["lambda_max"])
    lm = res.get("lambda_max")
    return None if lm is None else float(lm)
