"""What a lesson drew and what its code says, shown inside a notebook.

    show_figures(lesson)                  # the PNGs of the runs made since the last call: decision boundaries, curves
    show_figures(lesson, "xor")           # or of the runs named
    show_code(day2_mlp.learn_xor)         # a lesson's part, its source highlighted (read it, then run it)

The lessons save every figure they draw (matplotlib) as a PNG in the run's directory and log it to TensorBoard;
a notebook shows those very files, so it shows what the lesson drew. Outside Jupyter both print instead.
"""
from __future__ import annotations

import inspect
from pathlib import Path

_SHOWN: set = set()        # (path, modification time) of the PNGs this kernel has shown


def _runs(lesson, names) -> tuple:
    """The runs to show, and whether only the figures not shown yet (a lesson given without names)."""
    runs = getattr(lesson, "runs", None)
    if runs is None:                                  # a single run (a RunResult)
        return [lesson], False
    if names:
        missing = [n for n in names if n not in runs]
        if missing:
            raise ValueError(f"no run named {', '.join(map(repr, missing))}; this lesson's runs: {', '.join(runs)}")
        return [runs[n] for n in names], False
    return list(runs.values()), True


def show_figures(lesson, *names: str) -> None:
    """Show the figures of ``lesson``'s runs (``names``; default: those not shown yet, a figure saved again
    included), or of one run, each under a line naming its run and its file; a figure saved in several runs
    once, then a line for each other run that holds it. Returns None: the cell shows the figures and nothing else."""
    runs, fresh_only = _runs(lesson, names)
    shown = {}                                        # the PNG's bytes -> the run it was shown from, in this call
    for run in runs:
        for png in sorted(Path(run.run_dir).glob("*.png"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            key = (str(png), png.stat().st_mtime_ns)
            if fresh_only and key in _SHOWN:
                continue
            _SHOWN.add(key)
            caption = f"{run.name}: {png.stem.replace('_', ' ')}"
            data = png.read_bytes()
            if data in shown:
                print(f"{caption}: the same figure as {shown[data]}'s  ({png})")
                continue
            shown[data] = run.name
            _show_png(png, f"{caption}  ({png})")


def _display():
    """IPython's ``display`` when a notebook's kernel runs this; None elsewhere (a script prints instead)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    return display if get_ipython() is not None else None


def _show_png(path: Path, caption: str) -> None:
    print(caption)
    display = _display()
    if display is not None:
        from IPython.display import Image
        display(Image(filename=str(path)))


def show_code(function) -> None:
    """Show the source of ``function`` (a lesson's part), highlighted in a notebook, printed elsewhere."""
    source = inspect.getsource(function)
    display = _display()
    if display is None:
        print(source, end="")
        return
    from IPython.display import Code
    display(Code(source, language="python"))
