"""REFI-QDA exchange (.qdpx projects and .qdc codebooks): hardened reading, import, export."""
