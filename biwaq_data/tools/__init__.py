"""Developer tools beside the layers: the sample generator and the benchmark (may import any layer)."""
