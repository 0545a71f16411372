"""The command line every paper script shares: ``python papers/NAME.py [-o FILE] [--quick]``."""
import argparse


def run(make, title, argv=None):
    """Parse ``-o/--output`` and ``--quick``, draw the figure with ``make`` and print its path."""
    p = argparse.ArgumentParser(description=title)
    p.add_argument("-o", "--output", default=None, help="output file (PNG, PDF or SVG)")
    p.add_argument("--quick", action="store_true", help="coarser grid, shorter simulations")
    a = p.parse_args(argv)
    print(make(a.output, quick=a.quick))


def save(fig, out, suptitle=None, dpi=120):
    """Lay out ``fig``, write it to ``out``, close it (figures are made in loops) and return ``out``."""
    import matplotlib.pyplot as plt

    if suptitle:
        fig.suptitle(suptitle, fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
