# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day1_perceptron.py`), one a cell, in the order its
# `run()` calls them: each prints its lines, trains through the `lesson` object and returns its numbers.
# `epochs` is what `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's
# default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from course.training import train_step
from lessons import day1_perceptron as day1

# %% tags=["parameters"]
epochs = day1.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day1.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day1.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)

# %% [markdown]
# ## The training step
#
# Every lesson trains with this one function, the course's GradientTape step: record the forward pass, measure the
# loss, backpropagate (`tape.gradient`: dL/dw for every w), update (`w <- w - lr * dL/dw`).

# %%
show_code(train_step)

# %% [markdown]
# ## 1. A perceptron on two blobs
#
# One sigmoid neuron, `p = sigmoid(w1*x1 + w2*x2 + b)`: three parameters. The part below builds it, trains it
# with the step above, prints the first update steps with their numbers (check one on a calculator), then the
# line it learned. Its code:

# %%
show_code(day1.separate_blobs)

# %%
day1.separate_blobs(lesson, data.load("blobs", seed=config.seed))
show_figures(lesson)

# %% [markdown]
# ## 2. The same neuron on real data
#
# 30 measurements of breast-cancer cells, malignant or benign: the same neuron, beside scikit-learn's classic
# `Perceptron` on the same split.

# %%
day1.real_data(lesson, data.load("breast_cancer", seed=config.seed))
show_figures(lesson)

# %% [markdown]
# ## 3. The perceptron on XOR
#
# Four corners, the classes on opposite ones: no straight line separates them. Watch the neuron give up.

# %%
day1.fail_on_xor(lesson, data.load("xor", seed=config.seed))
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day1.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# Every run above wrote its logs to `logs/day1_perceptron/`, one folder a run. The cell below opens TensorBoard on
# them, here, on 127.0.0.1 only: **Scalars** has `batch_loss` for every update step and one curve per weight,
# **Images** the decision boundary moving as the neuron learns (drag the slider), **Text** the first update steps
# as tables. (From a terminal: `course tensorboard --logdir logs/day1_perceptron`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day1_perceptron --host 127.0.0.1
