"""asmgeo: artisanal and small-scale mining sites beside the MPF Pillar 6 record.

The core package. It never imports streamlit; pages in ``pages/`` wire widgets to it.
"""

__version__ = "0.1.0"
