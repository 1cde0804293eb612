"""Composition root: the only package that wires settings, storage, core and adapters together."""
