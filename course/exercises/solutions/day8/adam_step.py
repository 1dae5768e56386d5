"""Day 8 - Adam, as Keras does it.

Write one update of Adam in Keras's form: the bias correction folded into the step size, epsilon added to sqrt(v).

    course check day8.adam_step        # check it      course hint day8.adam_step     # a hint, one more each time

The course's solution: compare it with yours.
"""
import numpy as np


def adam_step(w, grad, m, v, t, learning_rate):
    """m <- 0.9 m + 0.1 grad;  v <- 0.999 v + 0.001 grad^2;
    alpha = lr * sqrt(1 - 0.999^t) / (1 - 0.9^t);  w <- w - alpha * m / (sqrt(v) + 1e-7).

    (The paper writes w - lr * m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - 0.9^t), v_hat = v / (1 - 0.999^t):
    the same step up to where epsilon goes. Keras's form is the one to write here.)

    Args:
        w, grad, m, v: arrays of one shape (m and v start at zeros). t: this update's number, 1 for the
        first. learning_rate: lr.

    Returns:
        (new w, new m, new v).

    Example (the first step):
        >>> adam_step(np.array([0.5]), np.array([-0.2]), np.array([0.0]), np.array([0.0]), 1, 0.1)
        (array([0.59999...]), array([-0.02]), array([4.e-05]))     # the first step is about lr
    """
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad ** 2
    alpha = learning_rate * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
    return w - alpha * m / (np.sqrt(v) + 1e-7), m, v
