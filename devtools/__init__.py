"""Development tools kept out of the wheel: fake platform servers and the benchmarks."""
