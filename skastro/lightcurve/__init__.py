"""skastro.lightcurve."""

__all__: list[str] = []
