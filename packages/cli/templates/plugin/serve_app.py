"""The Ray Serve deployment of this plugin.

The SDK wraps ``Model`` with ``serve.deployment(ray_actor_options=...)`` (the action's
``num_cpus`` / ``num_gpus`` params) and binds it with the Synapse backend URL, so ``__init__``
receives ``backend_url``. Load weights here, once per replica, not per request.
"""

from starlette.requests import Request


class Model:
    def __init__(self, backend_url: str):
        self.backend_url = backend_url

    async def __call__(self, request: Request) -> dict:
        body = await request.body()
        text = body.decode("utf-8", errors="replace")
        return {"model": type(self).__name__, "length": len(text), "echo": text[:200]}
