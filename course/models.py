"""Public face of ``course.core.models``: Keras builders with readable layer names.

    model = models.mlp(2, hidden=(16, 16), activation="relu", seed=0)
"""
from course.core.models import (ACTIVATIONS, is_binary, keras_function, mlp, parameter_count, perceptron,
                                softmax_classifier, variable_name)

__all__ = ["ACTIVATIONS", "perceptron", "mlp", "softmax_classifier", "variable_name", "parameter_count",
           "is_binary", "keras_function"]
