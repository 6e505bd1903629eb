"""The operator's reports: reconcile and export, and library results as JSON types."""
