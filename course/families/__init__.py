"""Day 9's network families: minimal Keras models of the main kinds, with the loops of those that learn
without labels.

``builders`` (CNN, RNN/LSTM, Transformer, autoencoder, GAN generator and discriminator), ``summary``
(per-layer parameter formulas), ``sequences`` (the marked-value task), ``autoencoding`` and ``gan``
(their own GradientTape steps and loops, logged through a ``RunLogger``). The builders are
importable from here too, as from the old ``course.families``::

    from course import families
    model = families.cnn(seed=0)
"""
from course.families.builders import (RECURRENT_KINDS, ForgetGateBias, PositionEmbedding, autoencoder, cnn,
                                      discriminator, generator, recurrent, transformer)

__all__ = ["RECURRENT_KINDS", "ForgetGateBias", "PositionEmbedding", "cnn", "recurrent", "transformer",
           "autoencoder", "generator", "discriminator"]
