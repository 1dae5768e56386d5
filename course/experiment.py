"""Public face of ``course.runs.experiment``: one logged training run, end to end; and what logs a loop of one's
own (``course.training.fit_steps``): ``StepsLogger`` (its named scalars into a ``RunLogger``) and ``picture_epochs``
(the epochs a run's pictures are taken at).

    result = train_and_log(model, ds, config, lesson="mine", name="moons")
"""
from course.runs.experiment import (LoggedRun, describe_model, every_step_limits, settings, tensorboard_observers,
                                    train_and_log)
from course.tensorboard.snapshots import picture_epochs
from course.tensorboard.steps import StepsLogger

__all__ = ["train_and_log", "LoggedRun", "settings", "describe_model", "tensorboard_observers", "every_step_limits",
           "StepsLogger", "picture_epochs"]
