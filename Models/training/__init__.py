"""Training of Mien's own expression classifier on FER-2013 (see README.md)."""
