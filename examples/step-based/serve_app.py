"""Ray Serve deployment of the step-based example: a tiny lexicon sentiment model.

The SDK wraps this class with ``serve.deployment(ray_actor_options=...)`` and binds it with the
Synapse backend URL, so ``__init__`` receives ``backend_url``.
"""

from starlette.requests import Request

POSITIVE = {"good", "great", "love", "excellent", "happy"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "sad"}


class SentimentModel:
    def __init__(self, backend_url: str):
        self.backend_url = backend_url

    async def __call__(self, request: Request) -> dict:
        text = (await request.json()).get("text", "")
        words = [w.strip(".,!?").lower() for w in text.split()]
        score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
        label = "positive" if score > 0 else "negative" if score < 0 else "neutral"
        return {"label": label, "score": score}
