"""Public face of the gradient check (``course.core.gradients``): backpropagation against finite differences.

    errors = gradcheck.gradient_check(model, x, y)       # {"hidden_1/kernel": 3.1e-10, ...}
"""
from course.core.gradients import (as_float64, finite_difference_gradients, gradient_check, layer_gradient_norms,
                                   relative_error, tape_gradients)

__all__ = ["gradient_check", "tape_gradients", "finite_difference_gradients", "relative_error", "as_float64",
           "layer_gradient_norms"]
