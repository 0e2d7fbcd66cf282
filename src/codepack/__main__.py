"""``python -m codepack`` runs the command line."""

from codepack.cli import main

main()
