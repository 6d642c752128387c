"""The store: one :class:`Store` protocol over the layers and tables asmgeo keeps; no SQL anywhere else.

``open_store()`` gives the configured store (a GeoPackage file today, :mod:`asmgeo.store.geopackage`);
everything else types against :class:`Store`.
"""

from asmgeo.store.base import BATCH_COLUMN, STORE_CRS, LayerInfo, Store, Upgrade, open_store

__all__ = ["BATCH_COLUMN", "STORE_CRS", "LayerInfo", "Store", "Upgrade", "open_store"]
