"""Documents for stakeholders that need a file library: the workbook (XLSX) and the one-page
brief (PDF). Only this package imports openpyxl and fpdf2 (an import-linter contract)."""
