"""Phone signature: the shared beat-generator one (:mod:`ecgtf.kits.beatgen.mobile`)."""
from ecgtf.kits.beatgen.mobile import export_data, export_metadata, mobile_module, module_for_format

__all__ = ["export_data", "export_metadata", "mobile_module", "module_for_format"]
