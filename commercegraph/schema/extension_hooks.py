"""Strawberry's extension runner, with each extension class's hooks wrapped once.

Strawberry looks up each of the four lifecycle hooks on every extension and wraps each hook
it finds in a fresh context manager, for every request. Which hooks a class implements, and
their wrappers, do not change between requests: they are worked out once per class here, and
a request only binds them to its own extension instances, in the same order, entered and
left as Strawberry does.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from asyncio import iscoroutinefunction
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

# (extension class, hook name) -> (the hook's context manager taking the extension, whether
# it is async), or None when the class keeps SchemaExtension's default: no hook
_Wrapper = tuple[Callable[[SchemaExtension], Any], bool] | None
_WRAPPERS: dict[tuple[type, str], _Wrapper] = {}


def _wrapper(cls: type, name: str) -> _Wrapper:
    hook: Any = getattr(cls, name)
    if hook is getattr(SchemaExtension, name):
        return None
    if inspect.isgeneratorfunction(hook):
        return contextlib.contextmanager(hook), False
    if inspect.isasyncgenfunction(hook):
        return contextlib.asynccontextmanager(hook), True
    if not callable(hook):
        raise ValueError(f"Hook {name} on {cls} must be callable, received {hook!r}")
    if iscoroutinefunction(hook):

        @contextlib.asynccontextmanager
        async def awaited(extension: SchemaExtension) -> AsyncIterator[None]:
            await hook(extension)
            yield

        return awaited, True

    @contextlib.contextmanager
    def called(extension: SchemaExtension) -> Iterator[None]:
        hook(extension)
        yield

    return called, False


def _hooks(extensions: list[SchemaExtension], name: str) -> list[WrappedHook]:
    hooks: list[WrappedHook] = []
    for extension in extensions:
        key = (extension.__class__, name)
        try:
            found = _WRAPPERS[key]
        except KeyError:
            found = _WRAPPERS[key] = _wrapper(extension.__class__, name)
        if found is not None:
            wrapper, is_async = found
            hooks.append(WrappedHook(extension, functools.partial(wrapper, extension), is_async))
    return hooks


class _OnceWrapped(ExtensionContextManagerBase):
    __slots__ = ()

    def __init__(self, extensions: list[SchemaExtension]) -> None:
        self.hooks = _hooks(extensions, self.HOOK_NAME)


class _Operation(_OnceWrapped, OperationContextManager):
    __slots__ = ()


class _Validation(_OnceWrapped, ValidationContextManager):
    __slots__ = ()


class _Parsing(_OnceWrapped, ParsingContextManager):
    __slots__ = ()


class _Executing(_OnceWrapped, ExecutingContextManager):
    __slots__ = ()


class ExtensionsRunner(SchemaExtensionsRunner):
    """``SchemaExtensionsRunner`` with each class's hooks wrapped once, not per request."""

    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)
