"""Where stage functions run: in this process, in a local process pool, or on Ray."""
