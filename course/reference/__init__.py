"""The NumPy references: the oracles that the lessons print and the tests compare Keras against.

Everything here is NumPy and never imports TensorFlow (the gradient check of a Keras model is
``course.core.gradients``). This package is also the old ``course.numpy_ref``: the forward pass,
the losses and backpropagation are importable from it directly::

    from course import reference as numpy_ref
    numpy_ref.forward(x, [(W1, b1, "sigmoid"), (W2, b2, "sigmoid")])

Modules: ``activations`` (the registry), ``forward``, ``losses``, ``backprop``, ``optimizers``
(SGD, momentum, RMSprop, Adam as Keras applies them), ``neuron`` (one neuron by hand), ``noise`` (when two
accuracies really differ). ``activations``, ``neuron`` and ``optimizers`` are part of this face (``__all__``): a
lesson reads them as namespaces, ``activations.TABLE``, ``neuron.descend``, ``optimizers.first_update``.
"""
from course.reference import activations, neuron, optimizers
from course.reference.activations import linear, relu, sigmoid, softmax, tanh
from course.reference.backprop import loss_and_gradients, sgd_step
from course.reference.forward import dense, forward, layers_from_keras, predict
from course.reference.losses import (bce_from_logits, binary_cross_entropy, categorical_cross_entropy,
                                     confusion_matrix, perceptron_criterion)
from course.reference.noise import compare_accuracies

__all__ = ["sigmoid", "tanh", "relu", "linear", "softmax", "dense", "forward", "predict", "layers_from_keras",
           "binary_cross_entropy", "bce_from_logits", "perceptron_criterion", "categorical_cross_entropy",
           "confusion_matrix", "loss_and_gradients", "sgd_step", "compare_accuracies", "activations", "neuron",
           "optimizers"]
