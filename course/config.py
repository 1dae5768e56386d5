"""Public face of ``course.core.config``: ``Config`` and the rules every input is checked by."""
from course.core.config import (MAX_SEED, OPTIMIZERS, Config, ConfigError, check_batch_size, check_bool,
                                check_choice, check_int, check_number, check_seed, full_batch)

__all__ = ["Config", "ConfigError", "OPTIMIZERS", "MAX_SEED", "check_batch_size", "check_bool", "check_choice",
           "check_int", "check_number", "check_seed", "full_batch"]
