"""Some top-level fields of a stored BSON document, decoded without the rest.

A list page asks for five fields of a case that holds some forty embedded rows; decoding the
whole document was most of what a row cost. BSON says how long each element is, so the elements
asked for are copied out as they are, into a smaller document that ``bson`` decodes as usual:
values, types and codec options are bson's own.
"""

from __future__ import annotations

import struct
from typing import Any

import bson

_INT32 = struct.Struct("<i")

# Element types whose value has a fixed size (bytes after the element's name).
_FIXED_SIZE = {
    0x01: 8,  # double
    0x06: 0,  # undefined
    0x07: 12,  # ObjectId
    0x08: 1,  # boolean
    0x09: 8,  # UTC datetime
    0x0A: 0,  # null
    0x10: 4,  # int32
    0x11: 8,  # timestamp
    0x12: 8,  # int64
    0x13: 16,  # decimal128
    0x7F: 0,  # max key
    0xFF: 0,  # min key
}
_STRING_LIKE = (0x02, 0x0D, 0x0E)  # string, JavaScript code, symbol: int32 length + bytes
_SIZED = (0x03, 0x04, 0x0F)  # document, array, code with scope: int32 total size first


def _value_end(blob: bytes, kind: int, start: int) -> int:
    """Where the value of an element of ``kind`` starting at ``start`` ends."""
    if kind in _FIXED_SIZE:
        return start + _FIXED_SIZE[kind]
    if kind in _STRING_LIKE:
        return start + 4 + _INT32.unpack_from(blob, start)[0]
    if kind in _SIZED:
        return start + _INT32.unpack_from(blob, start)[0]
    if kind == 0x05:  # binary: int32 length, subtype byte, bytes
        return start + 5 + _INT32.unpack_from(blob, start)[0]
    if kind == 0x0B:  # regex: pattern and options, two C strings
        return blob.index(0, blob.index(0, start) + 1) + 1
    if kind == 0x0C:  # DBPointer: a string, then an ObjectId
        return start + 4 + _INT32.unpack_from(blob, start)[0] + 12
    raise bson.InvalidBSON(f"unknown BSON element type 0x{kind:02x}")


def decode_fields(blob: bytes, wanted: frozenset[bytes], codec_options: Any) -> dict:
    """The top-level fields of ``blob`` named in ``wanted`` (names as UTF-8 bytes), in the
    document's order, decoded as ``bson.decode(blob)`` would decode them."""
    parts = []
    position, end = 4, len(blob) - 1  # after the document's size, before its final NUL
    if _INT32.unpack_from(blob)[0] != len(blob) or blob[end] != 0:
        raise bson.InvalidBSON("the document's size is not its length")
    try:
        while position < end and len(parts) < len(wanted):  # (each name is there once)
            kind = blob[position]
            name_end = blob.index(0, position + 1)
            value_end = _value_end(blob, kind, name_end + 1)
            if blob[position + 1:name_end] in wanted:
                parts.append(blob[position:value_end])
            position = value_end
    except (ValueError, IndexError, struct.error) as error:
        raise bson.InvalidBSON(f"damaged document: {error}") from error
    if position > end:
        raise bson.InvalidBSON("element sizes do not add up to the document's")
    body = b"".join(parts)
    return bson.decode(_INT32.pack(len(body) + 5) + body + b"\x00", codec_options=codec_options)
