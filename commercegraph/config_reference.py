"""The configuration reference, generated from the settings models.

``commercegraph config-reference`` writes ``docs/configuration.md``; a test fails when the
page drifts from the models or when a setting has no description (from its ``Field`` or from
``config_descriptions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from pydantic_settings import BaseSettings

from commercegraph.config import DOMAINS, Settings
from commercegraph.config_descriptions import DESCRIPTIONS

# Groups of the page, by field-name prefix; the first that matches wins.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Adapters and backends", ("adapters.", "rest.", "resilience.", "faults")),
    ("Telemetry", ("otel.",)),
    ("Authentication", ("jwt_", "token_")),
    ("Query limits", ("limit_", "batch_", "persisted_")),
    ("Rate limits", ("rate_limit_",)),
    ("Cache and Redis", ("redis_", "cache_")),
    ("Inventory and bundles", ("fulfillment_", "reservation_", "bundle_")),
    ("Events", ("events_",)),
    ("Wallet and loyalty", ("wallet_", "loyalty_")),
    ("Personalisation", ("reco_", "replenishment_", "offers_")),
    ("Webhooks", ("webhook_",)),
)


@dataclass(frozen=True)
class Setting:
    path: str  # "rest.<domain>.url"
    variable: str  # "CG_REST__<DOMAIN>__URL"
    type: str
    default: str
    description: str | None


def _is_model(tp: Any, base: type[BaseModel] = BaseModel) -> bool:
    return isinstance(tp, type) and issubclass(tp, base)


def _per_domain(model: type[BaseModel]) -> bool:
    return set(model.model_fields) == set(DOMAINS)


def _type_name(field: FieldInfo) -> str:
    text = str(field.annotation).replace("typing.", "")
    if isinstance(field.annotation, type):
        text = field.annotation.__name__
    return text.replace("NoneType", "None")


def _default(field: FieldInfo) -> str:
    value = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    if isinstance(value, Enum):
        value = value.value
    if value is None:
        return "unset"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value)
    return str(value)


def settings(model: type[BaseModel] = Settings, path: str = "", env: str = "CG_") -> list[Setting]:
    """Every leaf setting; per-domain groups appear once, with ``<domain>``."""
    found: list[Setting] = []
    for name, field in model.model_fields.items():
        tp = field.annotation
        if _is_model(tp, BaseSettings):
            prefix = str(tp.model_config.get("env_prefix", ""))  # type: ignore[union-attr]
            found += settings(tp, f"{path}{name}.", prefix)  # type: ignore[arg-type]
        elif _is_model(tp) and _per_domain(tp):  # type: ignore[arg-type]
            inner = tp.model_fields["commerce"].annotation  # type: ignore[union-attr]
            here = f"{path}{name}.<domain>"
            if _is_model(inner):
                found += settings(inner, f"{here}.", f"{env}{name.upper()}__<DOMAIN>__")
            else:
                field = tp.model_fields["commerce"]  # type: ignore[union-attr]
                found.append(_leaf(here, f"{env}{name.upper()}__<DOMAIN>", field))
        elif _is_model(tp):
            found += settings(tp, f"{path}{name}.", f"{env}{name.upper()}__")  # type: ignore[arg-type]
        else:
            found.append(_leaf(f"{path}{name}", f"{env}{name.upper()}", field))
    return found


def _leaf(path: str, variable: str, field: FieldInfo) -> Setting:
    description = field.description or DESCRIPTIONS.get(path)
    return Setting(path, variable, _type_name(field), _default(field), description)


def _group(path: str) -> str:
    for title, prefixes in GROUPS:
        if path.startswith(prefixes):
            return title
    return "General"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    rows = settings()
    groups: dict[str, list[Setting]] = {"General": []}
    for title, _ in GROUPS:
        groups[title] = []
    for row in rows:
        groups[_group(row.path)].append(row)
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated from the settings models by `commercegraph config-reference`. -->",
        "",
        "Every setting is an environment variable. Nested groups use `__`; "
        "`<DOMAIN>` is one of " + ", ".join(f"`{d.upper()}`" for d in DOMAINS) + ". "
        "Lists and maps are JSON. The `OTEL_*` variables are OpenTelemetry's own; the OTLP "
        "exporters also read the rest of `OTEL_EXPORTER_OTLP_*` (endpoint, headers, ...).",
        "",
    ]
    for title, members in groups.items():
        if not members:
            continue
        lines += [f"## {title}", "", "| variable | type | default | meaning |", "|---|---|---|---|"]
        for s in members:
            default = f"`{_cell(s.default)}`" if s.default != "unset" else "unset"
            lines.append(
                f"| `{s.variable}` | {_cell(s.type)} | {default} | {_cell(s.description or '')} |"
            )
        lines.append("")
    return "\n".join(lines)
