"""A job kind for tests that need a job to be running for a while (e.g. to kill its worker)."""

from __future__ import annotations

import time

from quyhoach.services.platform import jobs


def slow(ctx: jobs.JobContext) -> dict:
    for step in range(600):
        ctx.progress(step / 600, f"bước {step}", {"step": step}, force=True)
        time.sleep(0.05)
    return {"finished": True}


jobs.register("test.slow", slow)


if __name__ == "__main__":
    import sys

    jobs.execute(sys.argv[1], sys.argv[2])
