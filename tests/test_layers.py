"""The house's layers, read from the code: every import of a course module points to the same or a lower layer,
no module imports a private name of another, no import circle, no module over 250 lines (docs/architecture.md);
the lessons import only the faces the README's module table documents, and only the names those faces export."""
import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
LESSONS = ROOT / "lessons"
# ground first; the faces (course/<name>.py) sit above everything in course/ and only lessons use them
LAYERS = {"checks": 0, "numbers": 0, "reference": 1, "core": 2, "engine": 3, "pictures": 3, "trace": 4, "tensorboard": 5,
          "runs": 6, "families": 7, "distribute": 7, "exercises": 7, "notebooks": 8,
          "cli": 9}
FACES = {"config", "data", "models", "training", "plots", "gradcheck", "experiment", "__main__", "__init__"}


def modules():
    for path in sorted(COURSE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(p for p in parts if p != "__init__"), path


def part_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def course_imports(path):
    """(imported module, names) of every import of a course module in ``path``, at any depth."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course"):
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("course"):
                    yield alias.name, []


def test_imports_point_down_the_layers_and_take_no_private_names():
    wrong = []
    for module, path in modules():
        part = part_of(module)
        if part in FACES:
            continue
        for target, names in course_imports(path):
            target_part = part_of(target)
            if target == "course" and names:                 # `from course import cli`: the names are modules
                targets = [(f"course.{n}", []) for n in names]
            else:
                targets = [(target, names)]
            for target, names in targets:
                target_part = part_of(target)
                if target_part in FACES or LAYERS.get(target_part, 99) > LAYERS[part]:
                    wrong.append(f"{module} imports {target}")
                wrong += [f"{module} takes the private {target}.{n}" for n in names if n.startswith("_")]
    assert wrong == []


def resolved(target, names):
    """An imported name that is a submodule (``from course.cli import board``) counts as that module."""
    subs = [f"{target}.{n}" for n in names if (COURSE.parent / f"{target}.{n}".replace(".", "/")).with_suffix(".py")
            .is_file() or (COURSE.parent / f"{target}.{n}".replace(".", "/") / "__init__.py").is_file()]
    return subs or [target]


def test_no_import_circle_between_modules():
    graph = {module: {r for t, names in course_imports(path) for r in resolved(t, names) if r != module}
             for module, path in modules()}
    seen, stack = set(), []

    def visit(module):
        if module in stack:
            raise AssertionError("import circle: " + " -> ".join(stack[stack.index(module):] + [module]))
        if module in seen or module not in graph:
            return
        stack.append(module)
        for target in graph[module]:
            visit(target)
        stack.pop()
        seen.add(module)

    for module in graph:
        visit(module)


def test_no_module_is_over_250_lines_and_there_are_subpackages():
    long = {str(p.relative_to(ROOT)): n for p in COURSE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 250}
    assert long == {}
    assert len([d for d in COURSE.iterdir() if (d / "__init__.py").is_file()]) >= 3


def test_the_numpy_references_never_import_tensorflow():
    for path in (COURSE / "reference").glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(name.startswith(("tensorflow", "keras", "course.core", "course.engine")) for name in names), path


def documented_modules() -> set:
    """The modules the README's module table documents: its rows ``| `course.data` | ... |``."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using the utilities in your own code", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(course\.[a-z_]+)` \|", section, flags=re.M))


def test_lessons_import_only_the_documented_faces_and_the_names_they_export():
    documented = documented_modules()
    assert {"course.data", "course.runs", "course.numbers", "course.training"} <= documented   # the table was read
    wrong = []
    for path in sorted(LESSONS.glob("*.py")):
        for target, names in course_imports(path):
            if target == "course":                           # `from course import data, models`: faces by name
                wrong += [f"{path.name} imports course.{n}" for n in names if f"course.{n}" not in documented]
            elif target not in documented:                   # course.core.runtime, course.runs.figures, ...
                wrong.append(f"{path.name} imports {target}")
            else:                                            # a face's own names only: its __all__
                exported = set(getattr(importlib.import_module(target), "__all__", ()))
                wrong += [f"{path.name} takes {target}.{n}, which it does not export" for n in names
                          if n not in exported]
    assert wrong == []


def test_lessons_carry_no_plumbing():
    """Parts print for themselves and share one Lesson: no ``say`` passed around, no ``print_fn=``, no ``lesson=``
    at every call."""
    wrong = []
    for path in sorted(LESSONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id == "say" or isinstance(node, ast.arg) and node.arg == "say":
                wrong.append(f"{path.name}:{node.lineno} say")
            elif isinstance(node, ast.keyword) and node.arg in ("print_fn", "lesson"):
                wrong.append(f"{path.name}:{node.value.lineno} {node.arg}=")
    assert wrong == []
