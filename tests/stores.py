"""Demo stores for tests: a small synthetic store in a temp folder, with the env vars pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from asmgeo.demo.install import install_demo
from asmgeo.store import Store, open_store


@contextmanager
def demo_store_in(folder: Path, n_sites: int) -> Iterator[Store]:
    """Build an ``n_sites`` demo store in ``folder`` and point ``ASMGEO_*`` at it while inside."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASMGEO_STORE", str(folder / "store.gpkg"))
        mp.setenv("ASMGEO_RASTER_DIR", str(folder / "rasters"))
        mp.delenv("ASMGEO_LAYERS_DIR", raising=False)
        store = open_store()
        install_demo(store, n_sites=n_sites)
        yield store
