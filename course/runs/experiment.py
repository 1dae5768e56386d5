"""One training run of a lesson, end to end: run directory, printed trace, TensorBoard, figures.

    result = train_and_log(model, ds, config, lesson="day2_mlp", name="moons", goal=GOAL)
    result.history.val_accuracy[-1], result.run_dir
"""
from __future__ import annotations

from course.core.models import parameter_count
from course.engine.loop import prepare
from course.pictures import diagram, plots
from course.runs.dirs import new_run_dir
from course.runs.results import RunResult
from course.tensorboard import snapshots
from course.tensorboard.logger import RunLogger
from course.trace.console import EpochPrinter, TracePrinter


def describe_model(model) -> str:
    """``2 -> hidden_1 (16, relu) -> output (1, sigmoid)``"""
    parts = [str(int(model.input_shape[-1]))]
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":     # a functional model lists its input as a layer
            continue
        units, activation = getattr(layer, "units", None), getattr(layer, "activation", None)
        if units is not None and activation is not None:
            parts.append(f"{layer.name} ({units}, {activation.__name__})")
        else:   # Reshape, Conv2D, pooling, attention...: the output shape per example
            parts.append(f"{layer.name} ({'x'.join(str(d) for d in layer.output.shape[1:])})")
    return " -> ".join(parts)


TINY_MODEL_PARAMETERS = 1000   # --log-every-step: the largest model, and snapshots.EVERY_STEP_LIMIT steps


def every_step_limits(model, dataset, config) -> str:
    """Why ``config.log_every_step`` cannot apply to this run ("" when it can)."""
    steps = config.epochs * -(-len(dataset.y_train) // config.batch_size)
    params = parameter_count(model)
    if params > TINY_MODEL_PARAMETERS or steps > snapshots.EVERY_STEP_LIMIT:
        return (f"--log-every-step is for tiny runs (at most {TINY_MODEL_PARAMETERS:,} parameters and "
                f"{snapshots.EVERY_STEP_LIMIT:,} update steps); this run has {params:,} parameters and {steps:,} "
                f"steps, so it logs at the default cadence")
    return ""


def tensorboard_observers(run_dir, model, dataset, config, *, hparams: dict | None = None, goal: str = "",
                          every_step: bool = False, log_options: dict | None = None) -> list:
    """What logs a run at the default cadence: its ``RunLogger`` (first), then the ``snapshots.Snapshots``
    pictures: a 2-D Dense model's over the validation points, a small Dense model's diagram."""
    logger = RunLogger(run_dir, hparams=hparams, goal=goal, trace_steps=config.trace_steps, every_step=every_step,
                       **(log_options or {}))
    observers = [logger]
    try:
        plane, network = snapshots.supports(model), diagram.supports(model)
        if plane or network:
            observers.append(snapshots.Snapshots(
                logger, *((dataset.x_val, dataset.y_val) if plane else (None, None)), class_names=dataset.class_names,
                feature_names=dataset.feature_names, network=network, every_step=every_step))
    except BaseException:
        logger.close()
        raise
    return observers


TRAINING = ("epochs", "learning_rate", "batch_size", "optimizer", "seed", "eager", "shuffle", "clip_norm")


def settings(config, *, lesson: str, name: str, **more) -> dict:
    """A run's hyperparameters (its Text tab table and its HParams session): its lesson and name, the training
    fields of ``config.as_dict()`` and what the run adds (its data, its model, a lesson's own settings).

    Example:
        >>> settings(Config(epochs=5), lesson="day2_mlp", name="moons", dataset="moons: 800 train / ...")
    """
    fields = {key: value for key, value in config.as_dict().items() if key in TRAINING and value is not None}
    return {"lesson": lesson, "run": name, **fields, **more}


def train_and_log(model, dataset, config, *, lesson: str, name: str, goal: str = "", hparams: dict | None = None,
                  print_fn=print, observers=(), optimizer=None, update=None, log_options: dict | None = None
                  ) -> RunResult:
    """Train ``model`` with the traced GradientTape loop and log everything to a new run directory, in three
    steps: check what was given and build the training (``engine.prepare``: a rejected run writes nothing),
    open the run (``LoggedRun.open``), train and finish it (its figures, its files closed).

    Writes ``<logdir>/<lesson>/<timestamp>_<name>/{train,validation}`` event files (``RunLogger``), the
    per-epoch pictures of a 2-D model (``snapshots``) and the PNGs ``training_curves.png`` (and
    ``decision_boundary.png`` for 2-D data, ``network.png`` for a small network), also logged as
    images. ``observers`` are added to the logger and printers (e.g. a ``Recorder``); ``optimizer`` and
    ``update`` go to the training (a learner's own update rule or gradient); ``log_options`` to the
    ``RunLogger`` (e.g. ``{"examples_axis": True, "log10_batch_loss": True, "log10_epoch_loss": True}``).
    """
    training = prepare(model, dataset, config, optimizer=optimizer, update=update)      # 1. checked, built
    run = LoggedRun.open(model, dataset, config, lesson=lesson, name=name, goal=goal, hparams=hparams,
                         print_fn=print_fn, log_options=log_options)                      # 2. the run's logs
    return run.finish(run.train(training, observers))                                    # 3. trained, finished


class LoggedRun:
    """A run directory with what logs and prints a training run: its ``RunLogger`` and pictures (``logging``)
    and the trace and epoch printers (``printing``)."""

    def __init__(self, run_dir, logging, printing, *, name, lesson, dataset, model, print_fn):
        self.run_dir, self.logging, self.printing = run_dir, logging, printing
        self.logger = logging[0]
        self.name, self.lesson, self.dataset, self.model, self.print = name, lesson, dataset, model, print_fn

    @classmethod
    def open(cls, model, dataset, config, *, lesson, name, goal="", hparams=None, print_fn=print, log_options=None):
        """A new run directory (``runs.dirs``) and what logs and prints into it."""
        every_step = config.log_every_step
        if every_step and (why := every_step_limits(model, dataset, config)):
            print_fn(f"Note: {why}.")
            every_step = False
        run_dir = new_run_dir(config.logdir, lesson, name)
        values = settings(config, lesson=lesson, name=name, dataset=str(dataset), model=describe_model(model),
                          parameters=parameter_count(model), log_every_step=every_step, **(hparams or {}))
        logging = tensorboard_observers(run_dir, model, dataset, config, hparams=values, goal=goal,
                                        every_step=every_step, log_options=log_options)
        printing = [] if config.quiet else [TracePrinter(config.trace_steps, print_fn=print_fn),
                                            EpochPrinter(print_fn=print_fn)]
        return cls(run_dir, logging, printing, name=name, lesson=lesson, dataset=dataset, model=model,
                   print_fn=print_fn)

    def train(self, training, observers=()):
        """``training.run`` with this run's logging, printing and ``observers``; its History. A Ctrl-C (or a full
        disk) closes the run's files, what was logged stays readable, and the interruption goes on."""
        try:
            history = training.run([*self.logging, *observers, *self.printing])
        except KeyboardInterrupt:        # its partial epoch logged by the loop (run/stopped says where)
            self._interrupted()
            raise
        except BaseException:
            _close_quietly(self.logger)   # a full disk: close what can be closed, the first error goes on
            raise
        if history.stop is not None:
            self.print(f"Stopped early: {history.stop}")
        return history

    def finish(self, history) -> RunResult:
        """The end-of-run figures (training curves, the last pictures as PNGs), then every file closed."""
        try:
            self._figures(history)
        except KeyboardInterrupt:        # training had finished: the figures were being drawn
            self.logger.log_text("run/stopped", f"interrupted after the last step, {history.steps}, while the "
                                 "end-of-run figures were drawn", step=history.steps)
            self._interrupted()
            raise
        except BaseException:
            _close_quietly(self.logger)   # a full disk: close what can be closed, the first error goes on
            raise
        self.logger.close()
        return RunResult(name=self.name, run_dir=self.run_dir, history=history, model=self.model,
                         metrics=history.final(), logger=self.logger)

    def _interrupted(self):
        """A Ctrl-C: the run's files closed, and where what was logged can be read."""
        _close_quietly(self.logger)
        self.print(f"\nInterrupted: the partial run is in {self.run_dir} (TensorBoard can read it).")

    def _figures(self, history):
        final, run_dir, dataset = history.final(), self.run_dir, self.dataset
        self.logger.log_figure("training_curves", plots.training_curves(history, title=f"{self.lesson}: {self.name}"),
                               step=history.steps, save_to=run_dir / "training_curves.png")
        # The pictures of the trained model are the last snapshots (drawn once), also saved as files.
        pictures = next((obs.final(history.steps) for obs in self.logging if isinstance(obs, snapshots.Snapshots)),
                        {})
        for tag, file in (("snapshots/decision_boundary", "decision_boundary.png"), ("network", "network.png")):
            if tag in pictures:
                (run_dir / file).write_bytes(pictures[tag])
        if dataset.n_features == 2 and "snapshots/decision_boundary" not in pictures:   # a model they cannot draw
            self.logger.log_figure("decision_boundary", plots.decision_boundary(
                self.model, dataset.x_val, dataset.y_val, class_names=dataset.class_names,
                title=(f"{self.name}: validation accuracy {final['val_accuracy']:.3f}" if history.epoch
                       else f"{self.name}: stopped in epoch 1, before any validation")),
                step=history.steps, save_to=run_dir / "decision_boundary.png")


def _close_quietly(logger):
    try:
        logger.close()
    except OSError:
        pass
