"""Runnable lessons: ``python -m lessons.day1_perceptron``, ``python -m lessons.day2_mlp``, ...

Each lesson is a literate script around ``run(config) -> LessonResult``; the
reusable machinery lives in ``course``.
"""
