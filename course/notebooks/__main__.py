"""``python -m course.notebooks [--check]``: rebuild the shipped notebooks from their sources, or say which differ."""
from __future__ import annotations

import argparse
import sys

from course.notebooks.build import PACKAGED, stale, write


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.notebooks",
                                     description=f"Build the notebooks into {PACKAGED} from lessons/notebooks/*.py "
                                                 "and the exercise registry.")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook differs")
    args = parser.parse_args(argv)
    if args.check:
        lines = stale()
        print("\n".join(lines) if lines else "Every notebook is what its source builds.")
        return 1 if lines else 0
    names = write()
    print(f"{len(names)} notebooks in {PACKAGED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
