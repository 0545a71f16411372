r"""Mean-field theory of Brunel's (2000) sparse balanced network of LIF neurons (sympy).

Brunel N (2000) Dynamics of sparsely connected networks of excitatory and inhibitory spiking
neurons. J Comput Neurosci 8:183-208.

Network: N_E excitatory and N_I = gamma N_E inhibitory leaky integrate-and-fire neurons with delta
synapses; every neuron receives C_E = epsilon N_E excitatory inputs of weight J and C_I = epsilon N_I
inhibitory inputs of weight -g J (mV, the jump of the membrane potential), plus C_E external Poisson
inputs of weight J at rate nu_ext = eta nu_thr.  Membrane potentials V are measured relative to the
resting potential (V_rest = 0 here; with PyNN's absolute potentials theta = v_thresh - v_rest and
V_r = v_reset - v_rest).  E and I neurons are identical, so both fire at the same rate nu.

Every quantity is a sympy object (print, ``subs``, ``diff``, ``lambdify``).  ``equations()`` returns
them in order; named accessors return the single objects.  Times in s, rates in Hz, potentials in
mV when numbers are substituted (the numerics convert PyNN's ms).

Derivation.  In a time dt a neuron receives on average C_E (nu_ext + nu) dt excitatory and C_I nu dt
inhibitory spikes; with jumps J and -g J the drift and diffusion of the Ornstein-Uhlenbeck
approximation are (Brunel 2000, eqs. 4-5)

    mu      = C_E J tau (nu_ext + nu (1 - g gamma))         (using C_I = gamma C_E)
    sigma^2 = C_E J^2 tau (nu_ext + nu (1 + g^2 gamma)).

nu_thr = theta/(J C_E tau) is the external rate that alone brings the mean input to threshold.
(sigma is the amplitude in tau dV/dt = -V + mu + sigma sqrt(tau) xi(t), Brunel eq. 2; the free
membrane potential's standard deviation is sigma/sqrt(2).)  The mean first-passage time of the OU process from V_r to theta gives the Siegert rate (eq. 21),
which must equal the rate that produced mu and sigma (self-consistency).
"""
from __future__ import annotations

from collections import OrderedDict

import sympy as sp

__all__ = ["symbols", "equations", "mean_input", "variance_input", "nu_threshold", "siegert_rate",
           "self_consistency", "noise_free_rate", "balanced_limit", "cv_isi", "siegert_integrand",
           "mean_input_general", "variance_input_general"]

# symbols (positive where physically positive)
V_r = sp.Symbol("V_r", real=True)
tau = sp.Symbol("tau", positive=True)
tau_rp = sp.Symbol("tau_rp", nonnegative=True)
theta = sp.Symbol("theta", positive=True)
J, g, gamma, epsilon, eta = sp.symbols("J g gamma epsilon eta", positive=True)
C_E, C_I, N_E, N_I = sp.symbols("C_E C_I N_E N_I", positive=True)
nu, nu_E, nu_I, nu_ext, nu_thr = sp.symbols("nu nu_E nu_I nu_ext nu_thr", nonnegative=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
u, x, y = sp.symbols("u x y", real=True)
J_0 = sp.Symbol("J_0", positive=True)


def symbols():
    """The symbols used, by name (tau = tau_m, tau_rp = refractory period, theta, V_r, ...)."""
    return dict(tau=tau, tau_rp=tau_rp, theta=theta, V_r=V_r, J=J, g=g, gamma=gamma, epsilon=epsilon,
                eta=eta, C_E=C_E, C_I=C_I, N_E=N_E, N_I=N_I, nu=nu, nu_E=nu_E, nu_I=nu_I, nu_ext=nu_ext,
                nu_thr=nu_thr, mu=mu, sigma=sigma, u=u, x=x, y=y, J_0=J_0)


def mean_input_general():
    """mu for separate E and I rates and in-degrees: tau J (C_E nu_ext + C_E nu_E - g C_I nu_I)."""
    return tau * J * (C_E * nu_ext + C_E * nu_E - g * C_I * nu_I)


def variance_input_general():
    """sigma^2 for separate E and I rates: tau J^2 (C_E nu_ext + C_E nu_E + g^2 C_I nu_I)."""
    return tau * J**2 * (C_E * nu_ext + C_E * nu_E + g**2 * C_I * nu_I)


def mean_input():
    """mu(nu) = C_E J tau (nu_ext + nu (1 - g gamma)) [mV] (Brunel 2000 eq. 4), nu_E = nu_I = nu."""
    return sp.factor_terms(sp.expand(mean_input_general().subs({nu_E: nu, nu_I: nu, C_I: gamma * C_E})))


def variance_input():
    """sigma^2(nu) = C_E J^2 tau (nu_ext + nu (1 + g^2 gamma)) [mV^2] (Brunel 2000 eq. 5)."""
    return sp.factor_terms(sp.expand(variance_input_general().subs({nu_E: nu, nu_I: nu, C_I: gamma * C_E})))


def nu_threshold():
    """nu_thr = theta/(J C_E tau): the external rate whose mean input alone reaches threshold."""
    return sp.solve(sp.Eq(mean_input().subs(nu, 0), theta), nu_ext)[0]


def siegert_integrand():
    """exp(u^2)(1 + erf u), the integrand of the Siegert formula (= erfcx(-u))."""
    return sp.exp(u**2) * (1 + sp.erf(u))


def siegert_rate(mu_=mu, sigma_=sigma):
    r"""The Siegert rate nu = 1/(tau_rp + tau sqrt(pi) \int_{y_r}^{y_theta} e^{u^2}(1+erf u) du).

    y_theta = (theta - mu)/sigma, y_r = (V_r - mu)/sigma (Brunel 2000 eq. 21; Siegert 1951).
    An unevaluated ``sympy.Integral``: ``diff`` applies Leibniz's rule, ``lambdify(...,
    modules='mpmath')`` evaluates it with mpmath quadrature.
    """
    integral = sp.Integral(siegert_integrand(), (u, (V_r - mu_) / sigma_, (theta - mu_) / sigma_))
    return 1 / (tau_rp + tau * sp.sqrt(sp.pi) * integral)


def self_consistency():
    """nu = Siegert(mu(nu), sigma(nu)) with nu_ext = eta nu_thr: an ``Eq`` in the single unknown nu."""
    mu_nu = sp.collect(sp.expand(mean_input().subs(nu_ext, eta * nu_threshold())), nu)
    sigma_nu = sp.sqrt(sp.collect(sp.expand(variance_input().subs(nu_ext, eta * nu_threshold())), nu))
    return sp.Eq(nu, siegert_rate(mu_nu, sigma_nu))


def noise_free_rate(mu_=mu):
    r"""sigma -> 0 limit: the deterministic LIF rate, 1/(tau_rp + tau ln((mu - V_r)/(mu - theta)))
    for mu > theta, 0 otherwise.

    Derivation: for y_theta, y_r -> -infinity, e^{u^2}(1 + erf u) = erfcx(-u) ~ 1/(sqrt(pi) |u|),
    so sqrt(pi) \int_{y_r}^{y_theta} -> ln(y_r / y_theta) = ln((mu - V_r)/(mu - theta)); for
    mu < theta, y_theta -> +infinity and the integral diverges like e^{y_theta^2}, so nu -> 0.
    """
    return sp.Piecewise((1 / (tau_rp + tau * sp.log((mu_ - V_r) / (mu_ - theta))), mu_ > theta),
                        (0, True))


def _noise_free_limit_check():
    """sqrt(pi) * u * integrand -> -1 as u -> -oo (the asymptotics used in noise_free_rate)."""
    return sp.limit(sp.sqrt(sp.pi) * u * sp.exp(u**2) * sp.erfc(-u), u, -sp.oo)


def balanced_limit():
    r"""Large-C balanced limit (van Vreeswijk & Sompolinsky 1996; Brunel 2000 section 3.1).

    With J = J_0/sqrt(C_E) and C_E -> infinity at fixed J_0, mu = sqrt(C_E) J_0 tau (nu_ext +
    nu (1 - g gamma)) diverges unless the bracket vanishes to leading order, which fixes
    nu = nu_ext / (g gamma - 1) (needs g gamma > 1); sigma^2 -> J_0^2 tau (nu_ext + nu (1 + g^2 gamma))
    stays finite.  Returns an ``Eq`` for that rate; ``balanced_limit_sigma2`` in ``equations()``
    gives the limiting variance.
    """
    mu_scaled = mean_input().subs(J, J_0 / sp.sqrt(C_E)) / sp.sqrt(C_E)
    lead = sp.limit(mu_scaled, C_E, sp.oo)
    return sp.Eq(nu, sp.solve(sp.Eq(lead, 0), nu)[0])


def balanced_limit_sigma2():
    """Limit of sigma^2 for J = J_0/sqrt(C_E), C_E -> infinity."""
    return sp.limit(variance_input().subs(J, J_0 / sp.sqrt(C_E)), C_E, sp.oo)


def cv_isi(nu_=nu, mu_=mu, sigma_=sigma):
    r"""ISI coefficient of variation of the LIF neuron with white noise (Tuckwell 1988; Brunel 2000
    Appendix A.1):

        CV^2 = 2 pi (nu tau)^2 \int_{y_r}^{y_theta} dx e^{x^2} \int_{-oo}^{x} dy e^{y^2} (1 + erf y)^2.

    Returns CV (the square root) as a nested unevaluated Integral.
    """
    inner = sp.Integral(sp.exp(y**2) * (1 + sp.erf(y))**2, (y, -sp.oo, x))
    outer = sp.Integral(sp.exp(x**2) * inner, (x, (V_r - mu_) / sigma_, (theta - mu_) / sigma_))
    return sp.sqrt(2 * sp.pi * (nu_ * tau)**2 * outer)


def equations():
    """Brunel's mean-field theory as an ordered dict label -> sympy object."""
    eqs = OrderedDict()
    eqs["E in-degree"] = sp.Eq(C_E, epsilon * N_E)
    eqs["I in-degree"] = sp.Eq(C_I, epsilon * N_I)
    eqs["I population size"] = sp.Eq(N_I, gamma * N_E)
    eqs["mean input mu (E and I rates)"] = sp.Eq(mu, mean_input_general())
    eqs["input variance sigma^2 (E and I rates)"] = sp.Eq(sigma**2, variance_input_general())
    eqs["mean input mu (nu_E = nu_I = nu, C_I = gamma C_E)"] = sp.Eq(mu, mean_input())
    eqs["input variance sigma^2"] = sp.Eq(sigma**2, variance_input())
    eqs["threshold rate nu_thr"] = sp.Eq(nu_thr, nu_threshold())
    eqs["external drive"] = sp.Eq(nu_ext, eta * nu_thr)
    eqs["Siegert rate"] = sp.Eq(nu, siegert_rate())
    eqs["self-consistency"] = self_consistency()
    eqs["noise-free limit (sigma -> 0)"] = sp.Eq(nu, noise_free_rate())
    eqs["balanced limit (J = J_0/sqrt(C_E), C_E -> oo)"] = balanced_limit()
    eqs["balanced limit sigma^2"] = sp.Eq(sigma**2, balanced_limit_sigma2())
    eqs["ISI CV"] = sp.Eq(sp.Symbol("CV"), cv_isi())
    return eqs


def siegert_equations():
    """The single-neuron part only (for ``recnet derive siegert``)."""
    eqs = OrderedDict()
    eqs["Siegert rate"] = sp.Eq(nu, siegert_rate())
    eqs["noise-free limit (sigma -> 0)"] = sp.Eq(nu, noise_free_rate())
    eqs["ISI CV"] = sp.Eq(sp.Symbol("CV"), cv_isi())
    return eqs
