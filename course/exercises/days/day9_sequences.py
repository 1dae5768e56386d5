"""Day 9's exercises for the sequence models: one LSTM step with Keras's gate order, and scaled dot-product
attention, one head. The oracles are the course's NumPy layers (``course.reference.networks``), tested against
Keras's LSTMCell and MultiHeadAttention with the same weights."""
from __future__ import annotations

import numpy as np

from course.exercises.exercise import Example, Exercise, Mistake
from course.reference import networks
from course.reference.activations import sigmoid, softmax


def _lstm_cases(rng):
    return [dict(x=np.array([[1.0, -1.0]]), h=np.array([[0.5, 0.0]]), c=np.array([[1.0, -0.5]]),
                 kernel=np.linspace(-1, 1, 16).reshape(2, 8), recurrent_kernel=np.linspace(1, -1, 16).reshape(2, 8),
                 bias=np.linspace(-0.5, 0.5, 8)),
            dict(x=rng.normal(size=(3, 3)), h=rng.normal(size=(3, 4)), c=rng.normal(size=(3, 4)),
                 kernel=rng.normal(size=(3, 16)), recurrent_kernel=rng.normal(size=(4, 16)), bias=rng.normal(size=16))]


def _lstm_variant(x, h, c, kernel, recurrent_kernel, bias, *, order="ifco", candidate=np.tanh, read=np.tanh,
                  swap=False, recurrent=True):
    z = x @ kernel + (h @ recurrent_kernel if recurrent else 0) + bias
    gates = dict(zip(order, np.split(z, 4, axis=-1)))
    i, f, g, o = sigmoid(gates["i"]), sigmoid(gates["f"]), candidate(gates["c"]), sigmoid(gates["o"])
    c_new = i * c + f * g if swap else f * c + i * g
    return o * read(c_new), c_new


def _lstm(**how):
    return lambda **case: _lstm_variant(**case, **how)


LSTM_STEP = Exercise(
    id="day9.lstm_step", title="one step of an LSTM cell, with Keras's gate order", function="lstm_step",
    outputs=("h_new", "c_new"), cases=_lstm_cases, oracle=networks.lstm_step,
    mistakes=(
        Mistake("gate_order", "the gates are in the wrong blocks: Keras lays z out as input, forget, candidate "
                "(cell), output, each units wide: the candidate is z[:, 2 units:3 units]", _lstm(order="ifoc")),
        Mistake("swapped_gates", "the forget and input gates are swapped: c' = f * c + i * g keeps f of the old "
                "cell and writes i of the candidate", _lstm(swap=True)),
        Mistake("candidate_sigmoid", "the candidate g goes through tanh (values in (-1, 1)), not the sigmoid: only "
                "the gates i, f, o are sigmoids", _lstm(candidate=sigmoid)),
        Mistake("no_tanh", "h' = o * tanh(c'): the new cell state goes through tanh before the output gate reads it",
                _lstm(read=lambda v: v)),
        Mistake("recurrent", "the previous hidden state is left out: z = x @ kernel + h @ recurrent_kernel + bias",
                _lstm(recurrent=False)),
    ),
    hints=("All four gates come from one matrix product of the input and the previous hidden state with their "
           "weights, plus the bias, (n, 4 units); split it into four blocks of units columns.",
           "Keras's blocks are, in order: the input gate i, the forget gate f, the candidate g, the output gate o. "
           "i, f and o are sigmoids (0 to 1: how much), g a tanh (the new content).",
           "i, f, g, o = np.split(z, 4, axis=-1); c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g); h_new = "
           "sigmoid(o) * np.tanh(c_new)."),
    heading="one LSTM step",
    task="Compute one step of keras.layers.LSTMCell with the given weights: from this step's input x and the "
         "previous hidden state h and cell state c, the four gates, the new cell state c' (what the forget gate keeps "
         "of c, plus what the input gate writes of the candidate) and the new hidden state h' (what the output gate "
         "reads of tanh(c')).",
    args=(("x", "(n, d) this step's inputs"), ("h", "(n, units) the previous hidden state"),
          ("c", "(n, units) the previous cell state"), ("kernel", "(d, 4 units) the input weights, LSTMCell.kernel"),
          ("recurrent_kernel", "(units, 4 units) the recurrent weights"), ("bias", "(4 units,) the biases")),
    returns="(h_new, c_new), each (n, units)",
    example=Example("lstm_step(np.ones((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.zeros((1, 4)), np.zeros((1, 4)), "
                    "np.zeros(4))", "(array([[0.23105858]]), array([[0.5]]))",
                    "# every gate 0.5, g = 0: c' = 0.5 x 1 + 0.5 x 0"),
    trap="the four gates' order in kernel is Keras's own, [input, forget, candidate, output]: with another order "
         "every shape still fits.",
    solution="""z = x @ kernel + h @ recurrent_kernel + bias      # (n, 4 units)
i, f, g, o = np.split(z, 4, axis=-1)              # Keras's order: input, forget, candidate, output
sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))      # noqa: E731
c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)  # keep some of c, write some of g
return sigmoid(o) * np.tanh(c_new), c_new""")


def _attention_cases(rng):
    return [dict(q=np.array([[1.0, 0.0]]), k=np.array([[1.0, 0.0], [0.0, 1.0]]), v=np.array([[1.0, 2.0], [3.0, 4.0]])),
            dict(q=rng.normal(size=(3, 4)), k=rng.normal(size=(5, 4)), v=rng.normal(size=(5, 2))),
            dict(q=rng.normal(size=(2, 4)) * 300, k=rng.normal(size=(3, 4)) * 300, v=rng.normal(size=(3, 2)))]


def _attended(scale=None, axis=-1, stable=True):
    def attention(q, k, v):
        scores = q @ k.T / (np.sqrt(q.shape[-1]) if scale is None else scale(q.shape[-1]))
        if stable:
            weights = softmax(scores, axis=axis)
        else:
            with np.errstate(all="ignore"):
                weights = np.exp(scores) / np.exp(scores).sum(axis=axis, keepdims=True)
        return weights @ v, weights
    return attention


ATTENTION = Exercise(
    id="day9.attention", title="scaled dot-product attention, one head", function="attention",
    outputs=("output", "weights"), cases=_attention_cases, oracle=networks.attention,
    mistakes=(
        Mistake("no_scale", "the scores are not scaled: divide q k^T by sqrt(d), or the softmax saturates as d grows",
                _attended(scale=lambda d: 1.0)),
        Mistake("scale_d", "you divided by d: the scale is sqrt(d), the square root of the keys' size",
                _attended(scale=lambda d: d)),
        Mistake("axis", "each query's weights must sum to 1 over the keys: the softmax runs along each row "
                "(axis=-1), not down the columns", _attended(axis=0)),
        Mistake("overflow", "exp of large scores overflowed: subtract each row's largest score before exp, as "
                "Day 5's softmax does", _attended(stable=False)),
    ),
    hints=("Each query scores every key by a dot product; the softmax of a query's scores says how much of each "
           "key's value it takes.",
           "q @ k.T is (n_q, n_k): row i holds query i's scores. Divide by sqrt(d), then a softmax along each row.",
           "weights = softmax(q @ k.T / np.sqrt(d)) row by row (subtract each row's max first); output = weights @ v."),
    heading="scaled dot-product attention",
    task="Compute one attention head, what a Transformer's MultiHeadAttention does between its projections: every "
         "query scores every key by their dot product scaled by 1/sqrt(d), the scores of each query become weights "
         "by a softmax over the keys, and the query's output is the weighted mean of the values.",
    args=(("q", "(n_q, d) queries"), ("k", "(n_k, d) keys"), ("v", "(n_k, d_v) values")),
    returns="(output, weights): output (n_q, d_v), weights (n_q, n_k) with each row summing to 1",
    example=Example("attention(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), "
                    "np.array([[1.0, 2.0], [3.0, 4.0]]))[1]", "array([[0.66976155, 0.33023845]])",
                    "# softmax([1, 0] / sqrt(2))"),
    trap="scores of a few hundred overflow exp: subtract each row's largest score first.",
    solution="""scores = q @ k.T / np.sqrt(q.shape[-1])               # (n_q, d) @ (d, n_k) -> (n_q, n_k)
e = np.exp(scores - scores.max(axis=-1, keepdims=True))  # stable: the largest exponent is 0
weights = e / e.sum(axis=-1, keepdims=True)             # each query's weights sum to 1
return weights @ v, weights                             # (n_q, n_k) @ (n_k, d_v)""")

EXERCISES = (LSTM_STEP, ATTENTION)
