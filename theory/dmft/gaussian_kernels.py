r"""Closed-form Gaussian kernels of transfer functions (sympy).

For jointly Gaussian :math:`x, y` with zero mean, variance :math:`\Delta_0` and covariance
:math:`\Delta` (:math:`\rho = \Delta/\Delta_0`), the kernels
:math:`C_f(\Delta;\Delta_0) = \langle f(x) f(y)\rangle` for :math:`f \in \{\phi, \phi', \Phi\}`
(:math:`\Phi = \int_0^x\phi`) are

* erf, :math:`\phi = \mathrm{erf}(\sqrt\pi x/2)` (slope 1 at 0; Williams 1997):
  :math:`C_\phi = \frac{2}{\pi}\arcsin\frac{\pi\Delta/2}{1+\pi\Delta_0/2}`; :math:`C_{\phi'}` is the
  Gaussian integral of :math:`e^{-\pi(x^2+y^2)/4}`; :math:`C_\Phi` follows from Price's theorem
  :math:`\partial C_\Phi/\partial\Delta = C_\phi` with :math:`C_\Phi(0) = \langle\Phi\rangle^2`;
* ReLU (arc-cosine kernels of order 0, 1, 2; Cho & Saul 2009), :math:`\cos\theta = \rho`;
* linear (Isserlis' theorem), any mean :math:`\mu`.

The derivations below are carried out by sympy where it can (Gaussian integrals, Price's theorem);
``verify_*`` functions return residuals that must simplify to zero, and the tests check them, plus
agreement with quadrature to 1e-12 (``recnet.numerics.gaussian``).
"""
from __future__ import annotations

import sympy as sp

__all__ = ["symbols", "erf_kernels", "relu_kernels", "linear_kernels", "verify_price", "kernels"]

D, D0, mu, rho = sp.symbols("Delta Delta_0 mu rho", real=True)
_x, _y, _z = sp.symbols("x y z", real=True)


def symbols():
    """(Delta, Delta_0, mu): covariance, variance and mean symbols used by every kernel."""
    return D, D0, mu


def _gauss2(expr_xy):
    """<expr(x, y)> for zero-mean (x, y) with variance D0 and covariance D, as a sympy integral."""
    z1, z2 = sp.symbols("z_1 z_2", real=True)
    a = sp.sqrt(D0)
    b = D / sp.sqrt(D0)
    c = sp.sqrt(D0 - D ** 2 / D0)
    e = expr_xy.subs({_x: a * z1, _y: b * z1 + c * z2}, simultaneous=True)
    dens = sp.exp(-(z1 ** 2 + z2 ** 2) / 2) / (2 * sp.pi)
    return sp.Integral(e * dens, (z1, -sp.oo, sp.oo), (z2, -sp.oo, sp.oo))


def erf_kernels():
    """dict which -> sympy expression in (Delta, Delta_0) for phi = erf(sqrt(pi) x / 2)."""
    c = sp.pi / 2
    C_phi = 2 / sp.pi * sp.asin(c * D / (1 + c * D0))
    # phi' = exp(-pi x^2/4): <exp(-a (x^2 + y^2))> = det(I + 2 a Sigma)^(-1/2), a = pi/4
    C_dphi = 1 / sp.sqrt((1 + c * D0) ** 2 - (c * D) ** 2)
    # Phi = x phi + (2/pi)(phi' - 1); <Phi> from Stein's lemma, then Price's theorem in Delta
    s = sp.sqrt(1 + c * D0)
    mean_Phi = D0 / s + 2 / sp.pi * (1 / s - 1)
    t = sp.Symbol("t", real=True)
    integ = sp.integrate(C_phi.subs(D, t), (t, 0, D))
    C_Phi = sp.simplify(mean_Phi ** 2 + integ)
    return {"phi": C_phi, "dphi": C_dphi, "Phi": C_Phi}


def relu_kernels():
    """dict which -> sympy expression for phi = max(x, 0) (arc-cosine kernels, zero mean)."""
    r = D / D0
    th = sp.acos(r)
    sn = sp.sqrt(1 - r ** 2)
    C_phi = D0 / (2 * sp.pi) * (sn + (sp.pi - th) * r)
    C_dphi = (sp.pi - th) / (2 * sp.pi)
    C_Phi = D0 ** 2 / (8 * sp.pi) * (3 * sn * r + (sp.pi - th) * (1 + 2 * r ** 2))
    return {"phi": C_phi, "dphi": C_dphi, "Phi": C_Phi}


def linear_kernels():
    """dict which -> sympy expression in (Delta, Delta_0, mu) for phi = x (derived by integration)."""
    z1, z2 = sp.symbols("z_1 z_2", real=True)
    a = sp.sqrt(D0)
    b = D / sp.sqrt(D0)
    c = sp.sqrt(D0 - D ** 2 / D0)
    X = mu + a * z1
    Y = mu + b * z1 + c * z2
    dens = sp.exp(-(z1 ** 2 + z2 ** 2) / 2) / (2 * sp.pi)

    def avg(e):
        e = sp.expand(e)
        return sp.simplify(sp.integrate(e * dens, (z1, -sp.oo, sp.oo), (z2, -sp.oo, sp.oo)))

    return {"phi": avg(X * Y), "dphi": sp.Integer(1), "Phi": sp.expand(avg(X ** 2 * Y ** 2 / 4))}


def kernels(phi):
    """Closed-form kernels for "erf", "relu" or "linear"; ValueError otherwise (use quadrature)."""
    table = {"erf": erf_kernels, "relu": relu_kernels, "linear": linear_kernels}
    if phi not in table:
        raise ValueError(f"phi = {phi!r} has no closed-form Gaussian kernel here: choose erf, relu or linear "
                         "(recnet.numerics.gaussian evaluates other functions by quadrature)")
    return table[phi]()


def verify_price(k):
    r"""Residuals of Price's theorem :math:`\partial_\Delta C_\Phi = C_\phi`,
    :math:`\partial_\Delta C_\phi = C_{\phi'}` for a kernel dict; both simplify to 0 when consistent."""
    return (sp.simplify(sp.diff(k["Phi"], D) - k["phi"]), sp.simplify(sp.diff(k["phi"], D) - k["dphi"]))
