"""One training run of a lesson, end to end: run directory, printed trace, TensorBoard, figures.

    result = train_and_log(model, ds, config, lesson="day2_mlp", name="moons", goal=GOAL)
    result.history.val_accuracy[-1], result.run_dir
"""
from __future__ import annotations

from course import plots
from course.models import parameter_count
from course.runs import RunResult, new_run_dir
from course.tblog import RunLogger
from course.trace import EpochPrinter, TracePrinter
from course.training import check_fit_inputs, fit


def describe_model(model) -> str:
    """``2 -> hidden_1 (16, relu) -> output (1, sigmoid)``"""
    parts = [str(int(model.input_shape[-1]))]
    for layer in model.layers:
        parts.append(f"{layer.name} ({layer.units}, {layer.activation.__name__})")
    return " -> ".join(parts)


def train_and_log(model, dataset, config, *, lesson: str, name: str, goal: str = "",
                  hparams: dict | None = None, print_fn=print, observers=()) -> RunResult:
    """Train ``model`` with the traced GradientTape loop and log everything to a new run directory.

    Writes ``<logdir>/<lesson>/<timestamp>_<name>/{train,validation}`` event files and the PNGs
    ``training_curves.png`` (and ``decision_boundary.png`` for 2-D data), also logged as images.
    ``observers`` are added to the logger and printers (e.g. a ``records.Recorder``).
    """
    check_fit_inputs(model, dataset, config)          # a rejected run writes nothing
    run_dir = new_run_dir(config.logdir, lesson, name)
    settings = {"lesson": lesson, "run": name, "dataset": str(dataset), "model": describe_model(model),
                "parameters": parameter_count(model), "epochs": config.epochs,
                "learning_rate": config.learning_rate, "batch_size": config.batch_size,
                "optimizer": config.optimizer, "seed": config.seed, "eager": config.eager,
                "shuffle": config.shuffle, **(hparams or {})}
    logger = RunLogger(run_dir, hparams=settings, goal=goal)
    observers = [logger, *observers]
    if not config.quiet:
        observers += [TracePrinter(config.trace_steps, print_fn=print_fn), EpochPrinter(print_fn=print_fn)]
    try:
        try:
            history = fit(model, dataset, config, observers=observers)
        except KeyboardInterrupt:
            print_fn(f"\nInterrupted: the partial run is in {run_dir} (TensorBoard can read it).")
            raise
        if history.stopped:
            print_fn(f"Stopped early: {history.stopped}")
        final = history.final()
        figures = {"training_curves": plots.training_curves(history, title=f"{lesson}: {name}")}
        if dataset.n_features == 2:
            figures["decision_boundary"] = plots.decision_boundary(
                model, dataset.x_val, dataset.y_val, class_names=dataset.class_names,
                title=(f"{name}: validation accuracy {final['val_accuracy']:.3f}" if history.epoch
                       else f"{name}: stopped in epoch 1, before any validation"))
        for tag, figure in figures.items():
            figure.savefig(run_dir / f"{tag}.png", dpi=100)
            logger.log_figure(tag, figure, step=history.steps)
    finally:
        logger.close()
    return RunResult(name=name, run_dir=run_dir, history=history, model=model, metrics=final)
