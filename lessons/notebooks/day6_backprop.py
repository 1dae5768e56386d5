# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day6_backprop.py`), one a cell, in the order its `run()`
# calls them: each prints its lines and returns its numbers, kept in the `lesson` object. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day6_backprop as day6

# %% tags=["parameters"]
epochs = day6.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day6.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day6.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)

# %% [markdown]
# ## 1. Forward and backward for one example
#
# A fixed 2-3-1 network: every `z`, `a`, `delta` and gradient, by the chain rule. The code of the backward pass:

# %%
show_code(day6.backward_pass)

# %%
hand = lesson.record(day6.chain_rule_by_hand())

# %% [markdown]
# ## 2. Three ways to the same gradients
#
# By hand (NumPy), by `tf.GradientTape`, and by centered finite differences.

# %%
checked = lesson.record(day6.three_ways(hand, config.seed))

# %% [markdown]
# ## 3. What a gradient check catches
#
# Backpropagation with the sigmoid's derivative forgotten: the check says so at once.

# %%
forgotten = lesson.record(day6.forgotten_derivative(hand, checked))

# %% [markdown]
# ## 4. The same check on any model: `course.gradcheck`

# %%
moons = data.load(config.dataset, seed=config.seed)
bigger = lesson.record(day6.check_bigger_model(moons, config.seed))

# %% [markdown]
# ## 5. The loop whose step 3 we just checked
#
# The training step's `tape.gradient` is the backpropagation above; here it trains the network.

# %%
day6.train_checked_network(lesson, moons)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day6.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The run above wrote its logs to `logs/day6_backprop/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Histograms** has every layer's gradient (`gradients/<layer>/kernel`) as training goes on,
# **Images** the boundary. (From a terminal: `course tensorboard --logdir logs/day6_backprop`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day6_backprop --host 127.0.0.1
