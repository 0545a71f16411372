"""The Potjans & Diesmann (2014) microcircuit with the modifications of Bos et al. (2016), as a test
and benchmark problem for the exp-synapse transfer functions and spectra.

Parameters: Potjans & Diesmann 2014, Cereb Cortex 24:785, tables 4-5 (population sizes, in-degrees,
external in-degrees, neuron and synapse parameters), with Bos et al. 2016, PLoS Comput Biol
12:e1005132 (delays with sd = mean, truncated Gaussian; no thalamic input; the in-degrees of the
full-scale model).  The same numbers as NNMT 1.3's ``Bos2016_network_params.yaml`` (its integration
tests), re-typed here.  Analysis grid: NNMT's, f from 0.1 Hz to 500 Hz in steps of 1/(2 pi) Hz
(3141 frequencies).

``arrays()`` gives recnet's plain arrays (ms, mV, Hz); ``nnmt_network()`` builds NNMT's
``Microcircuit`` from the same numbers (SI units inside NNMT) and ``nnmt_working_point`` computes
NNMT's own working point (mu, sigma, rates) with exponential synapses.
"""
import numpy as np

POPULATIONS = ["23E", "23I", "4E", "4I", "5E", "5I", "6E", "6I"]
N = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948]
K = [[2199.86486, 1079.32007, 979.241261, 467.578108, 159.240826, 0.0, 109.819852, 0.0],
     [2990.00583, 860.261056, 703.691807, 289.693864, 380.735859, 0.0, 60.5863901, 0.0],
     [159.875428, 34.5225188, 1117.17312, 675.0, 32.6043349, 0.319552818, 667.325211, 0.0],
     [1480.97354, 16.9432378, 1813.02026, 953.325789, 16.0313926, 0.0, 1608.12283, 0.0],
     [2188.36598, 374.651134, 1135.62969, 31.3195876, 420.770722, 496.471959, 296.694639, 0.0],
     [1165.66761, 159.083568, 570.579343, 12.0666667, 300.095775, 404.17277, 124.332394, 0.0],
     [325.197985, 38.632025, 467.354637, 91.7147621, 285.670372, 21.1899271, 581.635915, 752.183189],
     [766.90502, 5.83683853, 74.6380597, 2.74016282, 136.240841, 8.55427408, 979.791723, 459.402985]]
K_EXT = [1600, 1500, 1780, 1900, 2000, 1900, 2900, 2100]
C_M = 250.0          # pF
TAU_M = 10.0         # ms
TAU_R = 2.0          # ms
V_RESET = -65.0      # mV
V_THRESH = -50.0     # mV
TAU_S = 0.5          # ms
D_E, D_I = 1.5, 0.75  # ms, mean delays (sd equal to the mean)
W = 87.8             # pA, PSC amplitude (L4E -> L23E doubled)
G = 4.0
NU_EXT = 8.0         # Hz
F_MIN, F_MAX, DF = 0.1, 500.0, 1.0 / (2.0 * np.pi)


def freqs():
    """NNMT's analysis grid (Hz): np.arange(2 pi f_min, 2 pi f_max, 2 pi df) / 2 pi."""
    return np.arange(2 * np.pi * F_MIN, 2 * np.pi * F_MAX, 2 * np.pi * DF) / (2 * np.pi)


def arrays():
    """recnet's plain arrays: K, J (mV, J = w tau_s / C), delays and sds (ms), N, neuron parameters
    (potentials relative to the reset, as NNMT's V_th_rel / V_0_rel)."""
    P = len(N)
    w = np.full((P, P), W)
    w[:, 1::2] *= -G
    w[0, 2] *= 2.0
    J = w * TAU_S / C_M                              # pA ms / pF = mV
    delay = np.full((P, P), D_E)
    delay[:, 1::2] = D_I
    return {"indegree": np.array(K), "weight": J, "n_neurons": np.array(N, float), "delay": delay,
            "delay_sd": delay.copy(), "k_ext": np.array(K_EXT, float), "j_ext": W * TAU_S / C_M,
            "nu_ext": NU_EXT, "tau_m": TAU_M, "tau_s": TAU_S, "tau_refrac": TAU_R,
            "v_thresh": V_THRESH - V_RESET, "v_reset": 0.0}


def nnmt_network(f=None):
    """NNMT 1.3's ``Microcircuit`` with these parameters and analysis frequencies ``f`` (Hz)."""
    import nnmt

    def q(v, unit):
        return {"val": v, "unit": unit}

    net = {"populations": POPULATIONS, "N": N, "C": q(C_M, "pF"), "tau_m": q(TAU_M, "ms"),
           "tau_r": q(TAU_R, "ms"), "V_0_abs": q(V_RESET, "mV"), "V_th_abs": q(V_THRESH, "mV"),
           "tau_s": q(TAU_S, "ms"), "d_e": q(D_E, "ms"), "d_i": q(D_I, "ms"), "d_e_sd": q(D_E, "ms"),
           "d_i_sd": q(D_I, "ms"), "delay_dist": "truncated_gaussian", "w": q(W, "pA"), "K": K,
           "g": G, "nu_ext": q(NU_EXT, "Hz"), "K_ext": K_EXT, "nu_e_ext": q([0.0] * 8, "Hz"),
           "nu_i_ext": q([0.0] * 8, "Hz"), "w_ext": q(W, "pA"), "tau_m_ext": q(TAU_M, "ms")}
    net = nnmt.input_output.val_unit_to_quantities(net)
    ana = nnmt.input_output.val_unit_to_quantities(
        {"f_min": q(F_MIN, "Hz"), "f_max": q(F_MAX, "Hz"), "df": q(DF, "Hz")})
    m = nnmt.models.Microcircuit(network_params=net, analysis_params=ana)
    if f is not None:
        m.analysis_params["omegas"] = 2 * np.pi * np.asarray(f, float)
    return m


def nnmt_working_point(m, method="shift"):
    """NNMT's working point in recnet's units: (mu mV, sigma mV, rates Hz)."""
    import warnings

    import nnmt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wp = nnmt.lif.exp.working_point(m, method=method)
    return wp["mean_input"] * 1e3, wp["std_input"] * 1e3, wp["firing_rates"]
