"""Load YAML safely while recording the line each mapping, sequence, key and item starts on.

:class:`LineLoader` is a safe loader (libyaml's ``CSafeLoader`` where PyYAML has it, else
``SafeLoader``) that only records where each node
starts (and which mapping keys repeat), so loading stays safe. Mappings load as
:class:`LineDict` and sequences as :class:`LineList`; :func:`locate_line` and
:func:`locate_item_line` read the recorded lines back for error messages.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A YAML mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML sequence that knows the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list


class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when installed
    """SafeLoader that records 1-based start lines of mappings, sequences and their items.

    Parameters
    ----------
    stream : str
        The YAML text to load.

    Attributes
    ----------
    duplicate_keys : list of tuple
        ``(key, line)`` for every key that repeats within one mapping (the later one wins).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[Any, int]] = []


def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    """Build a :class:`LineDict` from a mapping node, noting key lines and duplicate keys.

    Parameters
    ----------
    loader : LineLoader
        The loader building the document.
    node : yaml.MappingNode
        The mapping node to construct.

    Returns
    -------
    LineDict
        The mapping with ``line`` and ``key_lines`` set.

    Raises
    ------
    yaml.constructor.ConstructorError
        When a key is not a scalar (unhashable).
    """
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            )
        if key in result:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> LineList:
    """Build a :class:`LineList` from a sequence node, noting the line of each item.

    Parameters
    ----------
    loader : LineLoader
        The loader building the document.
    node : yaml.SequenceNode
        The sequence node to construct.

    Returns
    -------
    LineList
        The sequence with ``line`` and ``item_lines`` set.
    """
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


LineLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_sequence)


def locate_line(node: Any, key: Any = None, default: int = 1) -> int:
    """Return the line of a loaded node, or of one of its keys.

    Parameters
    ----------
    node : Any
        A loaded value (a :class:`LineDict` or :class:`LineList` carries its line).
    key : Any, optional
        A key of a :class:`LineDict`; its line is returned when recorded.
    default : int, optional
        The line for values that carry none (scalars, None).

    Returns
    -------
    int
        The 1-based line number.
    """
    if isinstance(node, LineDict):
        return node.key_lines.get(key, node.line) if key is not None else node.line
    return getattr(node, "line", default)


def locate_item_line(items: Any, index: int, fallback: int) -> int:
    """Return the line of item ``index`` of a loaded sequence, or ``fallback`` if unknown.

    Parameters
    ----------
    items : Any
        A loaded sequence (a :class:`LineList` knows the line of each item).
    index : int
        The position of the item.
    fallback : int
        The line to use when ``items`` records no item lines.

    Returns
    -------
    int
        The 1-based line number.
    """
    return items.item_lines[index] if isinstance(items, LineList) else fallback
