"""The HParams experiment over the runs TensorBoard serves: which hyperparameters and metrics its table shows.

TensorBoard 2.21's HParams table (read from its front end) shows the first 5 hyperparameters the experiment
lists, those marked ``differs`` first and then by name, and the first 5 metrics; every column is at least
10em (160 px) wide and the Trial ID column is 10em, cutting longer names. So listing every hyperparameter puts
the metric columns off-screen (they started at 1,400 px). The experiment lists only ``COLUMNS`` of those that
differ between the runs, the lesson's own first (``variant``, ``learning_rate_label``), then in the order of
``PRIORITY``; never ``lesson`` and ``run``, which the trial's name already says. The others are the same in
every run, or are in each run's ``run/hyperparameters`` table (Text tab).

    summary = experiment_summary([run_dir_a, run_dir_b])     # a Summary proto; EventFile(...).summary(0, summary)
"""
from __future__ import annotations

from pathlib import Path

from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
from tensorboard.plugins.hparams import metadata, plugin_data_pb2
from tensorboard.plugins.hparams import summary_v2 as hp

# The metric columns, validation's epoch metrics first (then what else a run may have).
METRICS = (("epoch_loss", "validation"), ("epoch_accuracy", "validation"), ("epoch_loss", "train"),
           ("epoch_accuracy", "train"), ("epoch_d_loss", "train"), ("epoch_g_loss", "train"))
SPLITS = ("train", "validation")
COLUMNS = 2                     # hyperparameter columns: then the 4 metrics start at 580 px of the table
NAMED = ("lesson", "run")       # what the trial's name says
PRIORITY = ("optimizer", "learning_rate", "batch_size", "epochs", "dataset", "model", "parameters", "seed",
            "shuffle", "eager", "log_every_step")         # every run's (runs.train_and_log)


def session_values(run_dir) -> dict:
    """The hyperparameters a run recorded for the HParams dashboard ({} when none)."""
    values = {}
    for events in sorted(Path(run_dir).glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(events)).Load():
            for value in event.summary.value:
                if value.tag == metadata.SESSION_START_INFO_TAG:
                    info = metadata.parse_session_start_info_plugin_data(value.metadata.plugin_data.content)
                    for name, v in info.hparams.items():
                        values[name] = getattr(v, v.WhichOneof("kind")) if v.WhichOneof("kind") else None
    return values


def epoch_metrics(run_dir) -> set:
    """The (tag, split) of ``METRICS`` that ``run_dir`` logged, read from its first epoch's events."""
    wanted, found = set(METRICS), set()
    for split in SPLITS:
        for events in sorted((Path(run_dir) / split).glob("events.out.tfevents.*")):
            seen = set()
            for event in EventFileLoader(str(events)).Load():
                tags = {(v.tag, split) for v in event.summary.value} & wanted
                if tags & seen:                      # a second epoch: the first one's metrics are all known
                    break
                seen |= tags
            found |= seen
    return found


def columns(sessions: list) -> list:
    """(name, differs) of the hyperparameters to list for runs whose values are ``sessions``: at most ``COLUMNS``
    of those that differ (of all, when none does), the lesson's own before ``PRIORITY``'s, never ``NAMED``."""
    names = sorted({name for values in sessions for name in values} - set(NAMED))
    differ = [name for name in names if len({repr(values.get(name)) for values in sessions}) > 1]
    rank = sorted(differ or names, key=lambda name: PRIORITY.index(name) + 1 if name in PRIORITY else 0)
    return [(name, bool(differ)) for name in rank[:COLUMNS]]


def _hparam(name: str, values: list):
    """The ``HParam`` ``name``, its domain the values the runs have when they are of one kind (the dashboard then
    filters by them)."""
    kinds = {type(value) for value in values}
    return hp.HParam(name, hp.Discrete(sorted(set(values))) if len(kinds) == 1 and kinds <= {str, float, bool}
                     else None)


def experiment_summary(run_dirs):
    """The HParams experiment over ``run_dirs``: the hyperparameter ``columns`` and the ``METRICS`` they logged
    (a metric no run has would leave every session incomplete: TensorBoard's parallel coordinates then draw no
    line)."""
    sessions = [session_values(run) for run in run_dirs]
    chosen = columns(sessions)
    logged = set().union(*(epoch_metrics(run) for run in run_dirs))
    hparams = [_hparam(name, [values[name] for values in sessions if name in values]) for name, _ in chosen]
    summary = hp.hparams_config_pb(hparams=hparams,
                                   metrics=[hp.Metric(tag, group=group, display_name=f"{group} {tag}")
                                            for tag, group in METRICS if (tag, group) in logged])
    value = summary.value[0]
    data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
    differs = dict(chosen)
    for info in data.experiment.hparam_infos:
        info.differs = differs[info.name]
    value.metadata.plugin_data.content = data.SerializeToString()
    return summary
