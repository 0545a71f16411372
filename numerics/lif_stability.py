r"""Linear stability with delays of a stationary state of a LIF network (delta or exponential synapses).

Exponential synapses (``_ExpNet``): M_ab = tau_a K_ab J_ab H_a(lambda) exp(-lambda D_ab) with the
Schuecker et al. (2015) response H (``numerics.lif_spectra``), evaluated for Re lambda >= -1/(4 tau_m);
the count of unstable roots and the unstable modes are exact there, damped modes below that line
are not reported (a warning says so), and there is no high-frequency family (no variance channel).
What follows describes delta synapses.

P populations; population a receives K_ab inputs of weight J_ab (mV) from population b with delay
D_ab (ms) and is at the stationary state (nu_a, mu_a, sigma_a) of the diffusion approximation.  A
rate perturbation nu_b(t) = nu_b + n_b exp(lambda t) modulates the mean input of a by
tau_a sum_b K_ab J_ab n_b exp(-lambda D_ab) and its variance by tau_a sum_b K_ab J_ab^2 n_b
exp(-lambda D_ab) (tau_a in s, rates in Hz), so that n = M(lambda) n with the effective
connectivity (Brunel & Hakim 1999; Brunel 2000, sec. 4; Bos et al. 2016 for its matrix form)::

    M_ab(lambda) = tau_a K_ab [A_mu,a(lambda) J_ab + A_var,a(lambda) J_ab^2] exp(-lambda D_ab)

(A_mu, A_var: :mod:`recnet.numerics.lif_response`).  The eigenvalues of the linearised network
are the roots lambda of det(1 - M(lambda)) = 0.

* **Counting unstable roots**: det(1 - M) is analytic in Re lambda >= 0; the number of its roots in
  the box 0 < Re lambda < 2/ms, |Im lambda| < 2 pi f_max is its winding number along the box
  boundary (argument principle).  Above f_max the roots belong to the high-frequency family below,
  whose real parts stay below its (negative) limit, so ``stable`` = no root in the box and a
  negative limit: stability is decided over *all* roots.
* **Roots**: Newton iterations on det(1 - M(lambda)) (central differences on a fixed grid) started
  from the minima of |det(1 - M(i omega))| along the imaginary axis (and 0.05/ms either side) and
  from a few real starts; while fewer roots than counted are found, also from the minima of |det|
  along the lines Re lambda = 0.05, 0.2, 0.5, 1, 1.5 /ms.  A count the roots found do not reach is
  reported in ``warnings``.  Roots can be tracked from one parameter point to another
  (:func:`track_root`).
* **Main mode**: the rightmost root found at frequencies up to f_max (the box above: the modes
  below the high-frequency tail, whose far members are summarised by the limit below), reported
  as growth rate (1/s) and frequency |Im lambda| / 2 pi (Hz).
* **High-frequency family**: A_var -> nu/sigma^2 as |lambda| -> infinity (the variance response of
  delta synapses passes high frequencies) while A_mu -> 0, so for equal delays D the roots approach
  lambda_n = [ln c + i (arg c + 2 pi n)] / D, c an eigenvalue of C_ab = tau_a K_ab J_ab^2
  nu_a / sigma_a^2: an infinite family 1/D apart whose real parts tend to max ln|c| / D (< 0 when
  the recurrent share of the variance is < 1).  That limit is reported separately
  (``high_frequency_limit_per_s``); for unequal delays the value given is the upper bound r with
  spectral radius of |C_ab| exp(-r D_ab) equal to 1.

State labels (Brunel 2000, J Comput Neurosci 8:183, sec. 4-5 and fig. 2): ``AI`` when stable; when
unstable: ``SR`` (synchronous regular) if the recurrent input is excitation-dominated
(sum_b K_ab J_ab nu_b > 0 for the population with the largest rate: Brunel's g < 4 region, where
the instability drives neurons to fire regularly near saturation); else ``SI fast`` if the main
mode's frequency is at least 1 / (8 D) (D the K-weighted mean delay: the fast oscillation's period
is set by the delay, between 2D and 4D) and ``SI slow`` below it (period set by the membrane time
constant).  The rule is recnet's reading of Brunel's phase diagram, not a formula of his paper.
"""
import numpy as np

from recnet.checks import ParameterError
from recnet.numerics.lif_response import rate_response


class _Net:
    def __init__(self, indegree, weight, delay, tau_m, tau_refrac, v_thresh, v_reset, v_rest, rate_hz,
                 mu_mv, sigma_mv, resolution):
        self.K = np.asarray(indegree, float)
        self.J = np.asarray(weight, float)
        self.D = np.asarray(delay, float)
        P = self.K.shape[0]
        for name, a in (("indegree", self.K), ("weight", self.J), ("delay", self.D)):
            if a.shape != (P, P) or not np.all(np.isfinite(a)):
                raise ParameterError(name, a.tolist(), f"a finite ({P}, {P}) array")
        if np.any(self.D < 0):
            raise ParameterError("delay", self.D.tolist(), "must be >= 0 ms")
        self.neuron = dict(tau_m=tau_m, tau_refrac=tau_refrac, v_thresh=v_thresh, v_reset=v_reset,
                           v_rest=v_rest)
        self.tau = np.broadcast_to(np.asarray(tau_m, float), (P,)).copy()
        self.nu = np.asarray(rate_hz, float).reshape(P)
        self.mu = np.asarray(mu_mv, float).reshape(P)
        self.sigma = np.asarray(sigma_mv, float).reshape(P)
        self.P = P
        self.resolution = resolution

    def m(self, lam, wref=-1.0, resolution=None):
        """M(lambda) for lam (n,): array (n, P, P)."""
        lam = np.atleast_1d(np.asarray(lam, complex))
        a_mu, a_var = rate_response(lam, self.mu, self.sigma, self.nu, resolution=resolution or self.resolution,
                                    wref=wref, **self.neuron)
        ts = self.tau * 1e-3
        coef = ts[None, :, None] * self.K[None] * (a_mu.T[:, :, None] * self.J[None]
                                                  + a_var.T[:, :, None] * self.J[None] ** 2)
        return coef * np.exp(-lam[:, None, None] * self.D[None])

    def det(self, lam, wref=-1.0, resolution=None):
        m = self.m(lam, wref, resolution)
        with np.errstate(invalid="ignore"):   # NaN where M is not evaluated (exp synapses, see _ExpNet)
            return np.linalg.det(np.eye(self.P)[None] - m)

    def high_frequency_c(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(self.sigma > 0, self.nu / self.sigma ** 2, 0.0)
        return (self.tau * 1e-3 * g)[:, None] * self.K * self.J ** 2


class _ExpNet(_Net):
    """Exponential synapses: M_ab(lambda) = tau_a K_ab J_ab H_a(lambda) exp(-lambda D_ab), H the
    Schuecker et al. (2015) shift-form response to the mean input with the synaptic low-pass
    (``numerics.lif_spectra.rate_response_exp``; no variance term: the synaptic filter removes the
    white variance channel of delta synapses, so there is no high-frequency root family).  H is
    evaluated for Re lambda >= -1/(4 tau_m); below that M is NaN (roots there are not searched)."""

    def __init__(self, *args, tau_s):
        super().__init__(*args)
        self.tau_s = np.broadcast_to(np.asarray(tau_s, float), (self.P,)).copy()
        self.re_min = -1.0 / (4.0 * float(np.max(self.tau)))

    def m(self, lam, wref=-1.0, resolution=None):
        from recnet.numerics.lif_spectra import rate_response_exp
        lam = np.atleast_1d(np.asarray(lam, complex))
        ok = lam.real >= self.re_min
        out = np.full((lam.size, self.P, self.P), np.nan, complex)
        if np.any(ok):
            h = rate_response_exp(lam[ok], self.mu, self.sigma, tau_s=self.tau_s, **self.neuron)   # (P, n)
            ts = self.tau * 1e-3
            coef = ts[None, :, None] * self.K[None] * h.T[:, :, None] * self.J[None]
            out[ok] = coef * np.exp(-lam[ok][:, None, None] * self.D[None])
        return out

    def high_frequency_c(self):
        return np.zeros((self.P, self.P))


def _newton(net, lam0, tol=1e-12, max_iter=60):
    """Newton on det(1 - M) from lam0 (1/ms); returns (lam, converged)."""
    lam = complex(lam0)
    for _ in range(max_iter):
        wref = abs(lam) * float(np.max(net.tau)) + 1.0
        h = 1e-6 * (1.0 + abs(lam))
        f = net.det([lam, lam + h, lam - h], wref=wref)
        d = (f[1] - f[2]) / (2 * h)
        if d == 0 or not np.isfinite(d):
            return lam, False
        step = f[0] / d
        if abs(step) > 0.5:                       # 1/ms: damp wild first steps
            step *= 0.5 / abs(step)
        lam -= step
        if abs(lam.real) > 5.0 or abs(lam.imag) > 200.0:
            return lam, False
        if abs(step) < tol * (1.0 + abs(lam)):
            return lam, True
    return lam, False


def _path(net, lams, res):
    """det(1 - M) along the polyline ``lams`` (1/ms), refined until its phase moves < pi/4 per step."""
    lam = np.asarray(lams, complex)
    F = net.det(lam, resolution=res)
    for _ in range(14):
        bad = np.nonzero(np.abs(np.angle(F[1:] / F[:-1])) > np.pi / 4)[0]
        if bad.size == 0:
            return lam, F
        lm = 0.5 * (lam[bad] + lam[bad + 1])
        Fm = net.det(lm, resolution=res)
        lam = np.insert(lam, bad + 1, lm)
        F = np.insert(F, bad + 1, Fm)
    return lam, F     # (the caller checks the phase steps and warns)


def _count(net, f_max_hz, re_max):
    """Roots of det(1 - M) in the box 0 < Re lambda < re_max, |Im lambda| < 2 pi f_max (argument
    principle; conjugate symmetry: N = Delta arg / pi along the upper half of the boundary, run
    up the right edge, left along the top edge and down the imaginary axis)."""
    dmax = float(np.max(net.D)) if np.any(net.D > 0) else 1.0
    step_hi = min(20.0, 1000.0 / (20.0 * dmax))
    f = np.unique(np.concatenate([np.arange(0.0, 200.0, 2.0), np.arange(200.0, f_max_hz + step_hi, step_hi)]))
    f = f[f <= f_max_hz]
    y = 2 * np.pi * f_max_hz * 1e-3
    axis = 2j * np.pi * f * 1e-3
    right = re_max + 1j * np.linspace(0, y, 41)
    top = np.linspace(re_max, 0, 41) + 1j * y
    res = max(20.0, net.resolution / 2)
    path = np.concatenate([right, top[1:], axis[::-1][1:]])
    lam, F = _path(net, path, res)
    net.contour_resolved = bool(np.all(np.abs(np.angle(F[1:] / F[:-1])) <= np.pi / 4))
    n = int(round(np.sum(np.angle(F[1:] / F[:-1])) / np.pi))
    on_axis = lam.real == 0
    return n, lam[on_axis][::-1].imag * 1e3 / (2 * np.pi), F[on_axis][::-1]


RE_MAX = 2.0   # 1/ms: growth rates above 2000/s are not searched (|M| is small there)
# the threshold integration (numerics.lif_response) carries exp(((V - mu)/sigma)^2)-sized terms: past
# this many sigmas between the mean input and threshold or reset they overflow double precision
Y_MAX = 25.0


def _out_of_range(net):
    """Why the linear response of an active population cannot be evaluated at this state ('' if it can)."""
    P = len(net.nu)
    th, vr, rest = (np.broadcast_to(np.asarray(net.neuron[k], float), (P,)) for k in ("v_thresh", "v_reset", "v_rest"))
    for a in range(P):
        if net.nu[a] <= 0 or net.sigma[a] <= 0:
            continue
        y_t = (th[a] - rest[a] - net.mu[a]) / net.sigma[a]
        y_r = (vr[a] - rest[a] - net.mu[a]) / net.sigma[a]
        if max(abs(y_t), abs(y_r)) > Y_MAX:
            return (f"population {a} is driven {abs(min(y_t, y_r, key=abs)):.3g} noise widths "
                    f"({'above' if y_t < 0 else 'below'} threshold: (theta - mu)/sigma = {y_t:.3g}, (V_r - mu)/sigma "
                    f"= {y_r:.3g}); its linear response is out of the evaluated range (|y| <= {Y_MAX:g}): the "
                    "neurons fire nearly regularly at the mean drive")
    return ""


def stability(indegree, weight, delay, *, tau_m, tau_refrac, v_thresh, v_reset, v_rest, rate_hz, mu_mv,
              sigma_mv, f_max_hz=None, resolution=60.0, tau_s=None):
    r"""Linear stability of a stationary state of a delta-synapse LIF network with delays.

    Parameters
    ----------
    indegree, weight, delay : arrays (P, P)
        K_ab, J_ab (mV), D_ab (ms), row = postsynaptic population.
    tau_m, tau_refrac, v_thresh, v_reset, v_rest : float or arrays (P,)
        Neuron parameters (ms, mV).
    rate_hz, mu_mv, sigma_mv : arrays (P,)
        The stationary state (mu relative to v_rest, as in :mod:`recnet.numerics.siegert`).
    f_max_hz : float, optional
        Frequency bound of the counting box (default max(1 kHz, 3 / smallest delay)); above it the
        roots are those of the high-frequency family, whose real parts stay below
        ``high_frequency_limit_per_s`` (Brunel & Hakim 1999).

    Returns
    -------
    dict with ``stable``, ``n_unstable`` (roots with Re lambda > 0, winding number),
    ``growth_rate_per_s`` and ``frequency_hz`` of the main mode (rightmost root up to ``f_max_hz``),
    ``roots`` (every root found, rightmost first, each ``growth_rate_per_s``, ``frequency_hz``),
    ``high_frequency_limit_per_s``, ``state`` (AI, SR, SI fast, SI slow), ``state_rule``, ``warnings``.
    See the module docstring for the equations and the state rule (Brunel 2000).
    """
    args = (indegree, weight, delay, tau_m, tau_refrac, v_thresh, v_reset, v_rest, rate_hz, mu_mv, sigma_mv,
            resolution)
    net = _Net(*args) if tau_s is None else _ExpNet(*args, tau_s=tau_s)
    warnings = []
    if np.all(net.nu <= 0):
        return {"stable": True, "n_unstable": 0, "growth_rate_per_s": None, "frequency_hz": None, "roots": [],
                "high_frequency_limit_per_s": None, "state": "quiescent", "state_rule": STATE_RULE,
                "warnings": ["every population is silent: no rate fluctuations to destabilise"]}
    pos_d = net.D[(net.K * net.J != 0) & (net.D > 0)]
    if f_max_hz is None:
        f_max_hz = max(1000.0, 3000.0 / float(np.min(pos_d))) if pos_d.size else 2000.0
    f_max = float(f_max_hz)
    undetermined = _out_of_range(net)
    if undetermined:
        return {"stable": None, "n_unstable": None, "growth_rate_per_s": None, "frequency_hz": None, "roots": [],
                "high_frequency_limit_per_s": None, "state": f"not computed: {undetermined}",
                "state_rule": STATE_RULE, "warnings": [f"linear stability not computed: {undetermined}"]}
    n_unstable, f, F = _count(net, f_max, RE_MAX)
    if not net.contour_resolved:
        warnings.append("det(1 - M) varies too fast along the counting contour: n_unstable may be wrong")
    silent_noise = (net.nu > 0) & (net.sigma <= 0)
    if np.any(silent_noise):
        warnings.append(f"population(s) {np.nonzero(silent_noise)[0].tolist()} fire without input noise "
                        "(sigma = 0): the diffusion linear response does not apply and they are treated as "
                        "unresponsive, so stability is undetermined")
    # -- roots
    absF = np.abs(F)
    mins = [i for i in range(1, len(f) - 1) if absF[i] <= absF[i - 1] and absF[i] <= absF[i + 1]]
    starts = [2j * np.pi * f[i] * 1e-3 for i in mins] + [0.0, 0.02, -0.02]
    starts += [s - 0.05 for s in starts[:len(mins)]] + [s + 0.05 for s in starts[:len(mins)]]
    roots = []
    for s in starts:
        lam, ok = _newton(net, s)
        if not ok:
            continue
        lam = complex(lam.real, abs(lam.imag))
        if not any(abs(lam - r) < 1e-7 * (1 + abs(r)) for r in roots):
            roots.append(lam)
    def n_rhp():
        return sum(1 + (1 if r.imag > 1e-9 else 0) for r in roots if r.real > 0)

    for re in (0.05, 0.2, 0.5, 1.0, 1.5):   # roots in the box not found yet: starts from |det| minima inside it
        if n_rhp() >= n_unstable:
            break
        fl = np.arange(0.0, f_max + 20.0, 20.0)
        lam_line = re + 2j * np.pi * fl * 1e-3
        a_line = np.abs(net.det(lam_line, resolution=20.0))
        for i in range(1, len(fl) - 1):
            if a_line[i] <= a_line[i - 1] and a_line[i] <= a_line[i + 1]:
                lam, ok = _newton(net, lam_line[i])
                lam = complex(lam.real, abs(lam.imag))
                if ok and not any(abs(lam - r) < 1e-7 * (1 + abs(r)) for r in roots):
                    roots.append(lam)
    roots.sort(key=lambda z: -z.real)
    n_found_rhp = n_rhp()
    if n_found_rhp < n_unstable:
        warnings.append(f"the Nyquist count gives {n_unstable} roots with Re lambda > 0 but Newton found "
                        f"{n_found_rhp}: the main mode may be missing")
    stable = n_unstable == 0 and n_found_rhp == 0
    # -- high-frequency family
    c = net.high_frequency_c()
    pos = net.D[net.K * net.J ** 2 > 0]
    if not np.any(c):
        hf = None           # no variance channel (exp synapses): no high-frequency root family
    elif pos.size and np.allclose(pos, pos[0]) and pos[0] > 0:
        eig = np.abs(np.linalg.eigvals(c))
        hf = float(np.log(np.max(eig)) / pos[0] * 1e3) if np.max(eig) > 0 else None
    elif pos.size and np.all(pos > 0):
        lo, hi = -50.0, 50.0                              # 1/ms, bisection of rho(|C| e^{-r D}) = 1
        for _ in range(200):
            r = 0.5 * (lo + hi)
            rho = np.max(np.abs(np.linalg.eigvals(np.abs(c) * np.exp(-r * net.D))))
            lo, hi = (r, hi) if rho > 1 else (lo, r)
        hf = 0.5 * (lo + hi) * 1e3
        warnings.append("unequal delays: high_frequency_limit_per_s is an upper bound")
    else:
        hf = None
    if hf is not None and hf >= 0:
        stable = False
        warnings.append(f"the high-frequency root family tends to growth rate {hf:g}/s >= 0: infinitely many "
                        "unstable modes (the recurrent share of the input variance is >= 1)")
    in_box = [r for r in roots if r.imag * 1e3 / (2 * np.pi) <= f_max]
    main = in_box[0] if in_box else None
    if isinstance(net, _ExpNet) and main is None:
        warnings.append(f"no root with growth rate above {net.re_min * 1e3:.4g}/s (-1/(4 tau_m), where the exp-synapse "
                        "response is evaluated): the damped modes lie below it and are not reported")
    out = {"stable": bool(stable), "n_unstable": n_unstable,
           "growth_rate_per_s": float(main.real * 1e3) if main is not None else None,
           "frequency_hz": float(main.imag * 1e3 / (2 * np.pi)) if main is not None else None,
           "roots": [{"growth_rate_per_s": float(r.real * 1e3), "frequency_hz": float(r.imag * 1e3 / (2 * np.pi))}
                     for r in roots],
           "high_frequency_limit_per_s": hf, "f_max_hz": float(f_max)}
    out["state"] = _state(net, out)
    if np.any(silent_noise):
        out["stable"] = None
        out["state"] = "undetermined (a population fires without input noise)"
    out["state_rule"] = STATE_RULE
    out["warnings"] = warnings
    return out


STATE_RULE = ("AI if stable; else SR if the recurrent input of the most active population is "
              "excitation-dominated (sum_b K_ab J_ab nu_b > 0), else SI fast if the main mode's frequency "
              ">= 1/(8 D) (D the in-degree-weighted mean delay), else SI slow (recnet's reading of "
              "Brunel 2000, sec. 4-5, fig. 2)")


def _state(net, out):
    if out["stable"]:
        return "AI"
    a = int(np.argmax(net.nu))
    if float(np.sum(net.K[a] * net.J[a] * net.nu)) > 0:
        return "SR"
    w = net.K * np.abs(net.J)
    dbar = float(np.sum(w * net.D) / np.sum(w)) if np.sum(w) > 0 else 0.0
    f = out["frequency_hz"] or 0.0
    if dbar > 0 and f >= 1000.0 / (8.0 * dbar):
        return "SI fast"
    return "SI slow"


def track_root(make_state, params, lam0):
    """Follow a root from one parameter point to the next (continuation).

    ``make_state(p)`` returns the keyword arguments of :func:`stability` (without ``f_max_hz``) at
    parameter ``p``; ``lam0`` (complex, 1/ms) is a root at ``params[0]``.  Returns the list of
    roots (1/ms) along ``params``, each Newton-refined from the previous one.
    """
    out = []
    lam = complex(lam0)
    for p in params:
        kw = make_state(p)
        kw.pop("f_max_hz", None)
        res = kw.pop("resolution", 60.0)
        net = _Net(kw.pop("indegree"), kw.pop("weight"), kw.pop("delay"), kw["tau_m"], kw["tau_refrac"],
                   kw["v_thresh"], kw["v_reset"], kw["v_rest"], kw["rate_hz"], kw["mu_mv"], kw["sigma_mv"], res)
        lam, ok = _newton(net, lam)
        if not ok:
            raise RuntimeError(f"root tracking lost the root at parameter {p!r}")
        out.append(lam)
    return out


def model_stability(model, state):
    """:func:`stability` of one stationary ``state`` (``rate_hz``, ``mu_mv``, ``sigma_mv`` arrays, as
    in :func:`recnet.numerics.lif_meanfield.network_states`) of a ``lif-network`` model, with the
    delays of its projections."""
    from recnet.numerics.lif_meanfield import synaptic_time_constants
    a = model.to_arrays()
    tau_s = synaptic_time_constants(a, model.names)
    P = a["indegree"].shape[0]
    D = np.zeros((P, P))
    for pr in model.projections:
        D[model.index(pr.post), model.index(pr.pre)] = pr.delay
    return stability(a["indegree"], a["weight"], D, tau_m=a["tau_m"], tau_refrac=a["tau_refrac"],
                     v_thresh=a["v_thresh"], v_reset=a["v_reset"], v_rest=a["v_rest"],
                     rate_hz=state["rate_hz"], mu_mv=state["mu_mv"], sigma_mv=state["sigma_mv"], tau_s=tau_s)


def effective_connectivity(lam, indegree, weight, delay, *, tau_m, tau_refrac, v_thresh, v_reset, v_rest, rate_hz,
                           mu_mv, sigma_mv, resolution=60.0):
    r"""M_ab(lambda) = tau_a K_ab [A_mu,a(lambda) J_ab + A_var,a(lambda) J_ab^2] exp(-lambda D_ab).

    ``lam`` complex (n,) in 1/ms; other arguments as :func:`stability`.  Returns (n, P, P), row =
    postsynaptic population (Brunel 2000 sec. 4; Bos et al. 2016, PLoS Comput Biol 12:e1005132, eq. 12,
    here with the variance term that delta synapses carry).
    """
    net = _Net(indegree, weight, delay, tau_m, tau_refrac, v_thresh, v_reset, v_rest, rate_hz, mu_mv, sigma_mv,
               resolution)
    return net.m(lam)


def propagator(lam, indegree, weight, delay, **state):
    """P(lambda) = (1 - M(lambda))^-1 (n, P, P): the linear response of the population rates to
    a perturbation injected into each population (Bos et al. 2016, eq. 17); ``state`` as
    :func:`stability`.  Singular at the roots of det(1 - M) = 0."""
    m = effective_connectivity(lam, indegree, weight, delay, **state)
    return np.linalg.inv(np.eye(m.shape[1])[None] - m)


def power_spectra(freqs_hz, indegree, weight, delay, sizes, **state):
    r"""Population-rate power spectra C(omega) = P(omega) D P(omega)^dagger, P = (1 - M(i omega))^-1.

    D = diag(nu_a / N_a) (Hz): the spike-train noise of N_a independent neurons at rate nu_a, taken
    white (Bos et al. 2016, eq. 18).  ``sizes`` N_a; ``state`` as :func:`stability`.  Returns
    (n, P, P) complex cross-spectra (Hz); the diagonal is real and >= 0.
    """
    f = np.atleast_1d(np.asarray(freqs_hz, float))
    if not np.all(np.isfinite(f)):
        raise ParameterError("freqs_hz", freqs_hz, "finite frequencies in Hz")
    n_a = np.asarray(sizes, float)
    if n_a.shape != (np.asarray(indegree).shape[0],) or np.any(n_a < 1):
        raise ParameterError("sizes", sizes, "one population size >= 1 per population")
    prop = propagator(2j * np.pi * f * 1e-3, indegree, weight, delay, **state)
    d = np.diag(np.asarray(state["rate_hz"], float) / n_a)
    return prop @ d[None] @ np.conj(np.transpose(prop, (0, 2, 1)))
