"""Errors raised by the asmgeo core; each carries a sentence a data officer understands."""


class AsmgeoError(Exception):
    """Base class of every error the core raises on purpose."""


class StoreError(AsmgeoError):
    """The store is missing, unreadable or not an asmgeo store."""


class LayerFileError(AsmgeoError):
    """A shipped layer file or reference table is missing or corrupt."""


class UnknownLayerError(AsmgeoError):
    """A layer name that asmgeo does not know."""


class AssetError(AsmgeoError):
    """A browser asset needed for offline maps is missing or not mapped."""
