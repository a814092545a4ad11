"""The capability evidence base: what panels did, as evidence of a city's dynamic capabilities."""
