"""The stabilized supralinear network: rates against input and the paradoxical effect.

Two populations, k = 0.04 Hz/mV^2, n = 2, tau = (20, 10) ms and the published weight set of
Rubin, Van Hooser, Miller 2015 (their ring SSN's uniform mode, W = (3.512, 1.836, 3.352, 1.437)
mV s; ``recnet.numerics.ssn.WEIGHT_SETS``; ``compute(weights="hennequin2018")`` for
W = (1.25, 0.65, 1.2, 0.5) mV s), input h = c (1, 1) mV.

(a) Stable fixed-point rates (lines, exact polynomial method) and rate simulations from rest
(points): slope 2 (supralinear, r ~ k c^2) at weak input, sublinear growth and finally a falling
E rate (supersaturation, W_EI h_I > W_II h_E) at strong input; the dashed line marks the ISN onset
g_E W_EE = 1 (c = 2.8 mV for the default set).  With the default set the E rate reaches 0 at
c ~ 270 mV; beyond it only I is active and dr_I/dh_I > 0 again.
(b) dr_I/dh_I from theory (line) and from a 0.01 mV step of I drive in the rate simulation
(points): it turns negative (paradoxical) exactly at the ISN onset (Ahmadian, Rubin, Miller 2013,
Figs. 2 and 5; Tsodyks et al. 1997).
"""
from pathlib import Path

import numpy as np
from recnet.papers._script import run, save

TITLE = "SSN: supralinear-to-sublinear rates and the paradoxical response (Ahmadian et al. 2013)"
REFERENCE = "Y. Ahmadian, D. B. Rubin, K. D. Miller, Neural Comput. 25, 1994 (2013)"


def compute(quick=False, weights="rubin2015"):
    from recnet.numerics import ssn
    p = ssn.default_parameters(weights)
    W, k, tau = p["W"], p["k"], p["tau"]
    cs = np.geomspace(0.3, 3000, 80 if quick else 200)
    th = ssn.input_response(W, [1.0, 1.0], cs, k, 2, tau)
    dri, isn = [], []
    for c in cs:
        f = [x for x in ssn.fixed_points_2pop(W, [c, c], k, 2, tau) if x["stable"]][0]
        dri.append(f["response"][1, 1])
        isn.append(f["isn"])
    c_sim = np.geomspace(0.5, 1000, 8 if quick else 14)
    sim, dsim = [], []
    for c in c_sim:
        h = np.array([c, c])
        _, r = ssn.simulate(W, h, k, 2, tau, t_sim=3000.0, dt=0.05)
        _, r1 = ssn.simulate(W, h + [0, 0.01], k, 2, tau, r0=r[-1], t_sim=2000.0, dt=0.05)
        sim.append(r[-1])
        dsim.append((r1[-1][1] - r[-1][1]) / 0.01)
    c_isn = cs[int(np.argmax(isn))]
    return dict(cs=cs, th=th, dri=np.array(dri), c_isn=c_isn, c_sim=c_sim, sim=np.array(sim), dsim=np.array(dsim))


def make(out=None, quick=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = compute(quick)
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    a = ax[0]
    a.plot(d["cs"], d["th"][:, 0], "C0-", label="E theory")
    a.plot(d["cs"], d["th"][:, 1], "C3-", label="I theory")
    a.plot(d["c_sim"], d["sim"][:, 0], "C0o", label="E rate simulation")
    a.plot(d["c_sim"], d["sim"][:, 1], "C3s", label="I rate simulation")
    a.plot(d["cs"][:40], 0.04 * d["cs"][:40] ** 2, "k:", lw=1, label="k c^2 (no recurrence)")
    a.axvline(d["c_isn"], color="gray", ls="--", lw=1, label="ISN onset")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_ylim(1e-3, 1e3)
    a.set_xlabel("input c (mV), h = c (1, 1)")
    a.set_ylabel("rate (Hz)")
    a.set_title("(a) supralinear, then sublinear")
    a.legend(fontsize=7)
    b = ax[1]
    b.plot(d["cs"], d["dri"], "C3-", label="theory g_I (1 - g_E W_EE) / det")
    b.plot(d["c_sim"], d["dsim"], "ko", label="rate simulation (0.01 mV step)")
    b.axhline(0, color="k", lw=0.5)
    b.axvline(d["c_isn"], color="gray", ls="--", lw=1, label="ISN onset")
    b.set_xscale("log")
    b.set_yscale("symlog", linthresh=0.1)
    b.set_xlabel("input c (mV)")
    b.set_ylabel("dr_I / dh_I (Hz/mV)")
    b.set_title("(b) paradoxical response")
    b.legend(fontsize=7)
    return save(fig, Path(out or "ahmadian2013_ssn.png"), TITLE)


if __name__ == "__main__":
    run(make, TITLE)
