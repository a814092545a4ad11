"""Address registers, mailings, letters and registration codes."""
