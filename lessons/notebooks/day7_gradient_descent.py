# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day7_gradient_descent.py`), one a cell, in the order its
# `run()` calls them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs`
# is what `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day7_gradient_descent as day7

# %% tags=["parameters"]
epochs = day7.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day7.DEFAULTS.replace(epochs=epochs)
day7.check_ladder(config)                # every learning rate of part 2 is a valid one
lesson = Lesson(day7.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)
moons = data.load(config.dataset, seed=config.seed)

# %% [markdown]
# ## 1. Batch, stochastic and mini-batch gradient descent
#
# The same MLP from the same initial weights, for the same number of examples seen: all of them per step, one,
# or a mini-batch. Count the updates, watch the loss noise and the time per update. The code of this part:

# %%
show_code(day7.compare_variants)

# %%
day7.compare_variants(lesson, moons)
show_figures(lesson)

# %% [markdown]
# ## 2. The learning rate
#
# Too small, about right, too large, diverging: the diverging run is stopped at the step where the numbers
# overflow, and says so.

# %%
rates = day7.compare_learning_rates(lesson, moons)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day7.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day7_gradient_descent/`. The cell below opens TensorBoard on them, here,
# on 127.0.0.1 only: **Custom Scalars** has the three variants against the examples seen (`by_examples/*`) and the
# learning rates on a log10 scale (`log10/*`); **HParams** every run in one table. (From a terminal:
# `course tensorboard --logdir logs/day7_gradient_descent`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day7_gradient_descent --host 127.0.0.1
