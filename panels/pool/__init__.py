"""Volunteer registration: the public form, the pool of respondents, their consent and data."""
