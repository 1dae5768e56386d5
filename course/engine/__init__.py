"""The loop engine: what makes the GradientTape step fast and watchable.

``loop.fit`` (one device or N replicas), ``runners`` (how a step runs on each), ``compiled`` (the
step wrapped with what the loop reports, whole epochs in one compiled call), ``replicas`` (the step
under ``tf.distribute``), ``records`` (what the loop hands its observers, and ``Observer``),
``checks`` (inputs), ``stop`` (why a run ended early: a ``Stop``), ``best`` (the best epoch kept), ``signals``
(Ctrl-C and SIGTERM between steps).
"""
