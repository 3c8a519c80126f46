"""The PDF-to-notes pipeline: the steps the Celery tasks run, and how they report."""
