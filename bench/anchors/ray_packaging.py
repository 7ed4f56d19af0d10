"""Ray's working_dir packaging algorithm, re-implemented for the benchmark (not Ray's code).

What Ray 2.58 does in ray/_private/runtime_env/packaging.py when a job or a Serve app ships a
local working_dir, step by step:

1. Name the package: walk the directory recursively (Path.iterdir, children before the next
   sibling), skipping every path matched by the runtime_env excludes or by a .gitignore /
   .rayignore of a directory on the way down (gitwildmatch patterns relative to that directory).
   For each remaining path, SHA-1 its relative path and, for a file, its content read in 4 MiB
   blocks; XOR the digests together, starting from b"0" * 8. The URI is
   gcs://_ray_pkg_<hex>.zip.
2. Build the package: walk again the same way and write each file (and each empty directory)
   into a ZipFile opened with the default ZIP_STORED compression.

Usage: python ray_packaging.py DIR OUT.zip  -> prints one JSON object with the timings (s), the
URI, the number of zip entries and the peak RSS (KiB) before and after.
"""

import hashlib
import json
import resource
import sys
import time
from pathlib import Path
from zipfile import ZipFile

from pathspec import PathSpec

BLOCK = 4 * 1024 * 1024


def ignore_matchers(directory):
    """One matcher per ignore file in `directory`, as Ray builds them at each level."""
    matchers = []
    for name in (".gitignore", ".rayignore"):
        ignore_file = directory / name
        if ignore_file.is_file():
            with ignore_file.open("r") as handle:
                spec = PathSpec.from_lines("gitwildmatch", handle.readlines())
            base = directory.absolute()
            matchers.append(lambda p, spec=spec, base=base: spec.match_file(str(p.absolute().relative_to(base))))
    return matchers


def travel(path, matchers, visit):
    """Depth-first walk honouring the matchers of every directory above `path`."""
    local = ignore_matchers(path)  # Ray looks for ignore files under every path, files included
    matchers.extend(local)
    if not any(match(path) for match in matchers):
        visit(path)
        if path.is_dir():
            for child in path.iterdir():
                travel(child, matchers, visit)
    for _ in local:
        matchers.pop()


def root_matchers(root, excludes):
    spec = PathSpec.from_lines("gitwildmatch", excludes)
    base = root.absolute()
    return [lambda p: spec.match_file(str(p.absolute().relative_to(base)))]


def xor(left, right):
    return bytes(a ^ b for a, b in zip(left, right)) if left and right else left or right


def package_uri(root, excludes):
    digest = b"0" * 8

    def visit(path):
        nonlocal digest
        sha1 = hashlib.sha1(str(path.relative_to(root)).encode())
        if not path.is_dir():
            with path.open("rb") as handle:
                block = handle.read(BLOCK)
                while block:
                    sha1.update(block)
                    block = handle.read(BLOCK)
        digest = xor(digest, sha1.digest())

    travel(root, root_matchers(root, excludes), visit)
    return f"gcs://_ray_pkg_{digest.hex()}.zip"


def write_zip(root, excludes, output):
    entries = 0
    with ZipFile(output, "w", strict_timestamps=False) as archive:

        def visit(path):
            nonlocal entries
            if (path.is_dir() and next(path.iterdir(), None) is None) or path.is_file():
                path.stat()  # Ray stats every packed path to warn about files above 10 MiB
                archive.write(path, path.relative_to(root))
                entries += 1

        travel(root, root_matchers(root, excludes), visit)
    return entries


def walk_only(root, excludes):
    count = 0

    def visit(_path):
        nonlocal count
        count += 1

    travel(root, root_matchers(root, excludes), visit)
    return count


def main():
    root = Path(sys.argv[1]).absolute()
    output = Path(sys.argv[2]).absolute()
    excludes = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    walk_only(root, excludes)
    walked = time.perf_counter()
    uri = package_uri(root, excludes)
    hashed = time.perf_counter()
    entries = write_zip(root, excludes, output)
    zipped = time.perf_counter()

    print(
        json.dumps(
            {
                "walkS": walked - started,
                "hashS": hashed - walked,
                "zipS": zipped - hashed,
                "packageS": zipped - walked,
                "uri": uri,
                "entries": entries,
                "zipBytes": output.stat().st_size,
                "rssBeforeKiB": rss_before,
                "peakRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main()
