"""Open-data downloads for every release: `publish(root, out)`; one module per artifact."""

from .build import NOT_REPRODUCIBLE, PublishReport, publish

__all__ = ["NOT_REPRODUCIBLE", "PublishReport", "publish"]
