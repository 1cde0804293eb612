"""The catalogue's texts, one module per feature; each maps a key to (English, French)."""
