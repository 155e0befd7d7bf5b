"""Offline container images: where no registry answers, build every image from a Debian base made by debootstrap.

- `recipes`: one recipe per image (`images/<name>/` at the project root, plus extra context such as a service's own code).
- `hashing`: the content hash that names an image (`datastack/<name>:<hash>`), so an unchanged recipe is reused.
- `base`: the debootstrap base (`datastack/base:<hash>`) every recipe builds FROM.
- `build`: builds or reuses the base and the recipes through the Docker SDK.
- `cli`: `datastack images build|list`.
"""
