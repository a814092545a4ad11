"""The roles the authorization matrix tries, and the usual groups of them."""

ROLES = ("anonymous", "outsider", "member", "observer", "facilitator", "organiser", "admin")
PUBLIC = set(ROLES)
LOGGED_IN = PUBLIC - {"anonymous"}
ON_PANEL = {"member", "observer", "facilitator", "organiser", "admin"}
ORG_STAFF = {"observer", "facilitator", "organiser", "admin"}
MANAGERS = {"organiser", "admin"}
SITE_ADMIN = {"admin"}
