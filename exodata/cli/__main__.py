"""``python -m exodata.cli``: the same as the ``exodata`` command."""

from exodata.cli import main

main()
