"""整改: after the 通报 is published each unit gets its rectification items (one per grouped
problem, ``reports.rectification``), marks them 已整改, and the office verifies them. Every
state change is an append-only audit entry."""
