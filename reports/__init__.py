"""Printables, exports and statistics (checklists, PDFs, spreadsheets, dashboards)."""
