"""Public face of ``course.runs.experiment``: one logged training run, end to end.

    result = train_and_log(model, ds, config, lesson="mine", name="moons")
"""
from course.runs.experiment import (LoggedRun, describe_model, every_step_limits, settings, tensorboard_observers,
                                    train_and_log)

__all__ = ["train_and_log", "LoggedRun", "settings", "describe_model", "tensorboard_observers", "every_step_limits"]
