# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day8_optimizers.py`), one a cell, in the order its `run()`
# calls them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day8_optimizers as day8

# %% tags=["parameters"]
epochs = day8.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day8.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day8.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)
tumours = data.select_features(data.load("breast_cancer", seed=config.seed), [day8.FEATURE])   # one feature

# %% [markdown]
# ## 1. Four optimizers, one model, the same start
#
# SGD, momentum, RMSprop and Adam train the same neuron from `w = 3, b = 4`: each prints its first update with the
# numbers Keras used. The code of this part:

# %%
show_code(day8.train_four)

# %%
recorders = day8.train_four(lesson, tumours)
show_figures(lesson)

# %% [markdown]
# ## 2. The first update, by hand, checked against Keras

# %%
first = day8.first_updates(lesson, recorders)

# %% [markdown]
# ## 3. Their paths over the loss surface

# %%
day8.paths_over_the_surface(lesson, tumours, recorders)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
lesson.takeaways(day8.takeaways(lesson.numbers["first_steps"]))

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day8_optimizers/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Scalars** has the four loss curves on one chart and each parameter's path, **HParams** the four
# optimizers in one table. (From a terminal: `course tensorboard --logdir logs/day8_optimizers`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day8_optimizers --host 127.0.0.1
