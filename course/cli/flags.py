"""The flags every lesson understands, parsed into a ``Config`` with one-line errors.

    parser = lesson_parser("day2_mlp", __doc__, DEFAULTS, datasets=DATASETS)
    config = parse_lesson_args("day2_mlp", __doc__, ["--epochs", "5"], DEFAULTS)

A flag's value is checked by the same rules ``Config`` uses (``course.core.config``); an error is one
line on stderr, ``prog: error: argument --epochs: must be a positive integer, got '0' (see --help)``,
and exit status 2. Nothing here imports TensorFlow.
"""
from __future__ import annotations

import argparse

from course.checks import FLOAT32_TINY, LEARNING_RATE_KIND, MAX_EPOCHS, check_int, check_number, integer_kind
from course.core.config import OPTIMIZERS


def _flag_type(convert, check, expected):
    """An argparse type: ``convert`` the text, then ``check`` it with the Config rule; one message either way."""
    def parse(text: str):
        try:
            return check(convert(text))
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"must be {expected}, got {text!r}") from None
    parse.__name__ = expected
    return parse


positive_int = _flag_type(int, lambda v: check_int("value", v), integer_kind(1))
epochs = _flag_type(int, lambda v: check_int("value", v, maximum=MAX_EPOCHS), integer_kind(1, MAX_EPOCHS))
non_negative_int = _flag_type(int, lambda v: check_int("value", v, minimum=0), integer_kind(0))
positive_float = _flag_type(float, lambda v: check_number("value", v, low=0, low_open=True),
                            "a positive finite number")
non_negative_float = _flag_type(float, lambda v: check_number("value", v, low=0), "a non-negative finite number")
learning_rate = _flag_type(float, lambda v: check_number("value", v, low=FLOAT32_TINY), LEARNING_RATE_KIND)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit status 2."""

    def error(self, message):
        message = " ".join(str(message).splitlines())      # one line, even for a value with a newline in it
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


LEARNING_RATE = {   # what --learning-rate is, for each optimizer
    "sgd": "the step size lr in w <- w - lr * dL/dw",
    "momentum": "lr in momentum's velocity <- 0.9 velocity - lr * dL/dw; w <- w + velocity",
    "rmsprop": "lr in RMSprop's w <- w - lr * g / sqrt(s + 1e-7), s a running mean of g^2 (a first step is "
               "about lr / sqrt(0.1) = 3.2 lr)",
    "adam": "lr in Adam's w <- w - lr * m_hat / (sqrt(v_hat) + eps), m and v running means of g and g^2 (a first "
            "step is about lr)",
}


def lesson_parser(name: str, doc: str, defaults, datasets=(), prog=None, *, goal: str = "",
                  options: dict | None = None, optimizer: str | None = None, lr_help: str = "") -> OneLineParser:
    """The shared flags, with the lesson's own defaults shown in ``--help``; ``options`` are the lesson's
    own flags, ``{"--family": argparse keyword arguments}``. ``--learning-rate`` is described for
    ``optimizer`` (default: the lesson's), or by ``lr_help``."""
    title = doc.strip().splitlines()[0] if doc.strip() else name
    notes = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip().startswith("Note:")]
    description = f"{title}\n\nGoal: {goal}" if goal else title
    parser = OneLineParser(
        prog=prog or f"python -m lessons.{name}",
        description="\n\n".join([description, *notes]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Every run writes a new directory under LOGDIR/" + name + "/ and prints the "
               "`tensorboard --logdir ...` command to look at it.")
    add = parser.add_argument
    add("--epochs", type=epochs, default=defaults.epochs, metavar="N",
        help=f"passes over the training data (default: {defaults.epochs})")
    lr_help = lr_help or LEARNING_RATE[optimizer or defaults.optimizer]
    add("--learning-rate", "--lr", dest="learning_rate", type=learning_rate, default=defaults.learning_rate,
        metavar="LR", help=f"{lr_help} (default: {defaults.learning_rate:g})")
    add("--batch-size", type=positive_int, default=defaults.batch_size, metavar="B",
        help=f"examples per update step; the data size = full-batch descent (default: {defaults.batch_size})")
    add("--optimizer", choices=OPTIMIZERS, default=defaults.optimizer,
        help=f"how gradients become updates: sgd, momentum (SGD with 0.9), rmsprop, adam "
             f"(default: {defaults.optimizer})")
    clip = f"{defaults.clip_norm:g}" if defaults.clip_norm else "none"
    add("--clip-norm", type=non_negative_float, default=defaults.clip_norm, metavar="C",
        help=f"before each update, scale the gradients down to a global norm of C when theirs is larger (Keras's "
             f"global_clipnorm; 0 for none) (default: {clip})")
    add("--seed", type=non_negative_int, default=defaults.seed, metavar="S",
        help=f"seeds data splits, initial weights and shuffling; same seed, same numbers "
             f"(default: {defaults.seed})")
    add("--logdir", default=defaults.logdir, metavar="DIR",
        help=f"TensorBoard root directory (default: {defaults.logdir})")
    add("--trace-steps", type=non_negative_int, default=defaults.trace_steps, metavar="K",
        help=f"print the first K update steps with their numbers, 0 for none (default: {defaults.trace_steps})")
    add("--eager", action="store_true",
        help="run the training step eagerly (plain Python, easy to debug) instead of as a compiled tf.function")
    if datasets:
        add("--dataset", choices=datasets, default=defaults.dataset or datasets[0],
            help=f"which data to train on (default: {defaults.dataset or datasets[0]})")
    add("--quiet", action="store_true", help="print only the results: no per-step or per-epoch lines")
    add("--log-every-step", action="store_true",
        help="TensorBoard histograms and pictures after every update step instead of a few per run "
             "(tiny runs: at most 1,000 parameters and 2,000 steps; every step then runs on its own)")
    for flag, kwargs in (options or {}).items():
        add(flag, **kwargs)
    return parser


def optimizer_in(argv) -> str | None:
    """The --optimizer an argument list names, if any (so that --help can describe its learning rate)."""
    argv = list(argv or [])
    for k, arg in enumerate(argv):
        if arg.startswith("--optimizer="):
            return arg.split("=", 1)[1] if arg.split("=", 1)[1] in OPTIMIZERS else None
        if arg == "--optimizer" and k + 1 < len(argv) and argv[k + 1] in OPTIMIZERS:
            return argv[k + 1]
    return None


def parse_config(parser, argv, defaults, options=()):
    """(Config, {option: value}) from ``argv``; on bad input print one line and exit 2 before anything is written."""
    args = vars(parser.parse_args(argv))
    extra = {key: args.pop(key) for key in [flag.lstrip("-").replace("-", "_") for flag in options]}
    try:
        config = defaults.replace(**args)
        from course.runs.dirs import check_logdir
        check_logdir(config.logdir)
    except ValueError as err:
        parser.error(str(err))
    return config, extra


def parse_lesson_args(name, doc, argv, defaults, datasets=(), prog=None):
    """Parse ``argv`` into a Config; on bad input print one line and exit 2 before anything is written."""
    return parse_config(lesson_parser(name, doc, defaults, datasets, prog, optimizer=optimizer_in(argv)), argv,
                        defaults)[0]
