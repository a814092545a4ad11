"""Job functions for the job tests; named by import path so an rq worker can find them."""

from __future__ import annotations

import time

from panels.accounts.models import Organisation
from panels.extensions import db
from panels.jobs import job_function


@job_function("tests.app.jobfuncs:count")
def count(ctx, upto: int = 3) -> dict:
    for i in range(upto):
        ctx.progress((i + 1) / upto, f"step {i + 1} of {upto}")
    return {"counted": upto, "message": f"counted to {upto}"}


@job_function("tests.app.jobfuncs:write_then_fail")
def write_then_fail(ctx, slug: str) -> dict:
    db.session.add(Organisation(name="Half-made", slug=slug))
    db.session.flush()
    ctx.progress(0.5, "half way")
    raise RuntimeError("the computation went wrong")


@job_function("tests.app.jobfuncs:slow")
def slow(ctx, seconds: float = 60.0) -> dict:
    ctx.progress(0.1, "started the slow part")
    time.sleep(seconds)
    return {"message": "slow job done"}
