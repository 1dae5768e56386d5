"""course.tensorboard.hparams: the HParams experiment `course tensorboard` writes over the runs it serves, read back
as the dashboard reads it: which hyperparameter columns (few, so the metric columns start on screen), whether they
differ, their values, and the metrics the runs logged."""
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2

from course.tensorboard import hparams
from course.tensorboard.logger import RunLogger


def _run(run_dir, values, splits=True):
    logger = RunLogger(run_dir, hparams=values)
    if splits:
        logger.log_scalars(1, {"epoch_loss": 0.5}, split="validation")
    logger.close()
    return run_dir


def _experiment(summary):
    (value,) = summary.value
    return plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content).experiment


def test_the_experiment_lists_what_differs_and_the_logged_metrics_validation_first(tmp_path):
    a = _run(tmp_path / "a", {"lr": 0.5, "batch": 32, "optimizer": "sgd"})
    b = _run(tmp_path / "b", {"lr": 0.01, "batch": 32, "optimizer": "sgd"})
    logger = RunLogger(b, hparams={"lr": 0.01, "batch": 32, "optimizer": "sgd"})   # b's second epoch, more metrics
    logger.log_scalars(2, {"epoch_loss": 0.25, "epoch_accuracy": 0.75}, split="train")
    logger.log_scalars(2, {"epoch_accuracy": 0.5}, split="validation")
    logger.log_scalars(3, {"epoch_accuracy": 0.5}, split="validation")
    logger.close()
    assert hparams.session_values(a) == {"lr": 0.5, "batch": 32.0, "optimizer": "sgd"}
    assert hparams.epoch_metrics(a) == {("epoch_loss", "validation")}
    assert hparams.epoch_metrics(b) == {("epoch_loss", "validation"), ("epoch_accuracy", "validation"),
                                        ("epoch_loss", "train"), ("epoch_accuracy", "train")}
    experiment = _experiment(hparams.experiment_summary([a, b]))
    (lr,) = experiment.hparam_infos                                      # batch and optimizer: the same in both
    assert (lr.name, lr.differs, lr.type, [v.number_value for v in lr.domain_discrete.values]) == (
        "lr", True, api_pb2.DATA_TYPE_FLOAT64, [0.01, 0.5])
    # only what some run logged (a metric no run has draws no line in the parallel coordinates), validation first
    assert [(m.name.group, m.name.tag, m.display_name) for m in experiment.metric_infos] == [
        ("validation", "epoch_loss", "validation epoch_loss"), ("validation", "epoch_accuracy",
                                                                "validation epoch_accuracy"),
        ("train", "epoch_loss", "train epoch_loss"), ("train", "epoch_accuracy", "train epoch_accuracy")]
    only_a = _experiment(hparams.experiment_summary([a]))
    assert [(m.name.group, m.name.tag) for m in only_a.metric_infos] == [("validation", "epoch_loss")]
    assert [(h.name, h.differs) for h in only_a.hparam_infos] == [("batch", False), ("lr", False)]   # not PRIORITY's


def test_the_columns_are_a_few_that_differ_the_lessons_own_first_never_its_name():
    base = {"lesson": "day7", "run": "batch", "learning_rate": 0.1, "batch_size": 32, "optimizer": "sgd", "seed": 0,
            "epochs": 5, "variant": "batch"}
    runs = [base, {**base, "run": "sgd", "batch_size": 1, "variant": "stochastic"},
            {**base, "run": "lr", "learning_rate": 3.0, "epochs": 2}]
    assert hparams.COLUMNS == 2
    assert hparams.columns(runs) == [("variant", True), ("learning_rate", True)]     # batch_size, epochs: left out
    assert hparams.columns(runs[:1]) == [("variant", False), ("optimizer", False)]     # one run: nothing differs
    assert hparams.columns([{**base, "seed": 1}, base]) == [("seed", True)]
    assert hparams.columns([{"run": "a"}, {"run": "b", "lesson": "x"}]) == []          # the names say it all
    assert hparams.columns([{"mine": 1.0}, {"mine": "one"}]) == [("mine", True)]
    assert hparams._hparam("mine", [1.0, "one"]).domain is None              # of two kinds: no filter by value
    assert hparams._hparam("optimizer", ["sgd", "adam", "sgd"]).domain.values == ["adam", "sgd"]
