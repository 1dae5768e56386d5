# %% [markdown]
# ## Setup
#
# The notebook calls the lesson's own parts (`lessons/day10_distributed.py`), one a cell, in the order its `run()`
# calls them: each prints its lines, trains through the `lesson` object and returns its numbers. `epochs` is what
# `--epochs` sets from a terminal (fewer run faster); every other setting is the lesson's default, in `config`.
#
# One thing must come first: the two devices. Without two GPUs, the CPU is split into two logical devices, which
# TensorFlow allows only before it runs anything. Restart the kernel if the cell below says it came too late.

# %%
from course import data, distribute
from course.notebooks import show_code, show_figures
from course.runs import Lesson
from lessons import day10_distributed as day10

strategy = distribute.mirrored_strategy(day10.REPLICAS)     # 2 GPUs, or the CPU split into 2 logical devices

# %% tags=["parameters"]
epochs = day10.DEFAULTS.epochs       # passes over the training data (the lesson's default)

# %%
config = day10.DEFAULTS.replace(epochs=epochs)
lesson = Lesson(day10.LESSON, config)     # the lesson's name, its settings, and the runs and numbers it makes
print(config)
moons = data.load(config.dataset, seed=config.seed)

# %% [markdown]
# ## 1. What a replica is

# %%
day10.what_a_replica_is(lesson, moons, strategy)

# %% [markdown]
# ## 2. One step, replica by replica
#
# The global batch split in two halves: each replica's loss and gradient on its half, and the all-reduce that sums
# them into the one-device gradient. The code of this part:

# %%
show_code(day10.first_step_by_replica)

# %%
step = day10.first_step_by_replica(lesson, moons, strategy)

# %% [markdown]
# ## 3. One device, two replicas, two worker processes
#
# The same MLP trained three ways from the same start. The two workers are processes on 127.0.0.1, in a private
# network of their own where this machine allows it (TensorFlow's worker servers listen on every interface).

# %%
day10.train_three_ways(lesson, moons, strategy)
show_figures(lesson)

# %% [markdown]
# ## Takeaways

# %%
day10.takeaways(lesson)

# %% [markdown]
# ## TensorBoard, inside the notebook
#
# The runs above wrote their logs to `logs/day10_distributed/`. The cell below opens TensorBoard on them, here, on
# 127.0.0.1 only: **Scalars** has the three runs' losses on one chart (they lie on top of each other), **Text**
# each replica's share of the first step. (From a terminal: `course tensorboard --logdir logs/day10_distributed`.)

# %% tags=["tensorboard"]
# %load_ext tensorboard
# %tensorboard --logdir logs/day10_distributed --host 127.0.0.1
