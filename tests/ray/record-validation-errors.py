"""Validates each body of a fixture file with Ray's own ServeDeploySchema and prints the result.

Usage: python record-validation-errors.py FIXTURE.json
Prints the fixture as JSON with each case's `text` set to what Ray's dashboard would answer a PUT
of that body with (str() of pydantic's ValidationError), or null when Ray accepts it. The
real-Ray lane runs it with the lane's Ray to check test-fixtures/ray-2.58/validation-errors.json,
which the devserver's tests compare its own 400 texts with. Leave out bodies whose text depends
on Python's hash seed (a bad logging_config.encoding lists a set of enum members in random order).
"""

import json
import sys

from ray.serve.schema import ServeDeploySchema


def main(path):
    with open(path) as f:
        cases = json.load(f)
    for case in cases:
        try:
            ServeDeploySchema.model_validate(case["body"])
            case["text"] = None
        except Exception as error:  # pydantic.ValidationError, as the dashboard catches it
            case["text"] = str(error)
    json.dump(cases, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
