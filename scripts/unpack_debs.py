#!/usr/bin/env python3
"""Unpacks .deb files into a folder without dpkg (the GPU machine has none): a .deb is an ar
archive whose data.tar.* member holds the files. Standard library only.

usage: unpack_debs.py DEBS_DIR DEST
"""
import io
import pathlib
import sys
import tarfile


def ar_members(blob: bytes):
    if not blob.startswith(b"!<arch>\n"):
        raise ValueError("not an ar archive")
    pos = 8
    while pos + 60 <= len(blob):
        header = blob[pos:pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        yield name, blob[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    debs, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    dest.mkdir(parents=True, exist_ok=True)
    count = 0
    for deb in sorted(debs.glob("*.deb")):
        for name, data in ar_members(deb.read_bytes()):
            if name.startswith("data.tar"):
                with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                    tar.extractall(dest)
                count += 1
    print(f"unpacked {count} packages into {dest}")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
