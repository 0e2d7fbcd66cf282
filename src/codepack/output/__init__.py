"""Output stage: Parquet shards, file names and atomic writes, the output folder's contract, remote
targets, run figures, the dataset card and the explain page.
"""
