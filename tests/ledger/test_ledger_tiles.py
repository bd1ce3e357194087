"""C2SP tlog-tiles: paths, entry bundles, which tiles a tree has, and building them incrementally."""

from __future__ import annotations

import os
import random

import pytest

from ftigate.ledger.errors import MalformedError
from ftigate.ledger.hashing import leaf_hash, merkle_root
from ftigate.ledger.proofs import consistency_proof, inclusion_proof, memory_reader, tree_root
from ftigate.ledger.tiles import (
    TileBuilder,
    all_tiles,
    decode_bundle,
    encode_bundle,
    entries_path,
    parse_tile_path,
    partial_tiles,
    tile_node_reader,
    tile_path,
)

from .conftest import load

V = load("signed_notes.json")


def test_tile_and_bundle_paths_match_the_spec_and_reference_implementations():
    for level, index, width, path in V["tile_paths"]:
        assert tile_path(level, index, width) == path
        assert parse_tile_path(path) == (level, index, width)
    for index, width, path in V["entries_paths"]:
        assert entries_path(index, width) == path
        assert parse_tile_path(path) == (None, index, width)
    for bad in ["tile/0/1234", "tile/0/x000/001", "tile/64/000", "tile/0/000.p/256", "tile/0/000.p/0",
                "tile/entries/1", "tile/3/5/x123/x456/078", "tile/-1/000"]:
        with pytest.raises(MalformedError):
            parse_tile_path(bad)


def test_the_spec_examples_of_which_tiles_a_tree_has():
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile of
    #  width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial level 2
    #  tile of width 1. Note that a tree of size 256 will be represented by a full level 0 tile and a
    #  partial level 1 tile of width 1."
    tiles = list(all_tiles(70_000))
    assert sum(1 for t in tiles if t[0] == 0 and t[2] == 256) == 273
    assert partial_tiles(70_000) == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]
    assert sum(1 for t in tiles if t[0] == 1 and t[2] == 256) == 1
    assert list(all_tiles(256)) == [(0, 0, 256), (1, 0, 1)]
    assert list(all_tiles(0)) == []


def test_bundles_roundtrip_and_reject_truncation():
    entries = [b"", b"a", os.urandom(300), b"x" * 65535]
    data = encode_bundle(entries)
    assert data[:5] == b"\x00\x00\x00\x01a"
    assert decode_bundle(data) == entries
    with pytest.raises(MalformedError):
        decode_bundle(data[:-1])
    with pytest.raises(ValueError):
        encode_bundle([b"x" * 65536])


def test_builder_in_random_batches_gives_the_tiles_and_root_of_the_whole_tree():
    rng = random.Random(5)
    hashes = [leaf_hash(rng.randbytes(6)) for _ in range(70_000)]
    builder, tiles, at = TileBuilder(), {}, 0
    while at < len(hashes):
        step = rng.choice([1, 3, 255, 256, 257, 4000])
        for level, index, content in builder.add(hashes[at:at + step]):
            tiles[(level, index)] = content
        at += step
        if rng.random() < 0.05:  # restart from the stored partial tiles, as an append does
            builder = TileBuilder(builder.size, {lvl: c for lvl, _, c in builder.partial_tiles()})
    for level, index, content in builder.partial_tiles():
        tiles[(level, index)] = content
    assert builder.root() == merkle_root(hashes)
    assert {(lvl, idx): len(c) // 32 for (lvl, idx), c in tiles.items()} == \
        {(lvl, idx): w for lvl, idx, w in all_tiles(70_000)}
    reader, reference = tile_node_reader(lambda keys: tiles), memory_reader(hashes)
    for index in (0, 255, 256, 65535, 65536, 69_999):
        assert inclusion_proof(index, 70_000, reader) == inclusion_proof(index, 70_000, reference)
    for old in (1, 256, 65536, 69_999):
        assert consistency_proof(old, 70_000, reader) == consistency_proof(old, 70_000, reference)
    assert tree_root(66_000, reader) == merkle_root(hashes[:66_000])


def test_builder_refuses_partial_tiles_of_the_wrong_width():
    with pytest.raises(MalformedError):
        TileBuilder(300, {0: b"\x00" * 32})


def test_reader_reports_a_missing_tile():
    with pytest.raises(MalformedError):
        tree_root(300, tile_node_reader(lambda keys: {}))
