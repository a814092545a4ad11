def test_dbg(app, world, as_user):
    import logging, traceback
    from flask import url_for
    from tests.app.test_authorization_matrix import url_values
    values = url_values(world, app)
    for ep in ("selection.ceremony_public", "seats.confirm"):
        rule = [r for r in app.url_map.iter_rules() if r.endpoint == ep][0]
        with app.test_request_context():
            url = url_for(ep, **{k: values[k] for k in rule.arguments})
        app.config["PROPAGATE_EXCEPTIONS"] = True
        try:
            r = as_user("organiser").open(url, method="POST" if "POST" in rule.methods else "GET")
            print(ep, r.status_code)
        except Exception:
            traceback.print_exc()
        finally:
            app.config["PROPAGATE_EXCEPTIONS"] = None
