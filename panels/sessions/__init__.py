"""Sessions: the panel's programme (sessions, agenda items), speakers, materials, member questions."""
