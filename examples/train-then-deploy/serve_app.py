"""Ray Serve deployment of the train-then-deploy example: serves the model the Ray job wrote.

The pipeline passes the model's path as the deployment's ``user_config``; Ray calls
``reconfigure`` with it before the first request and again, in place, when a new model is
deployed.
"""

import json

from starlette.requests import Request


class LinearModel:
    def __init__(self, backend_url: str):
        self.backend_url = backend_url
        self.w = None
        self.b = None

    def reconfigure(self, config: dict) -> None:
        with open(config["model_path"]) as f:
            model = json.load(f)
        self.w, self.b = model["w"], model["b"]

    async def __call__(self, request: Request) -> dict:
        x = float((await request.json())["x"])
        return {"x": x, "y": self.w * x + self.b}
