"""Chapter 3: Going further: a real model (optional)."""
