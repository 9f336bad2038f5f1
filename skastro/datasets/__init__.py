"""skastro.datasets."""

__all__: list[str] = []
