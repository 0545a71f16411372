r"""Read a PyTorch ``nn.RNN`` state dict (a ``.pt`` / ``.pth`` file) as the vanilla map recnet analyses.

``torch.nn.RNN`` (one layer, one direction) computes

.. math::

    h_{t+1} = \phi(W_{ih} u_t + b_{ih} + W_{hh} h_t + b_{hh}),\qquad \phi = \tanh \text{ or relu},

so recnet's vanilla map :math:`h_{t+1} = \phi(W h_t + B u_t + b)` has :math:`W` = ``weight_hh_l0``,
:math:`B` = ``weight_ih_l0`` and :math:`b` = ``bias_ih_l0 + bias_hh_l0`` (zero for ``bias=False``).
The nonlinearity is a constructor argument of ``nn.RNN`` and is not stored in the state dict: give
it with ``--phi`` (default tanh, torch's default).

The key names may carry a prefix (``rnn.weight_hh_l0`` when the RNN is a submodule of a model); a
state dict with more than one layer (``weight_hh_l1``), a bidirectional RNN (``..._reverse``) or
projections (``weight_hr_l0``) is refused, as is a file that does not hold a state dict (save
``model.state_dict()``, not the model).

Needs PyTorch (the optional extra ``recnet[torch]``); :func:`rnn_arrays` itself works on any
mapping of names to arrays and needs no torch.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from recnet.checks import ParameterError

__all__ = ["rnn_arrays", "load_state_dict", "TORCH_EXTRA"]

#: how to install the optional extra, quoted in the refusal
TORCH_EXTRA = ("needs PyTorch: pip install 'recnet[torch]' (first the CPU wheel, 192 MB: pip install torch "
               "--index-url https://download.pytorch.org/whl/cpu; the default Linux wheel pulls about 2 GB of "
               "CUDA libraries)")

_KEYS = ("weight_hh_l0", "weight_ih_l0", "bias_hh_l0", "bias_ih_l0")


def _find(sd, name, where):
    hits = [k for k in sd if k == name or k.endswith("." + name)]
    if len(hits) > 1:
        raise ParameterError("weights", where, f"holds {len(hits)} arrays named {name} ({', '.join(hits)}): "
                             "save the nn.RNN's own state_dict()")
    return hits[0] if hits else None


def rnn_arrays(sd, where="state dict"):
    """(W, B, b) of a one-layer unidirectional ``nn.RNN`` state dict (a mapping of names to arrays
    or tensors); ParameterError naming ``weights`` for anything else."""
    sd = dict(sd)
    bad = [k for k in sd if any(t in k for t in ("_reverse", "_l1", "weight_hr_"))]
    if bad:
        raise ParameterError("weights", where, "must be a one-layer, one-direction nn.RNN without projections "
                             f"(it holds {', '.join(sorted(bad)[:4])})")
    keys = {k: _find(sd, k, where) for k in _KEYS}
    if keys["weight_hh_l0"] is None:
        names = ", ".join(sorted(sd)[:8]) or "nothing"
        raise ParameterError("weights", where, f"is not an nn.RNN state dict: no weight_hh_l0 (it holds {names})")
    arr = {}
    for k, key in keys.items():
        if key is None:
            continue
        v = sd[key]
        v = v.detach().cpu().double().numpy() if hasattr(v, "detach") else np.asarray(v, float)
        if not np.all(np.isfinite(v)):
            raise ParameterError("weights", where, f"array {key} must be finite")
        arr[k] = v
    W = arr["weight_hh_l0"]
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ParameterError("weights", where, f"weight_hh_l0 must be square (it is {W.shape})")
    n = W.shape[0]
    B = arr.get("weight_ih_l0")
    if B is not None and (B.ndim != 2 or B.shape[0] != n):
        raise ParameterError("weights", where, f"weight_ih_l0 must be {n} x K (it is {B.shape})")
    b = np.zeros(n)
    for k in ("bias_ih_l0", "bias_hh_l0"):
        if k in arr:
            if arr[k].shape != (n,):
                raise ParameterError("weights", where, f"{k} must have length {n} (it is {arr[k].shape})")
            b = b + arr[k]
    return W, B, b


def load_state_dict(path):
    """(W, B, b) of the ``nn.RNN`` state dict saved at ``path`` (``torch.save(rnn.state_dict(), path)``).

    The file is read with ``torch.load(..., map_location="cpu", weights_only=True)``: no code in it
    runs.  ParameterError naming ``weights`` (and the extra to install) when torch is missing."""
    try:
        import torch
    except ImportError:
        raise ParameterError("weights", str(path), TORCH_EXTRA) from None
    p = Path(path)
    try:
        sd = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ParameterError("weights", str(path), f"could not be read as a PyTorch state dict: {exc}") from None
    if hasattr(sd, "state_dict") and not isinstance(sd, dict):
        sd = sd.state_dict()
    if not isinstance(sd, dict):
        raise ParameterError("weights", str(path), "must hold a state dict (torch.save(rnn.state_dict(), path)), "
                             f"not a {type(sd).__name__}")
    return rnn_arrays(sd, str(path))
