"""Ray Serve deployment of the custom-steps example: a placeholder object detector.

The SDK wraps this class with ``serve.deployment(ray_actor_options=...)`` and binds it with the
Synapse backend URL, so ``__init__`` receives ``backend_url``.
"""

from starlette.requests import Request


class ObjectDetector:
    def __init__(self, backend_url: str):
        self.backend_url = backend_url

    async def __call__(self, request: Request) -> dict:
        payload = await request.json()
        threshold = float(payload.get("threshold", 0.5))
        image = payload.get("image") or []
        height = len(image)
        width = len(image[0]) if height else 0
        boxes = [] if height == 0 else [{"label": "object", "score": 0.9, "box": [0, 0, width, height]}]
        return {"boxes": [b for b in boxes if b["score"] >= threshold]}
