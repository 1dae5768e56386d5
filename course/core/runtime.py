"""The TensorFlow runtime, imported once, quietly, and made deterministic.

Every ``course`` module imports TensorFlow and Keras from here::

    from course.core.runtime import tf, keras

TensorFlow 2.21 prints absl start-up lines on import (``I0000 ... cudart_stub.cc ...
Could not find cuda drivers``, oneDNN notices, a failed ``cuInit`` on machines
without a GPU) straight to the stderr file descriptor, where
``TF_CPP_MIN_LOG_LEVEL`` does not reach them. A learner cannot act on any of
them, so while TensorFlow starts we point file descriptor 2 at a temporary
file and afterwards replay every line that is *not* such a notice: real errors
still reach the terminal.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile

# Set before TensorFlow is imported, or they have no effect.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ INFO and WARNING off
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # removes the oneDNN notice, same numbers run to run

from course.checks import tensorflow_backend  # noqa: E402  (no TensorFlow: the ground floor)

if _note := tensorflow_backend(os.environ, "keras" in sys.modules):
    import warnings
    warnings.warn(_note, stacklevel=2)

# absl lines: I1121 12:00:00.123 1234 file.cc:12] ... (I0000 00:00:<epoch> before absl is initialised)
_CHATTER = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:.]+\s+\d+ \S+:\d+\]"
    r"|E\d{4} [\d:.]+\s+\d+ \S+:\d+\].*(cuInit|CUDA|cuda)"
    r"|To enable the following instructions:)"
)


def is_chatter(line: str) -> bool:
    """True for a TensorFlow start-up notice a learner cannot act on."""
    return bool(_CHATTER.match(line))


@contextlib.contextmanager
def filtered_stderr():
    """Capture file descriptor 2 and replay only the lines that are not start-up chatter."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True) if not is_chatter(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


with filtered_stderr():
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402

    # The first device query starts the runtime (and its CUDA probe) while we still filter.
    tf.config.list_physical_devices()
    # Same seed, same numbers: deterministic kernels everywhere. Under op determinism TensorFlow
    # refuses random ops without a global seed (model.fit's shuffling, for one), so set a default;
    # seed_everything(seed) replaces it.
    tf.config.experimental.enable_op_determinism()
    tf.random.set_seed(0)

# absl's Python logger (used by tf.function retracing notices) only above WARNING.
tf.get_logger().setLevel("ERROR")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy, TensorFlow and Keras in one call.

    Example:
        >>> seed_everything(0)
    """
    keras.utils.set_random_seed(int(seed))


__all__ = ["tf", "keras", "seed_everything", "filtered_stderr", "is_chatter"]
