"""Day 9's network families: minimal Keras models of the main kinds, with the loops of those that learn
without labels.

``builders`` (CNN, RNN/LSTM, Transformer, autoencoder, GAN generator and discriminator), ``summary``
(per-layer parameter formulas), ``sequences`` (the marked-value task), ``autoencoding`` and ``gan``
(their own GradientTape steps, run by the course's loop). The builders are importable from here, and
``autoencoding``, ``gan``, ``sequences`` and ``summary`` are part of this face (``__all__``)::

    from course import families
    model = families.cnn(seed=0)
    from course.families import gan, summary
"""
from course.families import autoencoding, gan, sequences, summary
from course.families.builders import (RECURRENT_KINDS, ForgetGateBias, PositionEmbedding, autoencoder, cnn,
                                      discriminator, generator, recurrent, transformer)

__all__ = ["RECURRENT_KINDS", "ForgetGateBias", "PositionEmbedding", "cnn", "recurrent", "transformer",
           "autoencoder", "generator", "discriminator", "autoencoding", "gan", "sequences", "summary"]
