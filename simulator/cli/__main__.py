"""``python -m simulator.cli``: the same as the ``journeysim`` console script."""

from simulator.cli.app import main

main()
