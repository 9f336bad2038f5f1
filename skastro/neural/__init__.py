"""skastro.neural."""

__all__: list[str] = []
