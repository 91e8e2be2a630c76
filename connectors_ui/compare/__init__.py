"""Compare two domains' local copies (no upstream call) and promote differences: make the
target like the source through the batch path of ``connectors_ui.changes``."""
