#!/usr/bin/env python3
"""tests/bench/evict.py DIR...: drops the cached data of every file under each DIR
(posix_fadvise DONTNEED, after a sync so the pages are clean), and nothing else.

The benchmark keeps the outputs of its earlier runs until its end (see the notes on
ext4 in docs/benchmarks.md); their pages fill the page cache, and a build or copy that
must reclaim them first is slowed, the copy more than the build. Emptying the whole
cache (drop_caches) also drops the file system's metadata and slows the small runs
instead; this drops only those files' data."""
import os
import sys


def main():
    os.sync()
    for top in sys.argv[1:]:
        for root, _dirs, files in os.walk(top):
            for name in files:
                path = os.path.join(root, name)
                try:
                    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
                except OSError:
                    continue
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
