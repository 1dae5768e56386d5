# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day2_mlp.py`), one a cell, in the order its `run()` calls
# them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day2_mlp as day2

# %% tags=["parameters"]
epochs = day2.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day2.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day2.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)

# %% [markdown]
# ## 1. Forward propagation, by hand
#
# A 2-2-1 sigmoid network with hand-picked weights that solve XOR: every weighted sum and activation for one
# example, then NumPy beside Keras for all four corners.

# %%
forward = lesson.record(day2.forward_by_hand())

# %% [markdown]
# ## 2. Learning XOR
#
# An MLP 2 -> 8 tanh -> 1 sigmoid, trained by the same GradientTape loop as Day 1's perceptron, which could not
# learn XOR. The code of this part builds the model and trains it:

# %%
show_code(day2.learn_xor)

# %%
day2.learn_xor(lesson)
show_figures(lesson)

# %% [markdown]
# ## 3. A bigger MLP on the two moons
#
# Two hidden layers of 16 ReLU units on `config.dataset` (the moons unless you change it).

# %%
day2.learn_dataset(lesson, data.load(config.dataset, seed=config.seed))
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day2.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day2_mlp/`. The cell below opens TensorBoard on them, here, on 127.0.0.1
# only: **Images** has the decision boundary and one tile per hidden unit at ten moments of each run (drag the
# slider), and the network drawn with its weights; **Custom Scalars** the train and validation curves side by side;
# **Text** the first update steps as tables. (From a terminal: `course tensorboard --logdir logs/day2_mlp`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day2_mlp --host 127.0.0.1
