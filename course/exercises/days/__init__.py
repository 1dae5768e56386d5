"""The exercises of Days 1-8, in the order a learner meets them."""
from course.exercises.days import day1_to_3, day4_to_6, day7_to_8

EXERCISES = {exercise.id: exercise for exercise in (*day1_to_3.EXERCISES, *day4_to_6.EXERCISES, *day7_to_8.EXERCISES)}
