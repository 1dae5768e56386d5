"""Notebooks: every lesson and every day's exercises in Jupyter, built from one source each.

In a notebook::

    from course.notebooks import check, hint, train, show_figures, show_code
    check("day3.sgd_step", sgd_step)       # the verdict `course check` prints; the solution once it passes
    show_figures(lesson)                   # the figures the lesson's last part drew

From a terminal: ``course notebooks [DIR]`` copies the notebooks into DIR (default ./course-notebooks), never over
a learner's file; ``python -m course.notebooks`` rebuilds the shipped notebooks from their sources.

Modules: ``percent`` (the sources' text format, jupytext's percent format), ``ipynb`` (a notebook's JSON, as
nbformat writes it), ``practice`` (a day's exercise notebook, from the exercise registry), ``build`` (every
notebook from its source, and the check that none drifted), ``handout`` (copying them for a learner),
``learner`` (check, hint and train in a notebook), ``display`` (figures and code shown inline).
"""
from course.notebooks.display import show_code, show_figures
from course.notebooks.learner import check, hint, train

__all__ = ["check", "hint", "train", "show_figures", "show_code"]
