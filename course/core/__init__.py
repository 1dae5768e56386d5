"""The core: what every other part stands on.

``runtime`` (TensorFlow and Keras, imported once, quietly, deterministic), ``config`` (the
``Config`` dataclass and the ``check_*`` rules), ``dataset`` and ``datasets`` (seeded splits and the
named data sets), ``models`` (Keras builders), ``step`` (the GradientTape training step, readable
alone), ``optimizers`` (Keras optimizers by course name), ``gradients`` (the gradient check against finite
differences, gradient norms per layer).
Nothing is imported here: ``import course.core.config`` does not start TensorFlow.
"""
