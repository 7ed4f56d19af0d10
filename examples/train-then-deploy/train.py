"""Trains a tiny linear model on synthetic data, on CPU, with nothing to download.

Run as a Ray job by the train-then-deploy example: it writes the model as JSON under --output
and prints a result block that the pipeline's later steps read (the model's path and loss).
"""

import argparse
import json
import os
import random
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--output", required=True, help="directory the model is written to")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seconds-per-epoch", type=float, default=0.5)
    args = parser.parse_args()

    rng = random.Random(13)
    xs = [rng.uniform(-5, 5) for _ in range(200)]
    ys = [3.0 * x + 2.0 + rng.gauss(0, 0.1) for x in xs]

    w, b, lr = 0.0, 0.0, 0.02
    loss = float("inf")
    for epoch in range(1, args.epochs + 1):
        for _ in range(50):
            grad_w = sum((w * x + b - y) * x for x, y in zip(xs, ys)) * 2 / len(xs)
            grad_b = sum((w * x + b - y) for x, y in zip(xs, ys)) * 2 / len(xs)
            w, b = w - lr * grad_w, b - lr * grad_b
        loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
        print(f"epoch {epoch}/{args.epochs} loss={loss:.4f} w={w:.3f} b={b:.3f}", flush=True)
        time.sleep(args.seconds_per_epoch)

    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, "model.json")
    with open(path, "w") as f:
        json.dump({"w": w, "b": b, "loss": loss}, f)
    print(f"model written to {path}", flush=True)

    print("__SYNAPSE_RESULT_START__")
    print(json.dumps({"model_path": path, "loss": loss}))
    print("__SYNAPSE_RESULT_END__", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
