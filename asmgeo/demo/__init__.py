"""The deterministic synthetic demo: its layers, geology and rasters, and how a store is filled with it."""
