"""Asset labels in the service: one label per request, batches as background jobs, print history.

The drawing itself is the pure `labels` package; this package finds the devices the caller may
see, turns them into label contents, runs the batch job and records every print on the
device's history (`label_printed`, a history entry that is not a step of the journey).
"""
