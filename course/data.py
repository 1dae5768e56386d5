"""Public face of the data sets (``course.core.dataset``, ``course.core.datasets``).

    ds = data.load("moons", seed=0)       # also: blobs, xor, xor_noisy, circles, breast_cancer, iris, digits, mnist
"""
from course.core.dataset import Dataset, from_arrays, select_features
from course.core.datasets import (LOADERS, MNIST_URL, DatasetUnavailable, blobs, breast_cancer, circles, digits,
                                  iris, load, mnist, moons, xor, xor_noisy)

__all__ = ["Dataset", "from_arrays", "select_features", "load", "LOADERS", "blobs", "xor", "xor_noisy", "moons",
           "circles", "breast_cancer", "iris", "digits", "mnist", "MNIST_URL", "DatasetUnavailable"]
