"""The shared command vocabulary: text commands and button actions turned into use-case calls."""
