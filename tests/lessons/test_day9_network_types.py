"""Day 9: every family trains and meets its bar in a tiny configuration, its numbers recomputed from the
trained networks, the logs read back, and the --family flag (a lesson's own option). (The families'
builders, summaries, sequences and loops are tested in tests/families/.)"""
import contextlib
import io
import re

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from course.families import gan, sequences
from course.numbers import bullet
from lessons import day9_network_types as day9
from tests.helpers import BACKGROUND, event_files, fresh_process, python, read_events

STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}
TEXT = {"run/hyperparameters", "run/goal"}


def _run(tmp_path_factory, seed, family, epochs, batch_size=32):
    """The lesson's ``family`` alone; ``seed``: 0, unless benchmarks/seed_margins.py sweeps it (--trained-seed)."""
    logdir, out = tmp_path_factory.mktemp(family), io.StringIO()
    config = day9.DEFAULTS.replace(logdir=str(logdir), epochs=epochs, batch_size=batch_size, quiet=True, seed=seed)
    with contextlib.redirect_stdout(out):
        result = day9.run(config, family=family)
    return result, out.getvalue()


@pytest.fixture(scope="module")
def cnn(tmp_path_factory, trained_seed):
    return _run(tmp_path_factory, trained_seed, "cnn", 10)


@pytest.fixture(scope="module")
def rnn(tmp_path_factory, trained_seed):
    return _run(tmp_path_factory, trained_seed, "rnn", 10)           # the default: 6 epochs at 0.002 (0.6x, 0.2x)


@pytest.fixture(scope="module")
def ae(tmp_path_factory, trained_seed):
    return _run(tmp_path_factory, trained_seed, "autoencoder", 4)    # 8 epochs


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory, trained_seed):
    return _run(tmp_path_factory, trained_seed, "gan", 10)           # the default: 40 epochs at 0.001


@pytest.fixture(scope="module")
def transformer(tmp_path_factory, trained_seed):
    return _run(tmp_path_factory, trained_seed, "transformer", 8, batch_size=64)    # 4 epochs of 25 steps (compiling is most of it)


@pytest.mark.trained
def test_cnn_reads_digits(cnn, trained_seed, claim):
    result, out = cnn
    assert set(result.runs) == {"cnn"}
    claim("CNN digits validation accuracy", result.numbers["cnn_val_accuracy"], ">=", 0.95)
    from course.core.datasets import digits
    ds = digits(seed=trained_seed)
    predicted = np.asarray(result.runs["cnn"].model(ds.x_val)).argmax(axis=1)
    assert result.numbers["cnn_val_accuracy"] == pytest.approx(np.mean(predicted == ds.y_val), abs=1e-6)
    assert "conv_1   Conv2D        8x8x8           80  = (3x3x1 + 1) x 8" in out
    assert "== The families side by side" in out and "Takeaways:" in out


@pytest.mark.trained
def test_lstm_beats_the_plain_rnn_on_the_long_gap(rnn, trained_seed, claim):
    result, out = rnn
    n = result.numbers
    assert set(result.runs) == {"rnn_short", "lstm_short", "rnn_long", "lstm_long"}
    claim("RNN short-gap validation accuracy", n["rnn_short_val_accuracy"], ">=", 0.9)     # both can remember
    claim("LSTM short-gap validation accuracy", n["lstm_short_val_accuracy"], ">=", 0.9)
    claim("LSTM long-gap validation accuracy", n["lstm_long_val_accuracy"], ">=", 0.95)   # the LSTM carries it
    claim("RNN long-gap validation accuracy", n["rnn_long_val_accuracy"], "<=", 0.7)      # the RNN near chance
    assert "Training: 6 epochs, learning rate 0.002, batch size 32, adam, gradients clipped to a global norm of 1." in out
    # the accuracies printed are those of the weights each run kept (its best epoch), recomputed from the model
    for name in result.runs:
        gap = name.split("_")[1]
        ds = sequences.marked_sign(seed=trained_seed, length=day9.LENGTHS[gap], lag=day9.LENGTHS[gap] - day9.WINDOW,
                                   window=day9.WINDOW)
        predicted = np.asarray(result.runs[name].model(ds.x_val)).ravel() >= 0.5
        assert n[f"{name}_val_accuracy"] == pytest.approx(np.mean(predicted == ds.y_val), abs=1e-6), name
        val = [v for _, v in read_events(result.runs[name].run_dir / "validation")["epoch_accuracy"]]
        assert n[f"{name}_val_accuracy"] == pytest.approx(max(val), abs=1e-6)            # the best epoch's
        assert n[f"{name}_last_val_accuracy"] == pytest.approx(val[-1], abs=1e-6)
    _verdict_follows_the_printed_table(out)


LONG_ROW = re.compile(r"^    long  \| ([0-9.]+) \| ([0-9.]+)$", re.M)


def _verdict_follows_the_printed_table(out):
    """The recurrent verdict and the takeaways say what the run's own printed table shows, and name only the
    families that ran (--family rnn: no CNN, GAN, autoencoder or Transformer)."""
    (rnn, lstm), = [(float(a), float(b)) for a, b in LONG_ROW.findall(out)]
    only_lstm = "only the LSTM bridges the long gap" in out
    both = "Here both bridge the long gap" in out
    assert only_lstm == (lstm >= 0.9 and rnn <= 0.7) and both == (lstm >= 0.9 and rnn >= 0.9)
    takeaways = out.split("Takeaways:")[1]
    said = " ".join(takeaways.split())
    assert f"The long gap: plain RNN {rnn:.3f}, LSTM {lstm:.3f}." in said
    real = abs(lstm - rnn) >= 2 * np.sqrt(lstm * (1 - lstm) / 400 + rnn * (1 - rnn) / 400) and lstm != rnn
    assert ("did better (" in said) == real and ("no real difference here (" in said) == (not real)
    assert "try more --epochs" not in out or (lstm < 0.9 and rnn < 0.9)
    for absent in ("CNN", "GAN", "autoencoder", "Transformer"):
        assert absent not in takeaways
    table = out.split("== The families side by side")[1].split("Takeaways:")[0]
    assert [line.split("|")[0].strip() for line in table.splitlines()[3:] if "|" in line] == ["RNN", "LSTM"]


def rnn_for_50_epochs():
    """The case the learner found: --family rnn --epochs 50, where the plain RNN bridges the long gap too."""
    logdir = BACKGROUND.job_dir("rnn50")
    return python("-m", "lessons.day9_network_types", "--family", "rnn", "--epochs", "50", "--logdir", str(logdir),
                  timeout=400, nice=True)


@fresh_process(rnn_for_50_epochs)
def test_at_50_epochs_the_verdict_follows_the_run_not_the_lesson_plan():
    proc = BACKGROUND.result(rnn_for_50_epochs)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "Training: 30 epochs, learning rate 0.002" in proc.stdout
    _verdict_follows_the_printed_table(proc.stdout)       # (here the RNN finds a latch at seed 0: both bridge)


@pytest.mark.trained
def test_autoencoder_error_falls_well_below_the_mean_image(ae, trained_seed, claim):
    result, _ = ae
    n = result.numbers
    # the baseline from scikit-learn's digits directly: pixels 0..16 scaled to [0, 1], the seed's split
    bunch = load_digits()
    x_train, x_val = train_test_split(bunch.data / 16.0, test_size=0.2, random_state=trained_seed,
                                      stratify=bunch.target)[:2]
    assert n["autoencoder_baseline_mse"] == pytest.approx(np.mean((x_val - x_train.mean(axis=0)) ** 2), rel=1e-5)
    # the final error, recomputed from the trained autoencoder on the validation digits
    model = result.runs["autoencoder"].model
    reconstructed = np.asarray(model(x_val.astype(np.float32)), np.float64)
    assert n["autoencoder_val_mse"] == pytest.approx(np.mean((reconstructed - x_val) ** 2), rel=1e-4)
    claim("autoencoder MSE / the mean image's", n["autoencoder_val_mse"] / n["autoencoder_baseline_mse"], "<=", 0.6)
    history = result.runs["autoencoder"].history
    claim("autoencoder validation MSE, first epoch - last", history.val_loss[0] - history.val_loss[-1], ">", 0)
    run_dir = result.runs["autoencoder"].run_dir
    assert sorted(p.name for p in run_dir.glob("*.png")) == ["reconstructions.png"]
    train, val = read_events(run_dir / "train"), read_events(run_dir / "validation")
    layers = ("encoder", "code", "decoder", "reconstruction")
    assert set(train) == ({"batch_loss", "epoch_loss", "reconstructions"} | TEXT
                          | {f"{kind}/{layer}" for kind in ("weights", "biases") for layer in layers})
    assert set(val) == {"epoch_loss"}
    per_epoch = history.steps // 8                                            # 8 epochs, update steps
    assert [step for step, _ in train["reconstructions"]] == [per_epoch, 8 * per_epoch]   # first and last epoch
    assert [step for step, _ in train["weights/code"]][-1] == history.steps
    assert len(event_files(run_dir / "train")) == 1 == len(list((run_dir / "train").iterdir()))   # one file a split
    assert len(train["batch_loss"]) == history.steps
    np.testing.assert_allclose([v for _, v in val["epoch_loss"]], history.val_loss, rtol=1e-6)


@pytest.mark.trained
def test_gan_samples_match_the_target_distribution(gan_run, trained_seed, claim):
    result, _ = gan_run
    n = result.numbers
    generator = result.runs["gan"].model                                   # the samples, drawn again
    generated = np.asarray(generator(gan.fixed_noise(generator, trained_seed)), np.float64)
    np.testing.assert_allclose(n["gan_sample_mean"], generated.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(n["gan_sample_std"], generated.std(axis=0), rtol=1e-5)
    assert n["gan_sample_correlation"] == pytest.approx(np.corrcoef(generated.T)[0, 1], rel=1e-4)
    # the generated points lie where the real ones do: the share inside the real 2-sd ellipse, counted here
    d = generated - np.array(gan.TARGET_MEAN)
    s1, s2, r = *gan.TARGET_STD, gan.TARGET_CORRELATION
    cov = np.array([[s1 * s1, r * s1 * s2], [r * s1 * s2, s2 * s2]])
    inside = np.mean([row @ np.linalg.solve(cov, row) < 4 for row in d])
    assert n["gan_sample_inside"] == pytest.approx(inside, abs=1e-9)
    claim("GAN share of points inside the real 2-sd ellipse", inside, ">=", 0.6)        # real points: 0.865
    claim("GAN |D(real) - 0.5|", abs(n["gan_d_real"] - 0.5), "<=", 0.2)               # D can no longer tell
    claim("GAN |D(generated) - 0.5|", abs(n["gan_d_generated"] - 0.5), "<=", 0.2)
    run_dir = result.runs["gan"].run_dir
    train = read_events(run_dir / "train")
    assert set(train) == ({"d_loss", "g_loss", "epoch_d_loss", "epoch_g_loss", "epoch_d_real", "epoch_d_generated",
                           "epoch_samples/mean_x1", "epoch_samples/mean_x2", "epoch_samples/std_x1",
                           "epoch_samples/std_x2", "generated_points", "generated_points_by_epoch"} | TEXT)
    steps = result.runs["gan"].history.steps
    from course.tensorboard.snapshots import picture_epochs
    pictured = sorted(picture_epochs(40))                                   # 40 epochs: the run's 9 picture epochs
    assert [step for step, _ in train["generated_points"]] == [steps // 40 * e for e in pictured]
    assert not (run_dir / "validation").exists()                                  # a GAN has no validation split
    assert train["generated_points"][0][1][2][:8] == b"\x89PNG\r\n\x1a\n"
    assert train["epoch_samples/mean_x1"][-1][1] == pytest.approx(generated[:, 0].mean(), abs=1e-5)
    assert len(train["d_loss"]) == result.runs["gan"].history.steps
    assert sorted(p.name for p in run_dir.glob("*.png")) == ["generated_points_by_epoch.png"]


@pytest.mark.trained
def test_transformer_attends_to_the_mark(transformer, claim):
    result, _ = transformer
    claim("Transformer long-gap validation accuracy", result.numbers["transformer_val_accuracy"], ">=", 0.9)
    run_dir = result.runs["transformer"].run_dir
    train, val = read_events(run_dir / "train"), read_events(run_dir / "validation")
    assert STEP | EPOCH | TEXT | {"training_curves", "weights/query", "gradients/query/kernel", "weights/embed", "weights/ff_1",
                                  "gamma/norm_1", "embeddings/positions", "weights/output"} <= set(train)
    assert set(val) == {"epoch_loss", "epoch_accuracy"}
    text = train["run/hyperparameters"][0][1].item().decode()
    assert "| parameters | 3249 |" in text


def test_classifier_runs_log_every_layer(cnn, rnn):
    train = read_events(cnn[0].runs["cnn"].run_dir / "train")
    layers = ("conv_1", "conv_2", "output")
    assert set(train) == STEP | EPOCH | TEXT | {"training_curves"} | {
        f"{kind}/{layer}" for layer in layers for kind in ("weights", "biases")} | {
        f"gradients/{layer}/{v}" for layer in layers for v in ("kernel", "bias")}
    lstm = read_events(rnn[0].runs["lstm_long"].run_dir / "train")
    assert {"weights/lstm_cell", "recurrent_kernel/lstm_cell", "biases/lstm_cell",
            "gradients/lstm_cell/recurrent_kernel"} <= set(lstm)


def test_family_flag_runs_one_family(tmp_path, capsys):
    code = day9.main(["--family", "autoencoder", "--epochs", "1", "--quiet", "--logdir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert [p.name.split("_", 1)[1] for p in (tmp_path / day9.LESSON).iterdir()] == ["autoencoder"]
    assert "== An autoencoder" in out and "== A convolutional network" not in out and "== A GAN" not in out
    assert f"tensorboard --logdir {tmp_path / day9.LESSON}" in out


@pytest.mark.parametrize("argv, message", [
    (["--family", "rbm"], "argument --family: invalid choice: 'rbm'"),
    (["--epochs", "0"], "argument --epochs: must be a positive integer up to 1,000,000, got '0'"),
    (["--family", "cnn", "--batch-size", "5000"], "batch_size 5000 is larger than the 1437 training examples"),
])
def test_bad_flags_exit_2_with_one_line_and_write_nothing(tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        day9.main(argv + ["--logdir", str(tmp_path / "logs")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "logs").exists()


def test_help_lists_the_family_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        day9.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--family {all,cnn,rnn,autoencoder,gan,transformer}" in out and "--epochs N" in out


def test_a_diverging_gan_is_reported_not_a_traceback(tmp_path):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = day9.run(day9.DEFAULTS.replace(logdir=str(tmp_path), epochs=1, learning_rate=1e6, quiet=True),
                          family="gan")
    assert "Stopped early: diverged at step" in out.getvalue()
    assert np.isnan(result.numbers["gan_sample_mean"]).all()


def _printed(texts) -> list:
    """Takeaway texts as Lesson.takeaways prints them: each a bullet wrapped to 100 columns."""
    return [line for text in texts for line in bullet(text)]


def test_takeaways_of_families_that_stopped_early_say_so_instead_of_printing_nan():
    nan = float("nan")
    n = {"cnn_val_accuracy": nan, "rnn_long_val_accuracy": 0.47, "lstm_long_val_accuracy": 0.362,
         "transformer_val_accuracy": nan, "autoencoder_val_mse": nan, "autoencoder_baseline_mse": 0.074,
         "gan_sample_mean": np.array([nan, nan]), "long_gap_validation_examples": 400}
    text = "\n".join(_printed(day9.takeaways(["cnn", "rnn", "transformer", "autoencoder", "gan"], n)))
    assert "nan" not in text
    for family in ("The CNN's run", "The Transformer's run", "The autoencoder's run", "The GAN's run"):
        assert f"  - {family} stopped early here (see above)" in text
    said = " ".join(text.split())
    # 0.470 against 0.362 on 400 sequences: 0.108 apart, beyond 2 standard errors (0.069): the RNN did better
    assert "LSTM 0.362" in said and "This run: the RNN did better (0.108 apart; 2 standard errors of 400" in said
    n.update(cnn_val_accuracy=0.97, lstm_long_val_accuracy=0.99)
    said = " ".join("\n".join(_printed(day9.takeaways(["cnn", "rnn"], n))).split())
    assert "0.970 on digits" in said and "This run: the LSTM did better (0.520 apart;" in said
    n.update(rnn_long_val_accuracy=0.502, lstm_long_val_accuracy=0.512)           # the collapsed run
    said = " ".join("\n".join(_printed(day9.takeaways(["rnn"], n))).split())
    assert ("This run: no real difference here (0.010 apart; 2 standard errors of 400 validation examples are "
            "0.071).") in said and "did better" not in said
    assert all(len(line) <= 100 for line in _printed(day9.takeaways(["cnn", "rnn"], n)))


def test_the_recurrent_verdict_follows_the_numbers_and_never_asks_a_collapsed_run_for_more_epochs():
    only = day9.recurrent_verdict(0.51, 1.0, 400)
    assert only == ["  Same task, same units: only the LSTM bridges the long gap (1.000 against the RNN's 0.510)."]
    assert day9.recurrent_verdict(0.99, 1.0, 400)[0].startswith("  Here both bridge the long gap (RNN 0.990")
    neither = " ".join(day9.recurrent_verdict(0.50, 0.62, 400))
    assert "Neither bridges" in neither and "even at its best epoch: try more --epochs" in neither
    between = " ".join(day9.recurrent_verdict(0.88, 0.91, 400))
    assert "Long gap: RNN 0.880, LSTM 0.910: no real difference here (0.030 apart" in between
    assert day9.recurrent_verdict(float("nan"), 1.0, 400)[0].startswith("  (no long-gap accuracy to compare")


def test_a_run_that_learned_then_collapsed_says_so_with_the_epoch_and_the_gradient_norm():
    from course.engine.best import EpochSummary, KeepBest
    keep = KeepBest()
    keep.epochs = [EpochSummary(e, acc, 0.1, norm) for e, acc, norm in
                   ((1, 0.675, 5.0), (2, 0.832, 7.0), (3, 0.967, 30.0), (4, 0.930, 135.0), (5, 0.498, 20.0),
                    (6, 0.512, 0.5))]                        # the AMD run: learned, then collapsed
    keep.best, keep.restored = keep.epochs[2], True
    assert day9.kept_lines(keep, 400) == [
        "   It reached 0.967 at epoch 3, then fell to 0.512 by epoch 6: training collapsed",
        "   (the gradient norm reached 135 in epoch 4). The weights of epoch 3 are kept."]
    keep.epochs[-1] = EpochSummary(6, 0.96, 0.1, 0.5)          # a last epoch within the noise of the best
    assert day9.kept_lines(keep, 400) == [
        "   (kept epoch 3: 0.967; the last epoch read 0.960, within the noise of it)"]
    keep.restored = False
    assert day9.kept_lines(keep, 400) == []


def test_a_fooled_discriminator_is_not_called_a_matched_distribution():
    mean, std = (2.0, 1.0), (1.0, 0.5)
    final = {"d_real": 0.50, "d_generated": 0.50, "mean_x1": 2.10, "mean_x2": 0.47, "std_x1": 0.95, "std_x2": 0.48,
             "correlation": 0.81}                                                      # --family gan --seed 5
    lines = day9.discriminator_verdict(final, mean, std, 0.6)
    assert lines[0] == ("  D(real) 0.50, D(generated) 0.50: D can no longer tell them apart, yet the points still "
                        "differ (mean x2 0.47 vs 1; correlation 0.81 vs 0.6):")
    assert lines[1] == "  a fooled discriminator is not yet a matched distribution."
    matched = {**final, "mean_x1": 2.06, "mean_x2": 1.16, "correlation": 0.62}
    assert "and the points match the real mean, spread and correlation" in day9.discriminator_verdict(
        matched, mean, std, 0.6)[0]
    sure = {**matched, "d_real": 0.80, "d_generated": 0.20}
    assert day9.discriminator_verdict(sure, mean, std, 0.6)[0] == (
        "  D(real) 0.80, D(generated) 0.20: D still tells them apart (0.5 each when it cannot).")
    stopped = {**final, "d_real": float("nan")}
    assert day9.discriminator_verdict(stopped, mean, std, 0.6)[0].startswith("  (no D(real) or D(generated)")
