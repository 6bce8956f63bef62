"""A round's progress on the task queue: one ``Stage`` row per stage and key (a collect shard,
the merge, the analysis, the report, a re-check, a probe schedule), which workers claim, finish
or fail; and ``queue.enqueue_*`` to hand work to the workers by task name (docs/scale.md)."""
