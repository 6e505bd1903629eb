"""``python -m sheetsync``: the same CLI as the ``sheetsync`` script."""
from sheetsync.cli import main

main()
