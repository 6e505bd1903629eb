"""``python -m sheetsync``: the same CLI as the ``sheetsync`` script."""
from sheetsync.cli.main import main

main()
