# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day9_network_types.py`), one a cell, in the order its `run()`
# calls them: each family trains through the `lesson` object, prints what it learned and returns its rows of the
# table that compares them. `epochs` is what `--epochs` sets from a terminal (each family trains a multiple of it:
# `day9.RECIPES`; fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day9_network_types as day9

# %% tags=["parameters"]
epochs = day9.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day9.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day9.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)
found = day9.family_data(config)         # the digits, the marked-value sequences, the GAN's real points
rows = []                                # each family's rows of the closing table

# %% [markdown]
# ## 1. A convolutional network (CNN) on handwritten digits
#
# Small 3x3 filters, the same weights at every position of the image. The code of this part:

# %%
show_code(day9.cnn_part)

# %%
rows += day9.cnn_part(lesson, found["digits"])
show_figures(lesson)

# %% [markdown]
# ## 2. Recurrent networks: an RNN and an LSTM recall a marked value
#
# A value marked near the start of a sequence must be recalled at its end: 5 steps later, or 55.

# %%
rows += day9.recurrent_part(lesson, found["gaps"])
show_figures(lesson)

# %% [markdown]
# ## 3. An autoencoder: no labels, the target is the input
#
# Each digit squeezed through 8 numbers and rebuilt: a step of its own in the course's loop.

# %%
rows += day9.autoencoder_part(lesson, found["digits"])
show_figures(lesson)

# %% [markdown]
# ## 4. A GAN imitates a 2-D distribution
#
# Two networks, two losses, two optimizers in one step: the generator learns to make points the discriminator takes
# for real ones.

# %%
rows += day9.gan_part(lesson, found["real"])
show_figures(lesson)

# %% [markdown]
# ## 5. A Transformer encoder block attends straight to the marked step

# %%
rows += day9.transformer_part(lesson, found["gaps"]["long"])
show_figures(lesson)

# %% [markdown]
# ## The families side by side

# %%
day9.side_by_side(rows)

# %% [markdown]
# ## Takeaways

# %%
lesson.takeaways(day9.takeaways(day9.FAMILIES[1:], lesson.numbers))

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day9_network_types/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Images** has the autoencoder's reconstructions and the GAN's points as they learn, **Scalars**
# every family's loss, **Graphs** each compiled training step. (From a terminal:
# `course tensorboard --logdir logs/day9_network_types`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day9_network_types --host 127.0.0.1
