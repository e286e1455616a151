"""Transform: derivative code, forward mode and reverse mode, from the normalized function."""
