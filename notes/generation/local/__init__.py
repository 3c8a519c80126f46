"""The local notes generator: offline, deterministic, extractive. Pure Python, no Django."""

from notes.generation.local.generator import LocalGenerator

__all__ = ["LocalGenerator"]
