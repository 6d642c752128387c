"""asmgeo: artisanal and small-scale mining sites beside the MPF Pillar 6 record.

The core package, laid out as the pipeline it serves (file → read → validate → store → query →
map/chart → page); it never imports streamlit, and pages in ``pages/`` wire widgets to it:

- ``ingest``: read a survey file, map its columns to our fields, check every feature;
- ``store``: the Store interface and its backends; batches, slides, ratings; migrations;
- ``domain``: Pillar 6 model, practices, recommendations, ground figures, queries;
- ``maps``: folium layers, styles, legends, aggregation for the view, offline assets;
- ``outputs``: downloads, standalone and hand-out maps, briefings;
- ``demo``: the deterministic synthetic demo;
- ``shipped``: readers of the shipped, read-only boundaries and reference tables;
- foundations every stage may import: ``errors``, ``i18n``, ``config``, ``schema``, ``provenance``.

The layering is a contract checked by import-linter (``.importlinter`` at the repository root).
"""

__version__ = "0.1.0"
