"""Public face of ``course.core.config`` (``Config``) and ``course.checks`` (the rules every input is checked by)."""
from course.checks import (FLOAT32_MAX, FLOAT32_TINY, MAX_SEED, check_bool, check_choice, check_int, check_number,
                           check_seed, integer_kind)
from course.core.config import OPTIMIZERS, Config, ConfigError, check_batch_size, full_batch

__all__ = ["Config", "ConfigError", "OPTIMIZERS", "MAX_SEED", "check_batch_size", "check_bool", "check_choice",
           "check_int", "check_number", "check_seed", "integer_kind", "full_batch", "FLOAT32_TINY", "FLOAT32_MAX"]
