"""CSV reports: row builders per report (catalogue, audit_log), cell safety (cells), one
streaming writer (stream), and the glue shared by the views and the command (reports)."""
