"""The command line every paper script shares: ``python papers/NAME.py [-o FILE] [--quick]``."""
import argparse


def run(make, title, argv=None):
    """Parse ``-o/--output`` and ``--quick``, draw the figure with ``make`` and print its path."""
    p = argparse.ArgumentParser(description=title)
    p.add_argument("-o", "--output", default=None, help="output file (PNG, PDF or SVG)")
    p.add_argument("--quick", action="store_true", help="coarser grid, shorter simulations")
    a = p.parse_args(argv)
    print(make(a.output, quick=a.quick))
