"""A whole run: the per-repository stages (``pipeline``), the passes, shards and resume
(``driver``), spilled work files and where tasks run (``executors/``).
"""
