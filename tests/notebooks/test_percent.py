"""The notebooks' text sources: jupytext's percent format, read into cells without Jupyter."""
import pytest

from course.notebooks.percent import Cell, parse


def test_cells_kinds_tags_and_magics():
    text = ("# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n"
            "# %%\nimport numpy as np\n\n\nx = 1\n\n"
            "# %% tags=[\"parameters\"]\nepochs = 5\n"
            "# %% tags=[\"tensorboard\", \"more\"]\n# %load_ext tensorboard\n# %tensorboard --logdir logs\n"
            "# a comment stays a comment\n")
    assert parse(text) == [
        Cell("markdown", "# Title\n\nSome *text*."),
        Cell("code", "import numpy as np\n\n\nx = 1"),
        Cell("code", "epochs = 5", ("parameters",)),
        Cell("code", "%load_ext tensorboard\n%tensorboard --logdir logs\n# a comment stays a comment",
             ("tensorboard", "more")),
    ]


@pytest.mark.parametrize("text, message", [
    ("x = 1\n# %%\n", "src.py, line 1: text before the first '# %%' cell marker"),
    ("# %%\nx = 1\n# %% [raw]\n", "src.py, line 3: a cell marker reads"),
    ("# %% tags=parameters\n", "src.py, line 1: a cell marker reads"),
    ("# %% tags=[1]\n", "src.py, line 1: tags must be a JSON list of names, got [1]"),
    ("# %% [markdown]\n# fine\nnot a comment\n", "src.py: a Markdown line must start with '# ', got 'not a comment'"),
])
def test_what_it_cannot_read_is_named_with_its_line(text, message):
    with pytest.raises(ValueError) as err:
        parse(text, name="src.py")
    assert str(err.value).startswith(message)


def test_an_empty_source_has_no_cells():
    assert parse("") == [] and parse("\n\n") == []
