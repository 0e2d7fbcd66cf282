"""Global dedup stage: exact and MinHash-LSH near duplicates across every repository.
"""
