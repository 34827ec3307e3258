"""``manage.py export_site``: a lab's public site as static files (see ``crawl`` and ``links``)."""

from labsite.exporting.crawl import ExportResult, export_site
from labsite.exporting.output import ExportError

__all__ = ["ExportError", "ExportResult", "export_site"]
