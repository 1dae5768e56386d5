"""Where a model's parameters are: one row per layer, with the formula that counts them.

    for row in layer_rows(families.cnn()):
        print(row.name, row.output_shape, row.parameters, row.formula)
    # conv_1 8x8x8 80 (3x3x1 + 1) x 8

The formulas are the textbook ones (a Dense layer has (inputs + 1) x units parameters, an LSTM
four times an RNN's, ...); ``parameter_formula`` writes them with the layer's own sizes, and
tests check each against the number Keras counts.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course.core.runtime import keras


@dataclass(frozen=True)
class LayerRow:
    name: str            # the layer's name, e.g. "conv_1"
    kind: str            # its class, e.g. "Conv2D"
    output_shape: str    # per example, e.g. "8x8x8"
    parameters: int      # trainable scalars Keras counts
    formula: str         # how they are counted, e.g. "(3x3x1 + 1) x 8"; "" for none


def _shape(shape) -> str:
    dims = [d for d in tuple(shape)[1:]]        # drop the batch dimension
    return "x".join(str(d) for d in dims) if dims else "1"


def _inputs(layer) -> int:
    return int(layer.input.shape[-1])


def _dense_formula(layer, n_in) -> str:
    return f"({n_in} + 1) x {layer.units}" if layer.use_bias else f"{n_in} x {layer.units}"


def parameter_formula(layer) -> str:
    """The parameter count of a built layer written as a formula of its sizes ("" for none).

    Example:
        >>> parameter_formula(model.get_layer("lstm"))       # 2 inputs per step, 16 units
        '4 x (2 + 16 + 1) x 16'
    """
    L = keras.layers
    if isinstance(layer, L.TimeDistributed):
        return _dense_formula(layer.layer, _inputs(layer)) if isinstance(layer.layer, L.Dense) else ""
    if isinstance(layer, L.Dense):
        return _dense_formula(layer, _inputs(layer))
    if isinstance(layer, L.Conv2D):
        kh, kw = layer.kernel_size
        return f"({kh}x{kw}x{_inputs(layer)} + 1) x {layer.filters}"
    if isinstance(layer, L.LSTM):        # four gate-sized blocks: input, forget, cell, output
        return f"4 x ({_inputs(layer)} + {layer.units} + 1) x {layer.units}"
    if isinstance(layer, L.SimpleRNN):   # W (inputs x units), U (units x units), b (units)
        return f"({_inputs(layer)} + {layer.units} + 1) x {layer.units}"
    if isinstance(layer, L.MultiHeadAttention):   # query, key and value projections, then the output one
        d = int(layer.trainable_weights[0].shape[0])          # the query kernel is (d, heads, key_dim)
        heads = f"{layer.num_heads}x{layer.key_dim}"
        return f"3 x ({d} + 1) x {heads} + ({heads} + 1) x {d}"
    if isinstance(layer, L.LayerNormalization):
        return f"2 x {int(layer.gamma.shape[0])}"
    if not layer.trainable_weights:
        return ""
    return " + ".join(" x ".join(str(d) for d in w.shape) for w in layer.trainable_weights)


def layer_rows(model) -> list:
    """One ``LayerRow`` per layer of a built model, in order."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):     # a functional model lists its input too
            continue
        parameters = int(sum(int(np.prod(w.shape)) for w in layer.trainable_weights))
        rows.append(LayerRow(layer.name, type(layer).__name__, _shape(layer.output.shape), parameters,
                             parameter_formula(layer)))
    return rows


def format_table(model, indent="  ") -> list:
    """The rows as aligned text lines, input first and the total last."""
    rows = layer_rows(model)
    header = ("layer", "type", "output", "parameters", "= formula")
    cells = [(r.name, r.kind, r.output_shape, f"{r.parameters:,}", f"= {r.formula}" if r.formula else "")
             for r in rows]
    inputs = _shape(model.inputs[0].shape)
    cells.insert(0, (model.inputs[0].name, "Input", inputs, "", ""))
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    lines = [(indent + "  ".join(f"{h:<{w}}" if i != 3 else f"{h:>{w}}"
                                 for i, (h, w) in enumerate(zip(header, widths)))).rstrip()]
    for cell in cells:
        lines.append((indent + "  ".join(f"{c:<{w}}" if i != 3 else f"{c:>{w}}"
                                         for i, (c, w) in enumerate(zip(cell, widths)))).rstrip())
    total = sum(r.parameters for r in rows)
    lines.append(f"{indent}total: {total:,} trainable parameters")
    return lines


def describe(model) -> str:
    """A one-line description: ``pixels 64 -> image 8x8x1 -> conv_1 8x8x8 -> ... -> output 10``."""
    parts = [f"{model.inputs[0].name} {_shape(model.inputs[0].shape)}"]
    parts += [f"{row.name} {row.output_shape}" for row in layer_rows(model)]
    return " -> ".join(parts)
