"""BIWAQ Duisburg data layer: loading, validation and counting. No Streamlit here.

    import biwaq_data as b
    ds = b.load_dataset("sample_data")
    b.metrics.headline(ds, b.Filters(ortsteile=(202,)))
"""

from . import metrics
from .dataset import Dataset, load_dataset
from .errors import DataError
from .filters import Filters

__all__ = ["Dataset", "DataError", "Filters", "load_dataset", "metrics"]
