# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day4_activations.py`), one a cell, in the order its `run()`
# calls them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day4_activations as day4

# %% tags=["parameters"]
epochs = day4.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day4.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day4.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)

# %% [markdown]
# ## 1. Eight activation functions
#
# Each one's formula, range, derivative and use, its values at a few points, and NumPy beside Keras.

# %%
day4.activation_tour(lesson)

# %% [markdown]
# ## 2. Why non-linearity
#
# Two Dense layers with no activation are one Dense layer: one straight line. The same network with ReLU bends
# its boundary. The code of this part:

# %%
show_code(day4.why_nonlinearity)

# %%
day4.why_nonlinearity(lesson, data.load(config.dataset, seed=config.seed))
show_figures(lesson)

# %% [markdown]
# ## 3. Vanishing gradients
#
# Eight hidden layers, untrained: how large is the gradient of each layer's weights, with sigmoid and with ReLU?

# %%
day4.vanishing_gradients(lesson, data.moons(seed=config.seed))

# %% [markdown]
# ## The figures: every activation with its derivative, and the gradient per layer

# %%
day4.draw(lesson)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day4.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day4_activations/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Images** has the linear network's straight boundary beside ReLU's bent one, and the figures;
# **Histograms** the weights of each layer. (From a terminal: `course tensorboard --logdir logs/day4_activations`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day4_activations --host 127.0.0.1
