"""One training run of a lesson, end to end: run directory, printed trace, TensorBoard, figures.

    result = train_and_log(model, ds, config, lesson="day2_mlp", name="moons", goal=GOAL)
    result.history.val_accuracy[-1], result.run_dir
"""
from __future__ import annotations

from course.core.models import parameter_count
from course.engine.checks import check_fit_inputs
from course.engine.loop import fit
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


def train_and_log(model, dataset, config, *, lesson: str, name: str, goal: str = "",
                  hparams: dict | None = None, print_fn=print, observers=(), optimizer=None, update=None,
                  log_options: dict | None = None) -> RunResult:
    """Train ``model`` with the traced GradientTape loop and log everything to a new run directory.

    Writes ``<logdir>/<lesson>/<timestamp>_<name>/{train,validation}`` event files (``RunLogger``), the
    per-epoch pictures of a 2-D model (``snapshots``) and the PNGs ``training_curves.png`` (and
    ``decision_boundary.png`` for 2-D data, ``network.png`` for a small network), also logged as
    images. ``observers`` are added to the logger and printers (e.g. a ``Recorder``); ``optimizer`` and
    ``update`` go to ``fit`` (a learner's own update rule or gradient); ``log_options`` to the ``RunLogger``
    (e.g. ``{"examples_axis": True, "log10_batch_loss": True, "log10_epoch_loss": True}``).
    """
    check_fit_inputs(model, dataset, config)          # a rejected run writes nothing
    every_step = config.log_every_step
    if every_step and (why := every_step_limits(model, dataset, config)):
        print_fn(f"Note: {why}.")
        every_step = False
    run_dir = new_run_dir(config.logdir, lesson, name)
    settings = {"lesson": lesson, "run": name, "dataset": str(dataset), "model": describe_model(model),
                "parameters": parameter_count(model), "epochs": config.epochs,
                "learning_rate": config.learning_rate, "batch_size": config.batch_size,
                "optimizer": config.optimizer, "seed": config.seed, "eager": config.eager,
                "shuffle": config.shuffle, "log_every_step": every_step, **(hparams or {})}
    logging = tensorboard_observers(run_dir, model, dataset, config, hparams=settings, goal=goal,
                                    every_step=every_step, log_options=log_options)
    logger = logging[0]
    observers = [*logging, *observers]
    if not config.quiet:
        observers += [TracePrinter(config.trace_steps, print_fn=print_fn), EpochPrinter(print_fn=print_fn)]
    history = None
    try:
        history = fit(model, dataset, config, observers=observers, optimizer=optimizer, update=update)
        if history.stopped:
            print_fn(f"Stopped early: {history.stopped}")
        final = history.final()
        logger.log_figure("training_curves", plots.training_curves(history, title=f"{lesson}: {name}"),
                          step=history.steps, save_to=run_dir / "training_curves.png")
        # The pictures of the trained model are the last snapshots (drawn once), also saved as files.
        pictures = next((obs.final(history.steps) for obs in logging if isinstance(obs, snapshots.Snapshots)), {})
        for tag, file in (("snapshots/decision_boundary", "decision_boundary.png"), ("network", "network.png")):
            if tag in pictures:
                (run_dir / file).write_bytes(pictures[tag])
        if dataset.n_features == 2 and "snapshots/decision_boundary" not in pictures:   # a model they cannot draw
            logger.log_figure("decision_boundary", plots.decision_boundary(
                model, dataset.x_val, dataset.y_val, class_names=dataset.class_names,
                title=(f"{name}: validation accuracy {final['val_accuracy']:.3f}" if history.epoch
                       else f"{name}: stopped in epoch 1, before any validation")),
                step=history.steps, save_to=run_dir / "decision_boundary.png")
    except KeyboardInterrupt:
        if history is not None:        # training had finished: the figures were being drawn
            logger.log_text("run/stopped", f"interrupted after the last step, {history.steps}, while the end-of-run "
                            "figures were drawn", step=history.steps)
        _close_quietly(logger)
        print_fn(f"\nInterrupted: the partial run is in {run_dir} (TensorBoard can read it).")
        raise
    except BaseException:
        _close_quietly(logger)         # a full disk: close what can be closed, the first error goes on
        raise
    logger.close()
    return RunResult(name=name, run_dir=run_dir, history=history, model=model, metrics=final, logger=logger)


def _close_quietly(logger):
    try:
        logger.close()
    except OSError:
        pass
