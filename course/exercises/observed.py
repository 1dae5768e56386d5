"""What a learner's training step did, seen from the objects it is given: the optimizer records every
``apply_gradients`` (or ``apply``) call, the gradients and variables in it; the loss function records the
predictions it was given. Both pass everything on to the real Keras objects, so the training is the
learner's own; only what Keras would refuse with an obscure error is recorded and left out instead (every
gradient None, pairs the wrong way round, a variable the optimizer does not train), so that the checker can
say what happened.

    optimizer = ObservedOptimizer(keras_optimizer, model)
    loss_fn = ObservedLoss(keras_loss)
    train_step(model, loss_fn, optimizer, x, y)           # the learner's
    optimizer.applies, optimizer.none, optimizer.reversed, optimizer.gradients(model), loss_fn.predictions

Nothing here imports TensorFlow: the objects it wraps come from the worker, where TensorFlow is loaded.
"""
from __future__ import annotations


def is_variable(value) -> bool:
    """A Keras or TensorFlow variable (it can be assigned to); a gradient is a tensor."""
    return callable(getattr(value, "assign", None)) and callable(getattr(value, "assign_sub", None))


class ObservedOptimizer:
    """The optimizer a learner's step is given: the course's Keras optimizer, and a record of each call."""

    def __init__(self, optimizer, model):
        self._optimizer, self._model = optimizer, model
        self._trainable = {id(v) for v in model.trainable_variables}
        self.reset()

    def reset(self) -> None:
        """A new step: nothing applied yet."""
        self.applies, self.none, self.foreign, self.reversed = 0, 0, 0, 0
        self.given, self.without, self.applied = set(), set(), {}

    def __getattr__(self, name):              # learning_rate, iterations, ...: the Keras optimizer's own
        return getattr(self._optimizer, name)

    def apply_gradients(self, grads_and_vars):
        return self._apply([tuple(pair) for pair in grads_and_vars])

    def apply(self, grads, trainable_variables=None):
        variables = self._model.trainable_variables if trainable_variables is None else trainable_variables
        return self._apply(list(zip(grads, variables)))

    def _apply(self, pairs):
        self.applies += 1
        kept = []
        for grad, variable in pairs:
            if is_variable(grad) and not is_variable(variable):
                self.reversed += 1            # (variable, gradient): Keras would fail on a tensor's missing id
            elif id(variable) not in self._trainable:
                self.foreign += 1             # a non-trainable variable (model.weights), or not the model's
            elif grad is None:
                self.none += 1
                self.without.add(id(variable))
            else:
                self.given.add(id(variable))
                kept.append((grad, variable))
        if kept and not self.reversed:
            self._optimizer.apply_gradients(kept)
            self.applied.update({id(v): g for g, v in kept})
        return None

    def left_out(self) -> int:
        """Trainable variables of the model that reached the optimizer neither with a gradient nor with None."""
        return len(self._trainable - self.given - self.without)

    def gradients(self, zeros):
        """The gradient applied to each trainable variable this step (``zeros(v)`` where none was)."""
        return [self.applied[id(v)] if id(v) in self.applied else zeros(v) for v in self._model.trainable_variables]


class ObservedLoss:
    """The loss function a learner's step is given: the Keras loss, and the first predictions it saw."""

    def __init__(self, loss_fn):
        self._loss_fn, self.predictions = loss_fn, None

    def __getattr__(self, name):
        return getattr(self._loss_fn, name)

    def __call__(self, y_true, y_pred, *args, **kwargs):
        if self.predictions is None:
            self.predictions = y_pred
        return self._loss_fn(y_true, y_pred, *args, **kwargs)
