# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day5_softmax.py`), one a cell, in the order its `run()` calls
# them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.

# %%
from course import data
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day5_softmax as day5

# %% tags=["parameters"]
epochs = day5.DEFAULTS.epochs        # passes over the training data (the lesson's default)

# %%
config = day5.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day5.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)

# %% [markdown]
# ## 1. Softmax, one operation at a time
#
# Three logits, their exponentials, the sum, the division: probabilities that sum to 1.

# %%
softmax = lesson.record(day5.softmax_by_hand())

# %% [markdown]
# ## 2. Why subtract the largest logit
#
# The same logits shifted by 994.9: `exp(1000)` overflows; subtracting the maximum first gives the same softmax.

# %%
overflow = lesson.record(day5.overflow(softmax["softmax_p"]))

# %% [markdown]
# ## 3. Categorical cross-entropy, by hand
#
# The loss is `-log` of the probability given to the true class.

# %%
cross_entropy = lesson.record(day5.cross_entropy_by_hand(softmax["softmax_p"]))

# %% [markdown]
# ## 4. A softmax classifier on iris
#
# One output unit per class, no hidden layer: softmax regression, trained by the GradientTape loop, beside
# scikit-learn's `LogisticRegression` on the same split, with its confusion matrix. The code of this part:

# %%
show_code(day5.classify)

# %%
iris = day5.classify(lesson, data.load("iris", seed=config.seed), 4)
show_figures(lesson)

# %% [markdown]
# ## 5. The same on handwritten digits
#
# 8x8 pixels, ten classes.

# %%
digits = day5.classify(lesson, data.load("digits", seed=config.seed), 5)
show_figures(lesson)

# %% [markdown]
# ## 6. Which output layer for which task

# %%
day5.output_layers(6)

# %% [markdown]
# ## Takeaways

# %%
day5.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day5_softmax/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Custom Scalars** has the train and validation curves of iris and digits, **Images** the
# confusion matrices. (From a terminal: `course tensorboard --logdir logs/day5_softmax`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day5_softmax --host 127.0.0.1
