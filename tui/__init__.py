"""The Textual terminal UI of journeysim (browse journeys, dry-run, read traces)."""

__all__: list[str] = []
