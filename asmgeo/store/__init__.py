"""The store: one interface over the layers and tables asmgeo keeps (GeoPackage); no SQL anywhere else."""

from asmgeo.store.geopackage import BATCH_COLUMN, STORE_CRS, GeoPackageStore, LayerInfo, open_store, to_store_crs

__all__ = ["BATCH_COLUMN", "STORE_CRS", "GeoPackageStore", "LayerInfo", "open_store", "to_store_crs"]
