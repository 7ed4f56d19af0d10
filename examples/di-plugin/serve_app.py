"""Ray Serve deployment of the di-plugin example: a threshold segmenter.

The SDK wraps this class with ``serve.deployment(ray_actor_options=...)`` and binds it with the
Synapse backend URL, so ``__init__`` receives ``backend_url``.
"""

from starlette.requests import Request


class Segmenter:
    def __init__(self, backend_url: str, threshold: int = 128):
        self.backend_url = backend_url
        self.threshold = threshold

    async def __call__(self, request: Request) -> dict:
        image = (await request.json()).get("image") or []
        mask = [[int(pixel >= self.threshold) for pixel in row] for row in image]
        return {"mask": mask, "foreground": sum(map(sum, mask))}
