"""course.families.builders: the CNN, RNN/LSTM, Transformer, autoencoder and GAN networks: parameter counts
against hand-computed formulas, shapes, seeds, and the layers of our own against NumPy."""
import numpy as np
import pytest

from course.families import builders as families


def test_parameter_counts_equal_hand_computed_formulas():
    counts = [
        (families.cnn(), (3 * 3 * 1 + 1) * 8 + (3 * 3 * 8 + 1) * 16 + (2 * 2 * 16 + 1) * 10),             # 1898
        (families.recurrent("rnn", 60), (2 + 16 + 1) * 16 + (16 + 1)),                                   # 321
        (families.recurrent("lstm", 60), 4 * (2 + 16 + 1) * 16 + (16 + 1)),                              # 1233
        (families.transformer(60), ((2 + 1) * 16 + 60 * 16 + 4 * (16 * 16 + 16) + 2 * 2 * 16
                                    + (16 + 1) * 32 + (32 + 1) * 16 + (16 + 1))),                        # 3249
        (families.autoencoder(), (64 + 1) * 32 + (32 + 1) * 8 + (8 + 1) * 32 + (32 + 1) * 64),           # 4744
        (families.generator(noise_dim=4), (4 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 2),                  # 386
        (families.discriminator(), (2 + 1) * 32 + (32 + 1) * 32 + (32 + 1)),                             # 1185
    ]
    for model, expected in counts:
        assert model.count_params() == expected, model.name


def test_shapes_flat_in_and_the_familys_view_inside():
    cnn = families.cnn()
    assert (cnn.input_shape, cnn.output_shape) == ((None, 64), (None, 10))
    x = np.arange(2 * 64, dtype=np.float32).reshape(2, 64)
    np.testing.assert_array_equal(cnn.get_layer("image")(x).numpy(), x.reshape(2, 8, 8, 1))   # the flat pixels, as an image
    rnn = families.recurrent("rnn", length=40)
    assert (rnn.input_shape, rnn.output_shape) == ((None, 80), (None, 1))
    assert rnn.get_layer("steps").output.shape[1:] == (40, 2)
    assert families.transformer(40, n_outputs=3).output_shape == (None, 3)
    assert families.autoencoder().get_layer("code").units == 8
    assert families.generator(noise_dim=4).output_shape == (None, 2)
    assert families.discriminator().output_shape == (None, 1)
    probabilities = cnn(x).numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)        # softmax over 10 digits


def test_lstm_forget_gate_bias_and_seeded_builders():
    units = 16
    bias = families.recurrent("lstm", 10, forget_bias=4.0).get_layer("lstm").cell.bias.numpy()
    np.testing.assert_array_equal(bias[units:2 * units], 4.0)                     # [input, forget, cell, output]
    assert not bias[:units].any() and not bias[2 * units:].any()
    assert families.ForgetGateBias(2.5).get_config() == {"value": 2.5}
    for build in (families.cnn, lambda seed: families.transformer(10, seed=seed),
                  lambda seed: families.recurrent("lstm", 5, seed=seed), families.autoencoder):
        a, b, c = build(seed=1), build(seed=1), build(seed=2)
        for va, vb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_array_equal(va, vb)
        assert any(not np.array_equal(va, vc) for va, vc in zip(a.get_weights(), c.get_weights()))


def test_position_embedding_adds_one_learned_vector_per_position():
    layer = families.PositionEmbedding(seed=3)
    x = np.random.default_rng(0).normal(size=(2, 5, 4)).astype(np.float32)
    out = layer(x).numpy()
    (embeddings,) = layer.get_weights()
    assert embeddings.shape == (5, 4)
    np.testing.assert_allclose(out, x + embeddings, rtol=1e-6)
    assert 0.01 < embeddings.std() < 0.3                                          # RandomNormal(stddev=0.1)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="kind must be one of rnn, lstm; got 'gru'"):
        families.recurrent("gru", 10)
    with pytest.raises(ValueError, match="d_model must be a multiple of heads, got d_model=10, heads=3"):
        families.transformer(10, d_model=10, heads=3)
    with pytest.raises(ValueError, match="length must be a positive integer"):
        families.recurrent("rnn", 0)
    with pytest.raises(ValueError, match="seed must be an integer"):
        families.cnn(seed=-1)
    assert families.RECURRENT_KINDS == ("rnn", "lstm")
    np.testing.assert_array_equal(np.asarray(families.ForgetGateBias(3.0)((8,))), [0, 0, 3, 3, 0, 0, 0, 0])


def test_the_transformers_per_step_layers_apply_the_same_weights_at_every_step():
    # a Dense layer on (batch, steps, features): every step x_t @ W + b, as NumPy computes it step by step
    import keras
    model = families.transformer(7, seed=3)
    x = np.random.default_rng(0).normal(size=(4, 14)).astype(np.float32)
    steps = x.reshape(4, 7, 2)
    embed = model.get_layer("embed")
    W, b = (w.numpy() for w in embed.weights)
    inner = keras.Model(model.input, embed.output)
    expected = np.stack([steps[:, t] @ W + b for t in range(7)], axis=1)          # (4, 7, 16)
    np.testing.assert_allclose(inner(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert not any(isinstance(layer, keras.layers.TimeDistributed) for layer in model.layers)
