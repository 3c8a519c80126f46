"""Notes and quizzes from Claude through the official SDK. Pure code: no Django imports.

Importing this package is cheap: the SDK is imported on the first request.
"""

from notes.generation.anthropic.generator import AnthropicGenerator
from notes.generation.anthropic.settings import AnthropicSettings

__all__ = ["AnthropicGenerator", "AnthropicSettings"]
