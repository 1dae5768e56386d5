"""The exercises of Days 1-8, in the order a learner meets them: one module a day, one ``Exercise`` each
(its statement, hints, mistakes and solution: the starter and the solution files are written from it)."""
from course.exercises.days import day1, day2, day2_model, day2_step, day3, day4, day5, day6, day7, day8

EXERCISES = {exercise.id: exercise
             for day in (day1, day2, day2_model, day2_step, day3, day4, day5, day6, day7, day8)
             for exercise in day.EXERCISES}
