"""Shared fixtures. Everything runs in one pytest process: TensorFlow is imported once."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("MPLBACKEND", "Agg")


def read_events(directory):
    """All tensor summaries under ``directory``: {tag: [(step, value ndarray), ...]}, every event kept."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    import tensorflow as tf

    acc = EventAccumulator(str(directory), size_guidance={"tensors": 0})   # 0 = keep all, not a sample
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        out[tag] = [(e.step, tf.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
    return out


@pytest.fixture
def tiny_config(tmp_path):
    from course.config import Config
    return Config(epochs=2, learning_rate=0.1, batch_size=16, seed=0, logdir=str(tmp_path / "logs"),
                  trace_steps=1, quiet=True)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
