"""The three subjects' quick validations agree with theory (the same runs `recnet validate` does)."""
import pytest

from recnet.validation.scn import validate as scn


@pytest.mark.slow
@pytest.mark.parametrize("fn", [scn.validate, scn.validate_lowrank, scn.validate_memory],
                         ids=["scn", "lowrank-ei", "memory"])
def test_quick_validation_agrees(fn):
    res = fn(quick=True, seed=12345)
    bad = [c.quantity for c in res.comparisons if not c.agree]
    assert res.comparisons and not bad, bad
