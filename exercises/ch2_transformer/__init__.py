"""Chapter 2: Inside the Transformer."""
