"""codepack: dependency-ordered, multi-file packed training data from source repositories."""

__version__ = "0.1.0"
