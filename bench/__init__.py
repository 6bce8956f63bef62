"""Performance benchmarks (`make bench`): each ``bench_*.py`` here is a standalone script;
``python -m bench [NAME …]`` runs them one after the other."""
