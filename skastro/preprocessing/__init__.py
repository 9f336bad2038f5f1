"""skastro.preprocessing."""

__all__: list[str] = []
