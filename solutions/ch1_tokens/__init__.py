"""Chapter 1: Tokenization & Embeddings."""
