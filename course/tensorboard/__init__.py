"""TensorBoard, one route: ``logger.RunLogger`` writes everything a run shows (scalars, histograms, text,
images, the graph, HParams, the Custom Scalars layout) through ``events.EventFile``, one event file per
run split, built from TensorBoard's own protobuf classes. ``snapshots`` adds the 2-D pictures of a run,
``layout`` names the tags and lays out the dashboards, ``hparams`` the HParams experiment
``course tensorboard`` writes over the runs it serves.
"""
