"""Notes and quiz generation. Pure code: no Django imports."""
