"""The exercises of Days 1-10, in the order a learner meets them: one module a day (the TensorFlow exercises of a
day in modules of their own), one ``Exercise`` each (its statement, hints, mistakes and solution: the starter
and the solution files are written from it)."""
from course.exercises.days import (day1, day2, day2_model, day2_step, day3, day4, day5, day6, day7, day7_keras,
                                   day7_logs, day8, day9, day9_sequences, day10)

EXERCISES = {exercise.id: exercise
             for day in (day1, day2, day2_model, day2_step, day3, day4, day5, day6, day7, day7_keras, day7_logs, day8,
                         day9, day9_sequences, day10)
             for exercise in day.EXERCISES}
