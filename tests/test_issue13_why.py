"""Cases of issue 13's "Why" list that had no test of their own (the others are mapped in the
report of the robust branch): each ends with exit 0 and a correct explicit answer or exit 2 naming
the option."""
import pytest

from recnet.cli import main


@pytest.mark.parametrize("argv,name", [
    (["predict", "lowrank", "--phi", "1/x"], "phi"),          # was ZeroDivisionError
    (["predict", "dmft-driven", "--phi", "x"], "phi"),        # ran past 60 s
    (["predict", "dmft-driven", "--phi", "abs(x)"], "phi"),   # ran past 60 s
])
def test_unusable_phi_is_refused_naming_phi(argv, name, capsys):
    assert main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"recnet: error: {name} = ") and "Traceback" not in err


def test_derive_dmft_linear_phi_gives_the_equations(capsys):
    # ran past 60 s: the linear network's equations are printed (mu = I0 with J0 = 0)
    assert main(["derive", "dmft", "--phi", "x"]) == 0
    out = capsys.readouterr().out
    assert "mean_input" in out and "noise_correlation" in out
