"""``import_pages``: real academic homepages (academicpages, al-folio) into labsite.

read → repair → parse → extract (pure, no database) → load (one transaction per page) → report.
``records`` holds the dataclasses that pass between the pure steps and the loader.
"""
