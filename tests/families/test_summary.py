"""course.families.summary: each layer's parameter count written as a formula, checked by evaluating the
formula and against Keras's own count."""
import pytest

from course.core.models import mlp, perceptron
from course.families import builders as families
from course.families import summary


@pytest.mark.parametrize("build", [
    families.cnn, lambda: families.recurrent("rnn", 60), lambda: families.recurrent("lstm", 60),
    lambda: families.transformer(60), families.autoencoder, lambda: families.generator(noise_dim=4),
    families.discriminator, lambda: mlp(2, hidden=(3,), use_bias=False),
])
def test_each_printed_formula_evaluates_to_the_layers_keras_count(build):
    model = build()
    rows = summary.layer_rows(model)
    assert sum(r.parameters for r in rows) == model.count_params()
    for row, layer in zip(rows, [l for l in model.layers if type(l).__name__ != "InputLayer"]):
        assert row.name == layer.name and row.kind == type(layer).__name__
        assert row.parameters == sum(int(w.numpy().size) for w in layer.trainable_weights)
        if row.formula:
            assert eval(row.formula.replace("x", "*")) == row.parameters, (model.name, row)
        else:
            assert row.parameters == 0


def test_the_formulas_read_as_the_textbook_ones():
    by_name = {r.name: r for r in summary.layer_rows(families.cnn())}
    assert (by_name["conv_1"].output_shape, by_name["conv_1"].formula) == ("8x8x8", "(3x3x1 + 1) x 8")
    assert by_name["pool_1"].formula == "" and by_name["output"].formula == "(64 + 1) x 10"
    lstm = summary.layer_rows(families.recurrent("lstm", 60))
    assert lstm[1].formula == "4 x (2 + 16 + 1) x 16"
    attention = {r.name: r for r in summary.layer_rows(families.transformer(60))}
    assert attention["attention"].formula == "3 x (16 + 1) x 2x8 + (2x8 + 1) x 16"
    assert attention["norm_1"].formula == "2 x 16" and attention["positions"].formula == "60 x 16"
    assert attention["embed"].formula == "(2 + 1) x 16" and attention["ff_1"].formula == "(16 + 1) x 32"
    assert attention["embed"].output_shape == "60x16"
    assert summary.layer_rows(mlp(2, hidden=(3,), use_bias=False))[0].formula == "2 x 3"


def test_format_table_and_describe():
    lines = summary.format_table(perceptron(2))
    assert lines == ["  layer     type   output  parameters  = formula",
                     "  features  Input  2",
                     "  output    Dense  1                3  = (2 + 1) x 1",
                     "  total: 3 trainable parameters"]
    assert summary.describe(families.cnn()) == ("pixels 64 -> image 8x8x1 -> conv_1 8x8x8 -> pool_1 4x4x8 -> conv_2 "
                                                "4x4x16 -> pool_2 2x2x16 -> flatten 64 -> output 10")
    assert summary.format_table(families.cnn(), indent="")[-1] == "total: 1,898 trainable parameters"
