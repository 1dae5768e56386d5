"""The traced update steps: what a learner reads in the terminal (``console``) and in TensorBoard's
Text tab (``table``), the same entries with the same numbers (``entries``).

    from course.trace import TracePrinter, EpochPrinter
    fit(model, ds, config, observers=[TracePrinter(3), EpochPrinter()])
"""
from course.trace.console import EpochPrinter, TracePrinter, format_epoch, format_step, format_update
from course.trace.entries import shown_entries
from course.trace.table import update_table

__all__ = ["TracePrinter", "EpochPrinter", "format_update", "format_step", "format_epoch", "shown_entries",
           "update_table"]
