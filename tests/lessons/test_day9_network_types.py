"""Day 9: every family trains and meets its bar in a tiny configuration; parameter counts against
hand-computed formulas; the logs read back; the sequence data; the --family flag."""
import contextlib
import io

import numpy as np
import pytest
from conftest import read_events

from course import autoencoder, families, gan, sequences, summary
from lessons import day9_network_types as day9

STEP = {"batch_loss", "batch_accuracy", "gradient_norm"}
EPOCH = {"epoch_loss", "epoch_accuracy", "learning_rate"}
TEXT = {"run/hyperparameters", "run/goal"}


def _run(tmp_path_factory, family, epochs, batch_size=32):
    logdir, out = tmp_path_factory.mktemp(family), io.StringIO()
    config = day9.DEFAULTS.replace(logdir=str(logdir), epochs=epochs, batch_size=batch_size, quiet=True)
    with contextlib.redirect_stdout(out):
        result = day9.run(config, family=family)
    return result, out.getvalue()


@pytest.fixture(scope="module")
def cnn(tmp_path_factory):
    return _run(tmp_path_factory, "cnn", 10)


@pytest.fixture(scope="module")
def rnn(tmp_path_factory):
    return _run(tmp_path_factory, "rnn", 7)            # 4 epochs at 0.002 (the recipe: 0.6x, 0.2x)


@pytest.fixture(scope="module")
def ae(tmp_path_factory):
    return _run(tmp_path_factory, "autoencoder", 4)    # 8 epochs


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    return _run(tmp_path_factory, "gan", 10)           # the default: 40 epochs at 0.001


@pytest.fixture(scope="module")
def transformer(tmp_path_factory):
    return _run(tmp_path_factory, "transformer", 8, batch_size=64)    # 4 epochs of 25 steps (compiling is most of it)


def test_cnn_reads_digits(cnn):
    result, out = cnn
    assert set(result.runs) == {"cnn"}
    assert result.numbers["cnn_val_accuracy"] >= 0.95
    assert "conv_1   Conv2D        8x8x8           80  = (3x3x1 + 1) x 8" in out
    assert "== The families side by side" in out and "Takeaways:" in out


def test_lstm_beats_the_plain_rnn_on_the_long_gap(rnn):
    result, out = rnn
    n = result.numbers
    assert set(result.runs) == {"rnn_short", "lstm_short", "rnn_long", "lstm_long"}
    assert n["rnn_short_val_accuracy"] >= 0.9 and n["lstm_short_val_accuracy"] >= 0.9   # both can remember
    assert n["lstm_long_val_accuracy"] >= 0.95                                          # the LSTM carries it
    assert n["rnn_long_val_accuracy"] <= 0.7                                            # the RNN near chance
    assert n["lstm_long_val_accuracy"] - n["rnn_long_val_accuracy"] >= 0.25
    assert "Training: 4 epochs, learning rate 0.002" in out


def test_autoencoder_error_falls_well_below_the_mean_image(ae):
    result, _ = ae
    n = result.numbers
    assert n["autoencoder_baseline_mse"] == pytest.approx(0.0740, abs=5e-4)   # sklearn's digits, seed 0 split
    assert n["autoencoder_val_mse"] <= 0.6 * n["autoencoder_baseline_mse"]
    history = result.runs["autoencoder"].history
    assert history.val_loss[-1] < history.val_loss[0]
    assert n["autoencoder_val_mse"] == pytest.approx(history.val_loss[-1])
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
    assert sorted(p.name for p in (run_dir / "train").iterdir())[0].startswith("events.out.tfevents.")
    assert len(list((run_dir / "train").iterdir())) == 1                       # one event file per split
    assert len(train["batch_loss"]) == history.steps
    np.testing.assert_allclose([v for _, v in val["epoch_loss"]], history.val_loss, rtol=1e-6)


def test_gan_samples_match_the_target_distribution(gan_run):
    result, _ = gan_run
    n = result.numbers
    np.testing.assert_allclose(n["gan_sample_mean"], gan.TARGET_MEAN, atol=0.35)
    np.testing.assert_allclose(n["gan_sample_std"] / np.array(gan.TARGET_STD), 1.0, atol=0.4)
    assert 0.3 <= n["gan_d_real"] <= 0.7 and 0.3 <= n["gan_d_generated"] <= 0.7   # D can no longer tell
    run_dir = result.runs["gan"].run_dir
    train = read_events(run_dir / "train")
    assert set(train) == ({"d_loss", "g_loss", "epoch_d_loss", "epoch_g_loss", "epoch_d_real", "epoch_d_generated",
                           "epoch_samples/mean_x1", "epoch_samples/mean_x2", "epoch_samples/std_x1",
                           "epoch_samples/std_x2", "generated_points", "generated_points_by_epoch"} | TEXT)
    steps = result.runs["gan"].history.steps
    assert [step for step, _ in train["generated_points"]] == [steps // 40 * e for e in range(1, 41)]   # each epoch
    assert not (run_dir / "validation").exists()                                  # a GAN has no validation split
    assert train["generated_points"][0][1][2][:8] == b"\x89PNG\r\n\x1a\n"
    assert train["epoch_samples/mean_x1"][-1][1] == pytest.approx(n["gan_sample_mean"][0], abs=1e-5)
    assert len(train["d_loss"]) == result.runs["gan"].history.steps
    assert sorted(p.name for p in run_dir.glob("*.png")) == ["generated_points_by_epoch.png"]


def test_transformer_attends_to_the_mark(transformer):
    result, _ = transformer
    assert result.numbers["transformer_val_accuracy"] >= 0.9                       # chance is 0.5
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


def test_parameter_counts_equal_hand_computed_formulas():
    counts = {
        families.cnn(): (3 * 3 * 1 + 1) * 8 + (3 * 3 * 8 + 1) * 16 + (2 * 2 * 16 + 1) * 10,             # 1898
        families.recurrent("rnn", 60): (2 + 16 + 1) * 16 + (16 + 1),                                   # 321
        families.recurrent("lstm", 60): 4 * (2 + 16 + 1) * 16 + (16 + 1),                              # 1233
        families.transformer(60): ((2 + 1) * 16 + 60 * 16 + 4 * (16 * 16 + 16) + 2 * 2 * 16
                                   + (16 + 1) * 32 + (32 + 1) * 16 + (16 + 1)),                        # 3249
        families.autoencoder(): (64 + 1) * 32 + (32 + 1) * 8 + (8 + 1) * 32 + (32 + 1) * 64,           # 4744
        families.generator(noise_dim=4): (4 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 2,                  # 386
        families.discriminator(): (2 + 1) * 32 + (32 + 1) * 32 + (32 + 1),                             # 1185
    }
    for model, expected in counts.items():
        assert model.count_params() == expected, model.name
        rows = summary.layer_rows(model)
        assert sum(r.parameters for r in rows) == expected
        for row in rows:      # each printed formula evaluates to the layer's count
            if row.formula:
                assert eval(row.formula.replace("x", "*")) == row.parameters, (model.name, row)
            else:
                assert row.parameters == 0


def test_marked_sign_sequences():
    ds = sequences.marked_sign(seed=3, n_samples=200, length=12, lag=7, window=5)
    for x, y in ((ds.x_train, ds.y_train), (ds.x_val, ds.y_val)):
        steps = sequences.as_steps(x, 12)                               # (n, 12, [value, marker])
        assert set(np.unique(steps[:, :, 0])) == {-1.0, 1.0}
        np.testing.assert_array_equal(steps[:, :, 1].sum(axis=1), 1)    # one mark per sequence
        where = steps[:, :, 1].argmax(axis=1)
        assert where.min() >= 0 and where.max() <= 4                    # lag 7..11 before the last step
        np.testing.assert_array_equal(steps[np.arange(len(x)), where, 0] > 0, y == 1)
    again = sequences.marked_sign(seed=3, n_samples=200, length=12, lag=7, window=5)
    np.testing.assert_array_equal(again.x_train, ds.x_train)
    assert not np.array_equal(sequences.marked_sign(seed=4, n_samples=200, length=12, lag=7).x_train, ds.x_train)
    with pytest.raises(ValueError, match="lag must be an integer from 0 to length - window = 7"):
        sequences.marked_sign(length=12, lag=8)


def test_lstm_forget_gate_bias_and_seeded_builders():
    units = 16
    bias = families.recurrent("lstm", 10, forget_bias=4.0).get_layer("lstm").cell.bias.numpy()
    np.testing.assert_array_equal(bias[units:2 * units], 4.0)                     # [input, forget, cell, output]
    assert not bias[:units].any() and not bias[2 * units:].any()
    for build in (families.cnn, lambda seed: families.transformer(10, seed=seed)):
        a, b, c = build(seed=1), build(seed=1), build(seed=2)
        for va, vb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_array_equal(va, vb)
        assert any(not np.array_equal(va, vc) for va, vc in zip(a.get_weights(), c.get_weights()))


def test_losses_of_the_custom_steps_against_numpy():
    model = families.autoencoder(n_features=6, hidden=4, code=2)
    x = np.random.default_rng(0).random((5, 6)).astype(np.float32)
    expected = float(np.mean((np.asarray(model(x)) - x) ** 2))
    assert autoencoder.mean_squared_error(model, x) == pytest.approx(expected, rel=1e-6)
    assert autoencoder.mean_image_error(x, x) == pytest.approx(float(np.mean((x - x.mean(axis=0)) ** 2)), rel=1e-6)
    real = gan.target_samples(20000, seed=1)
    np.testing.assert_allclose(real.mean(axis=0), gan.TARGET_MEAN, atol=0.03)
    np.testing.assert_allclose(real.std(axis=0), gan.TARGET_STD, atol=0.03)
    assert np.corrcoef(real.T)[0, 1] == pytest.approx(gan.TARGET_CORRELATION, abs=0.02)


def test_family_flag_runs_one_family(tmp_path, capsys):
    code = day9.main(["--family", "autoencoder", "--epochs", "1", "--quiet", "--logdir", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out
    assert [p.name.split("_", 1)[1] for p in (tmp_path / day9.LESSON).iterdir()] == ["autoencoder"]
    assert "== An autoencoder" in out and "== A convolutional network" not in out and "== A GAN" not in out
    assert f"tensorboard --logdir {tmp_path / day9.LESSON}" in out


@pytest.mark.parametrize("argv, message", [
    (["--family", "rbm"], "argument --family: invalid choice: 'rbm'"),
    (["--epochs", "0"], "argument --epochs: must be a positive integer, got '0'"),
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
