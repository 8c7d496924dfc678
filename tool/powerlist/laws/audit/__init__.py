"""The citation audit: small rules over one package's lists, each returning plain findings."""

from .model import RULES, SEVERITIES, Finding  # noqa: F401
from .run import AuditReport, audit  # noqa: F401
