"""``python -m shadowtrade`` runs the command line."""

from shadowtrade.cli import main

main()
