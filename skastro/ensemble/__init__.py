"""skastro.ensemble."""

__all__: list[str] = []
