"""Day 2's MLP as a Keras model, built to a specification: a TensorFlow exercise (the learner's code runs in the
worker only), checked against the specification in NumPy (``course.exercises.tfmodels``); the typical mistakes
are recognised by the layers the model has.
"""
from __future__ import annotations

import numpy as np

from course.exercises import tfmodels
from course.exercises.exercise import TF_IMPORTS, TF_SECONDS, Example, Exercise, Mistake

# --- the MLP to a specification ------------------------------------------------------------------------------

def _model_cases(rng):
    return [dict(n_features=2, hidden=(3,), activation="sigmoid", x=rng.normal(size=(4, 2)), seed=0),
            dict(n_features=3, hidden=(4, 2), activation="relu", x=rng.normal(size=(5, 3)), seed=1)]


def _first_difference(actual, expected, field):
    """(got, want, layer name) of the first layer whose ``field`` (index) differs from the specification's."""
    for got, want in zip(actual[0], expected[0]):
        if got[field] != want[field]:
            return {"got": got[field], "want": want[field], "layer": want[0]}
    return None


def _same_but(actual, expected, field):
    """The layers equal the specification's in every field but ``field``, where they differ."""
    a, e = actual[0], expected[0]
    return len(a) == len(e) and all(x[:field] + x[field + 1:] == y[:field] + y[field + 1:] for x, y in zip(a, e)) \
        and _first_difference(actual, expected, field)


def _not_a_model(case, actual, expected):
    kind = actual[0][1]
    return actual[0][0] == tfmodels.NOT_A_MODEL and {"what": "None" if kind == "NoneType" else f"a {kind}"}


def _extra_kind(case, actual, expected):
    kinds = [layer[1] for layer in actual[0]]
    return "Activation" in kinds and {"layer": actual[0][kinds.index("Activation")][0]}


def _learner_mlp(n_features, hidden, activation, *, names=True, output="sigmoid", last=None, use_input=True,
                 bias=True, activation_layer=False):
    """A learner's model builder, right or with one mistake (the catalogue's examples)."""
    from course.core.runtime import keras
    layers = [keras.Input(shape=(n_features,))] if use_input else []
    for i, units in enumerate(hidden, start=1):
        name = f"hidden_{i}" if names else None
        if activation_layer:
            layers += [keras.layers.Dense(units, name=name), keras.layers.Activation(activation)]
        else:
            layers.append(keras.layers.Dense(units, activation=activation if i < len(hidden) or last is None
                                             else last, name=name, use_bias=bias))
    layers.append(keras.layers.Dense(1, activation=output, name="output" if names else None, use_bias=bias))
    return keras.Sequential(layers)


KERAS_MLP = Exercise(
    id="day2.keras_mlp", title="Day 2's MLP as a Keras model, to a specification", function="mlp_model",
    outputs=("layers", "parameters", "p"), cases=_model_cases, oracle=tfmodels.specified, drive=tfmodels.describe,
    tensorflow=True, seconds=TF_SECONDS, imports=TF_IMPORTS, rtol=1e-5, atol=1e-7, keeps_inputs=False,
    mistakes=(
        Mistake("not_a_model", "your function returned {what}, not a Keras model: build one with "
                "keras.Sequential([...]) and return it", lambda n_features, hidden, activation: None,
                when=_not_a_model),
        Mistake("no_input", "the model has no weights yet: Keras makes them once it knows the input size, so begin "
                "the layers with keras.Input(shape=(n_features,))",
                lambda n_features, hidden, activation: _learner_mlp(n_features, hidden, activation, use_input=False),
                when=lambda case, actual, expected: actual[1] == -1 and actual[0][0][0] != tfmodels.NOT_A_MODEL),
        Mistake("names", "layer {layer} is named {got!r}: the course names its layers hidden_1, hidden_2, ..., "
                "output (name=...), the names its TensorBoard tags and printed steps use",
                lambda n_features, hidden, activation: _learner_mlp(n_features, hidden, activation, names=False),
                when=lambda case, actual, expected: _same_but(actual, expected, 0)),
        Mistake("activation_layer", "the model has an Activation layer ({layer!r}): give the activation to the "
                "Dense layer itself (Dense(units, activation=...)), as the course's models do",
                lambda n_features, hidden, activation: _learner_mlp(n_features, hidden, activation,
                                                                    activation_layer=True), when=_extra_kind),
        Mistake("output_activation", "the output layer's activation is {got!r}: one sigmoid unit gives the "
                "probability of class 1", lambda n_features, hidden, activation: _learner_mlp(
                    n_features, hidden, activation, output=None),
                when=lambda case, actual, expected: (_same_but(actual, expected, 3) or {}).get("layer") == "output"
                and _same_but(actual, expected, 3)),
        Mistake("hidden_activation", "{layer}'s activation is {got!r} where the specification says {want!r}",
                lambda n_features, hidden, activation: _learner_mlp(n_features, hidden, activation, last="linear"),
                when=lambda case, actual, expected: _same_but(actual, expected, 3)),
        Mistake("input_size", "the model takes {got} features where the specification says {want}: "
                "keras.Input(shape=(n_features,))", lambda n_features, hidden, activation: _learner_mlp(
                    n_features + 1, hidden, activation),
                when=lambda case, actual, expected: (_same_but(actual, expected, 2) or {}).get("layer") == "input"
                and _same_but(actual, expected, 2)),
        Mistake("units", "{layer} has {got} units where the specification says {want}: Dense(units) is the "
                "layer's output size", lambda n_features, hidden, activation: _learner_mlp(
                    n_features, tuple(reversed(hidden)), activation),
                when=lambda case, actual, expected: _same_but(actual, expected, 2)),
        Mistake("bias", "{layer} has no bias (use_bias=False): each unit needs one, z = x @ W + b",
                lambda n_features, hidden, activation: _learner_mlp(n_features, hidden, activation, bias=False),
                when=lambda case, actual, expected: _same_but(actual, expected, 4)),
    ),
    hints=("A keras.Sequential model is a list of layers run one after the other. Its first entry, "
           "keras.Input(shape=(n_features,)), tells Keras the input size, so the weights exist at once.",
           "One keras.layers.Dense(units, activation=..., name=...) per hidden layer, named hidden_1, hidden_2, ... "
           "in order; then the output layer: one unit, named output.",
           "keras.Sequential([keras.Input(shape=(n_features,))] + [keras.layers.Dense(units, activation=activation, "
           "name=f'hidden_{i}') for i, units in enumerate(hidden, start=1)] + [keras.layers.Dense(1, "
           "activation='sigmoid', name='output')])."),
    heading="Day 2's MLP in Keras",
    task="Build the multi-layer perceptron of Day 2 as a Keras model: n_features inputs, one Dense layer per entry "
         "of hidden with that many units and the given activation, then one sigmoid unit, the probability of "
         "class 1. Name the layers as the course does (hidden_1, hidden_2, ..., output): the course's TensorBoard "
         "tags and printed update steps are named after them.",
    args=(("n_features", "the input size: the model takes (batch, n_features) inputs"),
          ("hidden", "the hidden layers' sizes, a tuple such as (16, 16)"),
          ("activation", "the hidden layers' activation, a Keras name such as 'relu' or 'sigmoid'")),
    returns="a keras.Model from (batch, n_features) inputs to (batch, 1) probabilities",
    example=Example("[(layer.name, layer.units) for layer in model.layers]",
                    "[('hidden_1', 16), ('hidden_2', 16), ('output', 1)]",
                    "# and model.count_params() is 337", setup=("model = mlp_model(2, (16, 16), 'relu')",)),
    trap="a keras.Sequential without keras.Input has no weights until it is first called: count_params() and "
         "model.weights then have nothing to show.",
    solution="""layers = [keras.Input(shape=(n_features,))]          # (batch, n_features)
for i, units in enumerate(hidden, start=1):             # (batch, ...) -> (batch, units)
    layers.append(keras.layers.Dense(units, activation=activation, name=f"hidden_{i}"))
layers.append(keras.layers.Dense(1, activation="sigmoid", name="output"))   # -> (batch, 1)
return keras.Sequential(layers)""",
    shown=("layers", "parameters"))

EXERCISES = (KERAS_MLP,)
