"""The ``journeysim`` command line."""
