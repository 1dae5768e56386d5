"""The command line: the ``course`` command (``commands``), the flags every lesson shares (``flags``) and
running a lesson (``lessons``). Nothing else in ``course`` imports this package; lessons do.

    course list | course run LESSON [flags] | course tensorboard | course info
"""
from course.cli import startup

startup.prepare()       # first: a Ctrl-C while the rest loads ends quietly (lessons and the course command only)

from course.cli.commands import build_parser, main  # noqa: E402
from course.cli.flags import (OneLineParser, lesson_parser, non_negative_int, parse_config, parse_lesson_args,
                              positive_float, positive_int)
from course.cli.lessons import (LESSONS, Started, lesson_doc, lesson_goal, lesson_main, print_footer,
                                quiet_ctrl_c_while_loading, start)
from course.engine.signals import Terminated

__all__ = ["main", "build_parser", "OneLineParser", "lesson_parser", "parse_config", "parse_lesson_args",
           "positive_int", "non_negative_int", "positive_float", "LESSONS", "lesson_doc", "lesson_goal",
           "lesson_main", "start", "Started", "print_footer", "quiet_ctrl_c_while_loading", "Terminated"]
