"""course.cli.flags: the flags every lesson shares, parsed into a Config with one-line errors (exit 2,
nothing written), whatever a learner types."""
import argparse
import contextlib
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.cli import flags
from course.core.config import Config
from tests.helpers import BACKGROUND, fresh_process, python

BAD_FLAGS = [
    (["--epochs", "0"], "argument --epochs: must be a positive integer up to 1,000,000, got '0'"),
    (["--learning-rate", "-1"], "argument --learning-rate/--lr: must be a positive finite number of at least 1.2e-38 "
                                "(below it a float32 learning rate is 0 or loses its digits), got '-1'"),
    (["--learning-rate", "1e-308"], "of at least 1.2e-38 (below it a float32 learning rate is 0 or loses its digits), "
                                    "got '1e-308'"),
    (["--batch-size", "abc"], "argument --batch-size: must be a positive integer, got 'abc'"),
    (["--optimizer", "adagrad"], "argument --optimizer: invalid choice: 'adagrad'"),
    (["--dataset", "imagenet"], "argument --dataset: invalid choice: 'imagenet'"),
    (["--learning-rate", "nan"], "must be a positive finite number of at least 1.2e-38 (below it a float32 learning "
                                 "rate is 0 or loses its digits), got 'nan'"),
    (["--seed", "-1"], "argument --seed: must be a non-negative integer, got '-1'"),
    (["--seed", "99999999999"], "seed must be an integer from 0 to 4294967295, got 99999999999"),
    (["--trace-steps", "x"], "argument --trace-steps: must be a non-negative integer"),
    (["--clip-norm", "-1"], "argument --clip-norm: must be a non-negative finite number, got '-1'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--quiet", "two\nlines"], "unrecognized arguments: two lines"),
]


@pytest.mark.parametrize("lesson", ["day1_perceptron", "day2_mlp"])
@pytest.mark.parametrize("argv, message", BAD_FLAGS)
def test_bad_flags_exit_2_with_one_line_and_write_nothing(lesson, argv, message, tmp_path, capsys):
    module = __import__(f"lessons.{lesson}", fromlist=["main"])
    logdir = tmp_path / "logs"
    with pytest.raises(SystemExit) as exit_info:
        module.main(argv + ["--logdir", str(logdir)])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and message in err and err.startswith(f"python -m lessons.{lesson}: error:")
    assert not logdir.exists()


def bad_flag_from_the_shell():
    tmp_path = BACKGROUND.job_dir("bad-flag")
    proc = python("-m", "lessons.day2_mlp", "--epochs", "0", "--logdir", str(tmp_path / "l"), timeout=120, nice=True)
    return proc, tmp_path


@fresh_process(bad_flag_from_the_shell)
def test_bad_flags_from_the_shell_no_traceback_nothing_written():
    # the exit status of a real process (the in-process tests above see SystemExit(2) only)
    proc, tmp_path = BACKGROUND.result(bad_flag_from_the_shell)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr == ("python -m lessons.day2_mlp: error: argument --epochs: must be a positive integer up to "
                           "1,000,000, got '0' (see --help)\n")
    assert list(tmp_path.iterdir()) == []


def test_logdir_that_is_a_file_is_a_flag_error(tmp_path, capsys):
    from lessons import day1_perceptron
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(SystemExit) as exit_info:
        day1_perceptron.main(["--logdir", str(target)])
    assert exit_info.value.code == 2
    assert "exists and is not a directory" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_help_explains_every_shared_flag_with_the_lessons_defaults(capsys):
    from lessons import day1_perceptron
    with pytest.raises(SystemExit) as exit_info:
        day1_perceptron.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--epochs", "--learning-rate", "--batch-size", "--optimizer", "--seed", "--logdir",
                 "--trace-steps", "--eager", "--dataset", "--quiet"):
        assert flag in out
    assert "(default: 30)" in out and "(default: 0.5)" in out and "Goal: train a single sigmoid neuron" in out


def test_parse_gives_a_config_with_the_lesson_defaults(tmp_path):
    defaults = Config(epochs=7, learning_rate=0.3, dataset="b")
    config = flags.parse_lesson_args("day1_perceptron", "Title", ["--lr", "0.01", "--logdir", str(tmp_path)],
                                     defaults, datasets=("a", "b"))
    assert config == defaults.replace(learning_rate=0.01, logdir=str(tmp_path))


# --- property-based: whatever a learner types, the parser answers with exit 0 or 2, never a traceback --

FLAGS = ["--epochs", "--learning-rate", "--lr", "--batch-size", "--optimizer", "--seed", "--logdir",
         "--trace-steps", "--eager", "--dataset", "--quiet", "--clip-norm", "--help", "--bogus", "-x", "--"]
VALUES = st.one_of(
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["sgd", "adam", "momentum", "rmsprop", "moons", "xor", "all", "digits", "", " ", "0x10",
                     "1e400", "-0", "nan", "inf", "1_000", "１２", "None", "/dev/null", "\x00"]),
    st.text(max_size=12),
)
ARGV = st.lists(st.one_of(st.sampled_from(FLAGS), VALUES), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGV)
def test_random_flags_never_raise_only_exit_0_or_2(argv, tmp_path):
    defaults = Config(epochs=3, logdir=str(tmp_path / "logs"))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            config = flags.parse_lesson_args("day1_perceptron", "Title", argv, defaults,
                                             datasets=("all", "blobs", "xor"))
        except SystemExit as exit_info:
            assert exit_info.code in (0, 2)
            if exit_info.code == 2:
                assert stderr.getvalue().count("\n") == 1 and "error:" in stderr.getvalue()
        else:
            assert isinstance(config, Config)      # accepted values made a valid Config
            assert config.epochs >= 1 and config.learning_rate > 0 and config.batch_size >= 1
    assert not (tmp_path / "logs").exists()       # parsing never writes


@pytest.mark.parametrize("flag_type, text, value", [
    (flags.positive_int, "3", 3), (flags.non_negative_int, "0", 0), (flags.positive_float, "1e-3", 0.001),
    (flags.positive_float, "2", 2.0)])
def test_flag_types_convert_what_the_config_accepts(flag_type, text, value):
    out = flag_type(text)
    assert out == value and type(out) is type(value)


@pytest.mark.parametrize("flag_type, text, message", [
    (flags.positive_int, "0", "must be a positive integer, got '0'"),
    (flags.positive_int, "2.5", "must be a positive integer, got '2.5'"),
    (flags.non_negative_int, "-1", "must be a non-negative integer, got '-1'"),
    (flags.positive_float, "0", "must be a positive finite number, got '0'"),
    (flags.positive_float, "inf", "must be a positive finite number, got 'inf'"),
    (flags.positive_float, "1e400", "must be a positive finite number, got '1e400'"),
])
def test_flag_types_say_what_they_expected(flag_type, text, message):
    with pytest.raises(argparse.ArgumentTypeError) as err:
        flag_type(text)
    assert str(err.value) == message


def test_a_lessons_own_options_are_parsed_beside_the_shared_flags(tmp_path):
    defaults = Config(epochs=4, logdir=str(tmp_path))
    options = {"--family": dict(choices=("all", "cnn"), default="all", help="which family")}
    parser = flags.lesson_parser("day9_network_types", "Title\n\nNote: a note\n  in two lines.", defaults,
                                 goal="meet them", options=options)
    assert parser.prog == "python -m lessons.day9_network_types"
    assert parser.description == "Title\n\nGoal: meet them\n\nNote: a note in two lines."
    config, extra = flags.parse_config(parser, ["--family", "cnn", "--epochs", "2"], defaults, options)
    assert (config, extra) == (defaults.replace(epochs=2), {"family": "cnn"})
    assert flags.parse_config(parser, [], defaults, options) == (defaults, {"family": "all"})
    assert "--dataset" not in parser.format_help()                   # no datasets given: no --dataset flag


def test_the_one_line_parser_exits_2_with_one_line(capsys):
    parser = flags.OneLineParser(prog="prog")
    with pytest.raises(SystemExit) as exit_info:
        parser.error("first line\nsecond line")
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == "prog: error: first line second line (see --help)\n"
