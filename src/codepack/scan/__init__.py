"""Per-file scan stage: judge each file's bytes (classify, quality, secrets) as an ordered chain of
steps (``steps.SCAN_STEPS``).
"""
