"""Pictures of a 2-D model while it learns, written to TensorBoard at a few moments of a run.

For a model of Dense layers on 2 input features, ``Snapshots`` writes the ``course.pictures.planes``
pictures before training and at the end of some epochs (a slider in the Images tab then plays them):

- ``snapshots/decision_boundary``: what the model says over the plane with the validation points on top;
- ``snapshots/neurons_<layer>``: one tile per hidden unit, its activation over the same plane.

Steps are update steps, like ``batch_loss``.

    logger = RunLogger(run_dir)
    fit(model, ds, config, observers=[logger, Snapshots(logger, ds.x_val, ds.y_val)])
"""
from __future__ import annotations

import sys

import numpy as np

from course.engine.records import Observer
from course.pictures.planes import Plane, dense_layers, supports  # noqa: F401 (supports re-exported)

FRAMES = 9          # pictures at epoch ends; with the one at step 0, the 10 TensorBoard keeps by default
EVERY_STEP_LIMIT = 2000   # update steps a run may log picture by picture (``every_step=True``)


def picture_epochs(epochs: int, frames: int = FRAMES) -> set:
    """The epochs whose end gets a picture: ``frames`` of them (all, for shorter runs), spaced evenly
    on a log scale (a network changes most in its first epochs), always the first and the last.

    Example:
        >>> sorted(picture_epochs(50, 12))
        [1, 2, 3, 4, 5, 7, 10, 14, 19, 26, 36, 50]
    """
    if epochs <= frames:
        return set(range(1, epochs + 1))
    points = frames
    while True:     # rounding merges early epochs (1.4 and 1.6 are both 2): space more points until `frames` differ
        chosen = set(np.rint(np.geomspace(1, epochs, points)).astype(int).tolist())
        if len(chosen) >= frames:
            return chosen
        points += 1


class Snapshots(Observer):
    """Writes decision-boundary and per-unit pictures of a 2-D Dense model through ``logger``.

    Args:
        logger: the run's ``RunLogger`` (listed before this observer, so its files are open).
        x, y: (n, 2) points drawn on the boundary picture (the validation split) and their labels.
        every_step: a picture after every update step instead of at ``picture_epochs`` (tiny runs:
            at most ``EVERY_STEP_LIMIT`` steps; every step then runs on its own).
    """

    def __init__(self, logger, x, y, *, every_step: bool = False, frames: int = FRAMES):
        self.logger, self.plane, self.every_step = logger, Plane(x, y), bool(every_step)
        self.full_steps = sys.maxsize if every_step else 0
        self.frames = frames
        self.layers, self.epochs = [], set()

    def on_train_begin(self, model, config, names, initial):
        self.layers = dense_layers(model, names)
        self.epochs = picture_epochs(config.epochs, self.frames)
        self._write(0, initial)

    def on_step(self, record):
        if self.every_step:
            self._write(record.step, record.after)

    def on_epoch_end(self, record):
        if not self.every_step and record.complete and record.epoch in self.epochs:
            self._write(record.first_step + len(record.step_loss) - 1, record.variables)

    def _write(self, step, variables):
        pictures = self.plane.pictures(self.layers, variables)
        self.logger.log_images(step, {tag: [image] for tag, image in pictures.items()},
                               {tag: BOUNDARY if tag.endswith("decision_boundary") else NEURONS for tag in pictures})


BOUNDARY = ("What the model predicts over the plane after this update step: red = class 1, blue = class 0 "
            "(several classes: one colour each), paler = less sure, black = the boundary; dots = validation points.")
NEURONS = ("One tile per unit of this hidden layer, in reading order: its activation over the same plane as the "
           "decision boundary. Red > 0, blue < 0, white = 0 (off). What each unit has learned to detect.")
