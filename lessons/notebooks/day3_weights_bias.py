# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day3_weights_bias.py`), one a cell, in the order its
# `run()` calls them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs`
# is what `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day3_weights_bias as day3

# %% tags=["parameters"]
epochs = day3.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day3.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day3.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)
blobs = day3.away_from_origin(data.blobs(seed=config.seed))     # two blobs, moved away from the origin

# %% [markdown]
# ## 1. What w and b do to one neuron
#
# Where does `sigmoid(w*x + b)` switch on? At `x = -b/w`: the weight sets how sharply, the bias where.

# %%
day3.what_w_and_b_do(lesson)

# %% [markdown]
# ## 2. A perceptron without and with a bias
#
# Without `b` the boundary line must pass through the origin, and these blobs lie away from it.

# %%
day3.bias_or_not(lesson, blobs)
show_figures(lesson)

# %% [markdown]
# ## 3. Gradient descent by hand, and the loop's own steps
#
# One neuron, four points: the loss, `dL/dw`, `dL/db` and `w_new = w - lr * dL/dw` computed by hand, beside the
# steps the GradientTape loop takes from the same start. The code of this part:

# %%
show_code(day3.descent_by_hand)

# %%
day3.descent_by_hand(lesson)
show_figures(lesson)

# %% [markdown]
# ## The figures: the neuron's response, and both boundaries

# %%
day3.draw(lesson, blobs)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day3.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day3_weights_bias/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Scalars** has one curve per parameter (`parameters/output/kernel[0,0]`, ...) from its initial
# value on, **Images** the two boundaries as they move. (From a terminal:
# `course tensorboard --logdir logs/day3_weights_bias`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day3_weights_bias --host 127.0.0.1
