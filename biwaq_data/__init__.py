"""BIWAQ Duisburg data layer: loading, validation, counting and publishing. No Streamlit here.

    import biwaq_data as b
    ds = b.load_dataset("sample_data")
    b.metrics.headline(ds, b.Filters(ortsteile=(202,)))

The folders follow the flow of the data (imports only ever point down this list):

    store/    import checks and the snapshot store                 (files in, versions out)
    publish/  statistical confidentiality, exports, press kit      (what leaves the dashboard)
    figures/  Filters, metrics, ESF Plus indicators                 (pure counting, no protection)
    ingest/   the data contract, reading, validation, Dataset       (files -> typed frames)
    places/   Duisburg's Bezirke and Ortsteile, map geometry        (reference data)
    texts_de, errors, formatting                                    (reachable from everywhere)

`tools/` (sample generator, benchmark) sits beside them and may import any layer.
The modules callers use most are attributes of this package, wherever their file lives.
"""

from . import errors, formatting, places, texts_de
from .errors import DataError
from .figures import filters, indicators, metrics
from .figures.filters import Filters
from .ingest import dataset, files, reading, schema, validation, workbook
from .ingest.dataset import Dataset, load_dataset
from .publish import describe, export, indicator_report, presskit, privacy, publication
from .store import importing, snapshots

__all__ = ["Dataset", "DataError", "Filters", "load_dataset", "metrics", "indicators", "publication", "snapshots",
           "importing", "indicator_report", "places", "schema", "privacy", "describe", "export", "presskit", "filters", "reading",
           "workbook", "files", "validation", "dataset", "errors", "formatting", "texts_de"]
