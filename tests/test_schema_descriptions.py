"""Every type, field, argument and enum value of the public schema says what it is."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from commercegraph.schema import build_schema

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed() -> list[str]:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, t in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not (t.description or "").strip():
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for fname, f in t.fields.items():
                if not (f.description or "").strip():
                    missing.append(f"{name}.{fname}")
                for aname, a in f.args.items():
                    if not (a.description or "").strip():
                        missing.append(f"{name}.{fname}({aname})")
        elif isinstance(t, GraphQLInputObjectType):
            for fname, f in t.fields.items():
                if not (f.description or "").strip():
                    missing.append(f"{name}.{fname}")
        elif isinstance(t, GraphQLEnumType):
            for vname, v in t.values.items():
                if not (v.description or "").strip():
                    missing.append(f"{name}.{vname}")
        else:
            assert isinstance(t, GraphQLScalarType | GraphQLUnionType), name
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed()
    assert not missing, f"{len(missing)} undescribed: " + ", ".join(missing)


def test_date_time_names_its_specification() -> None:
    date_time = build_schema()._schema.type_map["DateTime"]
    assert isinstance(date_time, GraphQLScalarType)
    assert date_time.specified_by_url == "https://scalars.graphql.org/andimarek/date-time"
