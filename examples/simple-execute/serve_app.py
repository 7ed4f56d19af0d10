"""Ray Serve deployment of the simple-execute example.

The SDK wraps this class with ``serve.deployment(ray_actor_options=...)`` and binds it with the
Synapse backend URL, so ``__init__`` receives ``backend_url``.
"""

from starlette.requests import Request


class ImageClassifier:
    """Labels an image by its mean brightness: a stand-in for a real model."""

    def __init__(self, backend_url: str):
        self.backend_url = backend_url
        self.labels = ["dark", "bright"]

    async def __call__(self, request: Request) -> dict:
        payload = await request.json() if await request.body() else {}
        pixels = payload.get("pixels") or [0]
        mean = sum(pixels) / len(pixels)
        return {"label": self.labels[int(mean >= 128)], "mean": mean}
