"""The files of an exercise, written from its one definition: the starter a learner fills in, the course's
solution revealed once the exercise passes. Nothing is stored twice, so the two can never disagree.

    starter_text(EXERCISES["day3.sgd_step"])     # the task, the shapes, a worked example, the trap; no answer
    solution_text(EXERCISES["day3.sgd_step"])    # the same docstring, then the course's body
    untouched(exercise, source_bytes)            # True for a starter nobody has written in (not run)
"""
from __future__ import annotations

import textwrap

WIDTH = 100
NOT_WRITTEN = 'raise NotImplementedError("write {function}: replace this line with your code")'


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _module_docstring(exercise, solution: bool) -> str:
    lines = [f'"""Day {exercise.day} - {exercise.heading}.', ""]
    if solution:
        lines += ["The course's solution: compare it with yours.", ""]
    else:
        lines += [_wrap(exercise.task, ""), ""]
    lines += [f"    course check {exercise.id}      # check it",
              f"    course hint {exercise.id}       # a hint; ask again for the next one", '"""']
    return "\n".join(lines)


def _function_docstring(exercise) -> str:
    first = exercise.title[:1].upper() + exercise.title[1:] + "."
    lines = [f'    """{first}', ""]
    lines += ["    Args:", *(_wrap(f"{name}: {what}.", " " * 8) for name, what in exercise.args)]
    lines += ["", "    Returns:", _wrap(exercise.returns + ".", " " * 8)]
    if exercise.example is not None:
        call, result, note = exercise.example.call, exercise.example.result, exercise.example.note
        lines += ["", "    Example:", *(_wrap_call(line) for line in exercise.example.setup), _wrap_call(call)]
        result_lines = result.splitlines()
        result_lines[-1] += f"          {note}" if note else ""
        lines += [" " * 8 + line for line in result_lines]
    if exercise.trap:
        lines += ["", _wrap(f"Watch out: {exercise.trap}", " " * 4)]
    return "\n".join(lines + ['    """'])


def _wrap_call(call: str) -> str:
    """A doctest call, its continuation lines marked with '...' as Python's prompt shows them."""
    pieces = textwrap.wrap(call, width=WIDTH - 12, break_long_words=False, break_on_hyphens=False)
    return "\n".join([" " * 8 + ">>> " + pieces[0], *(" " * 8 + "... " + p for p in pieces[1:])])


def _signature(exercise) -> str:
    return f"def {exercise.function}({', '.join(name for name, _ in exercise.args)}):"


def starter_text(exercise) -> str:
    """The file a learner starts from: it asks (the task, the shapes, an example, the trap), it does not answer."""
    body = "    " + NOT_WRITTEN.format(function=exercise.function)
    return "\n".join([_module_docstring(exercise, solution=False), exercise.imports, "", "",
                      _signature(exercise), _function_docstring(exercise), body]) + "\n"


def solution_text(exercise) -> str:
    """The course's solution: the same docstring as the starter, then the body."""
    body = textwrap.indent(exercise.solution.strip("\n"), "    ")
    return "\n".join([_module_docstring(exercise, solution=True), exercise.imports, "", "",
                      _signature(exercise), _function_docstring(exercise), body]) + "\n"


def _normal(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def untouched(exercise, source: bytes) -> bool:
    """Whether ``source`` is the exercise's starter as ``init`` wrote it (line endings and trailing blanks aside):
    then it is "not implemented yet" without being run, so a starter that imports a big library costs nothing."""
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _normal(text) == _normal(starter_text(exercise))


def function_text(exercise, *, solution: bool = False, docstring: bool = True) -> str:
    """The function alone, as a notebook's cell holds it: its signature, its docstring (unless ``docstring`` is
    False) and the starter's ``NotImplementedError`` line, or the course's body (``solution``)."""
    body = (textwrap.indent(exercise.solution.strip("\n"), "    ") if solution
            else "    " + NOT_WRITTEN.format(function=exercise.function))
    return "\n".join([_signature(exercise), *([_function_docstring(exercise)] if docstring else []), body])
