"""What happened to a panel, for the areas that follow it (the evidence feed) without earlier stages
calling them by name: the audit log notes each panel a person changed, and after a successful request
the listeners of ``panel_changed`` hear which ones (once per request)."""

from __future__ import annotations

from blinker import Namespace
from flask import current_app, g, has_request_context

_signals = Namespace()
panel_changed = _signals.signal("panel-changed")


def note(panel_id: int | None) -> None:
    if panel_id is not None and has_request_context():
        g.setdefault("changed_panels", set()).add(panel_id)


def after_request(response):
    ids = g.pop("changed_panels", None)
    if ids and response.status_code < 400:
        panel_changed.send(current_app._get_current_object(), panel_ids=sorted(ids))
    return response
