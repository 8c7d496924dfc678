"""powerlist: Guangxi secrecy-work power-and-responsibility lists as a versioned data package."""

__version__ = "0.1.0"
