"""Enough of kustomize to render our overlays without kubectl: resources (files and
directories), namespace, labels, images and strategic-merge patches (lists of named
items, such as containers and env, merge by name; other lists are replaced)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Doc = dict[str, Any]


def _key(doc: Doc) -> tuple[str, str]:
    return doc["kind"], doc["metadata"]["name"]


def merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if (
        isinstance(base, list)
        and isinstance(patch, list)
        and all(isinstance(i, dict) and "name" in i for i in [*base, *patch])
    ):
        by_name = {item["name"]: item for item in base}
        out = [
            merge(item, next((p for p in patch if p["name"] == item["name"]), {})) for item in base
        ]
        return out + [copy.deepcopy(p) for p in patch if p["name"] not in by_name]
    return copy.deepcopy(patch)


def _load(path: Path) -> list[Doc]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _images(node: Any, images: list[Doc]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "image" and isinstance(value, str):
                for image in images:
                    if value.split(":")[0] in (image["name"], image.get("newName")):
                        node[key] = f"{image.get('newName', image['name'])}:{image['newTag']}"
            else:
                _images(value, images)
    elif isinstance(node, list):
        for item in node:
            _images(item, images)


def render(directory: Path) -> list[Doc]:
    spec = yaml.safe_load((directory / "kustomization.yaml").read_text())
    docs: list[Doc] = []
    for resource in spec.get("resources", []):
        path = directory / resource
        docs += render(path) if path.is_dir() else _load(path)
    for patch in spec.get("patches", []):
        for change in _load(directory / patch["path"]):
            index = next(i for i, d in enumerate(docs) if _key(d) == _key(change))
            docs[index] = merge(docs[index], change)
    for doc in docs:
        for entry in spec.get("labels", []):
            doc["metadata"].setdefault("labels", {}).update(entry["pairs"])
        if "namespace" in spec:
            doc["metadata"]["namespace"] = spec["namespace"]
        _images(doc, spec.get("images", []))
    return docs
