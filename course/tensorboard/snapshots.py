"""Pictures of a 2-D model while it learns, written to TensorBoard at a few moments of a run.

For a model of Dense layers on 2 input features, ``Snapshots`` writes the ``course.pictures.planes``
pictures before training and at the end of some epochs (a slider in the Images tab then plays them):

- ``snapshots/decision_boundary``: what the model says over the plane with the validation points on top;
- ``snapshots/neurons_<layer>``: one tile per hidden unit, its activation over the same plane;
- ``network``: the network diagram (a small Dense model, 2-D or not), on a fixed scale.

Steps are update steps, like ``batch_loss``.

    logger = RunLogger(run_dir)
    fit(model, ds, config, observers=[logger, Snapshots(logger, ds.x_val, ds.y_val)])
"""
from __future__ import annotations

import sys

import numpy as np

from course.engine.records import Observer
from course.pictures import diagram
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
    """Writes pictures of a model at a few moments of its run through ``logger``: for a 2-D Dense model the
    decision boundary and per-unit tiles, for a small Dense model the network diagram; all at the same steps.

    Args:
        logger: the run's ``RunLogger`` (listed before this observer, so its files are open).
        x, y: (n, 2) points drawn on the boundary picture (the validation split) and their labels, or None
            for a model whose inputs are not 2-D (the diagram only).
        network: draw the network diagram too (``diagram.supports(model)``).
        every_step: a picture after every update step instead of at ``picture_epochs`` (tiny runs:
            at most ``EVERY_STEP_LIMIT`` steps; every step then runs on its own).
    """

    def __init__(self, logger, x=None, y=None, *, class_names=None, feature_names=None, network=False,
                 every_step: bool = False, frames: int = FRAMES):
        self.logger, self.every_step, self.network = logger, bool(every_step), bool(network)
        self.plane = Plane(x, y, class_names) if x is not None else None
        self.feature_names = feature_names
        self.full_steps = sys.maxsize if every_step else 0
        self.frames = frames
        self.layers, self.epochs, self.steps, self.last = [], set(), [], {}

    def on_train_begin(self, model, config, names, initial):
        self.model, self.names = model, names
        self.layers = dense_layers(model, names) if self.plane is not None else []
        self.epochs = picture_epochs(config.epochs, self.frames)
        self._write(0, initial)

    def on_step(self, record):
        if self.every_step:
            self._write(record.step, record.after)

    def on_epoch_end(self, record):
        if not self.every_step and record.complete and record.epoch in self.epochs:
            self._write(record.first_step + len(record.step_loss) - 1, record.variables)

    def _write(self, step, variables):
        pictures = self.plane.pictures(self.layers, variables) if self.plane is not None else {}
        if self.network:
            pictures["network"] = diagram.diagram_png(self.model, feature_names=self.feature_names,   # step: on the card
                                                      variables=variables, names=self.names)
        self.logger.log_images(step, {tag: [image] for tag, image in pictures.items()},
                               {tag: DESCRIPTIONS[tag.split("_")[0] if tag.startswith("snapshots/neurons") else tag]
                                for tag in pictures})
        self.steps.append(step)
        self.last = pictures

    def final(self, step: int) -> dict:
        """{tag: PNG} of the model as it ends, at ``step``: the last pictures, or new ones if the run stopped
        between two (a divergence, Ctrl-C)."""
        if not self.steps or self.steps[-1] != step:
            self._write(step, [v.numpy() for v in self.model.trainable_variables])
        return self.last


DESCRIPTIONS = {
    "snapshots/decision_boundary": "What the model predicts over the plane after this update step: red = class 1, "
                                   "blue = class 0 (several classes: one colour each), paler = less sure, black = the "
                                   "boundary; dots = validation points. The legend gives the colour scale.",
    "snapshots/neurons": "One tile per unit of this hidden layer, numbered as the units of the network diagram: its "
                         "activation over the same plane as the decision boundary. Red > 0, blue < 0, white = off. "
                         "What each unit has learned to detect.",
    "network": "The network after this update step: line width and strength follow |w| on a fixed scale (stated in "
               "the picture: full from |w| = 2), red w > 0, blue w < 0; a unit's fill is its bias on the same scale. "
               "Hidden units are numbered as their tiles in snapshots/neurons_*.",
}
