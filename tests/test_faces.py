"""The faces (course/config.py, data.py, models.py, training.py, plots.py, gradcheck.py, experiment.py) and the
``course`` package's map: thin re-exports of the house below them, the README's example as written, and every
earlier module name gone (``from course import numpy_ref`` is an ImportError)."""
import ast
import importlib
import inspect
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

import course
from tests.helpers import ROOT, python

FACES = ("config", "data", "models", "training", "plots", "gradcheck", "experiment")


def _imports(face):
    """{name: module it is imported from}, reading the face's source."""
    tree = ast.parse((ROOT / "course" / f"{face}.py").read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names.update({alias.asname or alias.name: node.module for alias in node.names})
    return tree, names


@pytest.mark.parametrize("face", FACES)
def test_a_face_only_re_exports_names_of_the_modules_below_it(face):
    tree, imported = _imports(face)
    for node in tree.body:                       # a docstring, imports and __all__: no code of its own
        assert isinstance(node, (ast.Expr, ast.ImportFrom, ast.Import)) or (
            isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["__all__"]), ast.dump(node)[:80]
    module = importlib.import_module(f"course.{face}")
    assert sorted(module.__all__) == sorted(imported)          # every name it imports is public, and only those
    for name, source in imported.items():
        assert source.startswith("course.") and source.count(".") >= 2 or source == "course.checks", source
        assert getattr(module, name) is getattr(importlib.import_module(source), name), name
    assert getattr(course, face) is module                      # course.config is the face


def test_the_faces_name_the_objects_the_readme_names():
    from course import config, data, experiment, gradcheck, models, plots, training
    from course.core import datasets, gradients, step
    from course.core import config as core_config
    from course.engine import loop
    from course.pictures import plots as picture_plots
    from course.runs import experiment as runs_experiment
    assert config.Config is core_config.Config and data.load is datasets.load
    assert models.mlp is importlib.import_module("course.core.models").mlp
    assert training.fit is loop.fit and training.train_step is step.train_step
    assert plots.decision_boundary is picture_plots.decision_boundary
    assert gradcheck.gradient_check is gradients.gradient_check
    assert experiment.train_and_log is runs_experiment.train_and_log


EARLIER_NAMES = ("activations", "autoencoder", "diagram", "distributed", "events", "figures", "gan",
                 "generative_plots", "layer_gradients", "multiworker", "neuron", "numpy_ref", "optimizers", "png",
                 "records", "runtime", "sequences", "snapshots", "summary", "tblog")   # no released version had them


def test_the_package_map_lists_every_face_and_refuses_other_names():
    for name in course._SUBMODULES:
        assert getattr(course, name) is importlib.import_module(f"course.{name}")
        assert (ROOT / "course" / name).is_dir() or (ROOT / "course" / f"{name}.py").is_file()
    assert set(course._SUBMODULES) <= set(dir(course))
    with pytest.raises(AttributeError, match="module 'course' has no attribute 'nope'"):
        course.nope  # noqa: B018
    for name in ("nope", *EARLIER_NAMES):       # `from course import optimizers` no longer gives the NumPy rules
        with pytest.raises(ImportError):
            exec(f"from course import {name}", {})


def test_importing_course_and_its_config_starts_no_tensorflow():
    # import-time behaviour: a fresh process
    proc = python("-c", "import sys, course; from course import config, reference; c = config.Config(epochs=2); "
                        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"


def _readme_example():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using the utilities in your own code", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)\n```", section, flags=re.S).group(1)


def test_the_readmes_example_runs_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)                              # its logdir="logs" is relative
    namespace = {}
    exec(compile(_readme_example(), "README.md", "exec"), namespace)
    history, result, fig, ds = namespace["history"], namespace["result"], namespace["fig"], namespace["ds"]
    from course.reference.forward import layers_from_keras, predict
    p = predict(ds.x_val, layers_from_keras(namespace["model"])).ravel()
    assert history.val_accuracy[-1] == pytest.approx(np.mean((p >= 0.5) == ds.y_val), abs=1e-6)
    assert capsys.readouterr().out.splitlines()[0] == str(history.val_accuracy[-1])     # print(...) as written
    assert result.run_dir.resolve().parent == (tmp_path / "logs" / "mine").resolve()
    assert result.run_dir.name.endswith("_moons")
    assert len(history.epoch) == 20 and len(result.history.epoch) == 20
    assert isinstance(fig, Figure)


def test_the_readmes_training_step_is_the_courses():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("The training step itself", 1)[1].split("```python\n", 1)[1].split("\n```", 1)[0]
    source = inspect.getsource(course.training.train_step)
    for line in block.splitlines():
        assert line.split("#")[0].strip() in source, line
