"""Users, organisations and roles: who may do what, on which organisation or panel."""
