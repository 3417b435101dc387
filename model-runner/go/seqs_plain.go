package main

// How the Go main wraps the slices its JSON reader builds, in the plain
// binary (scripts/check-model): through the packaged runtime's own
// constructors, which copy.

import _dafny "dafny"

func newSeq(items []interface{}) _dafny.Seq { return _dafny.SeqOf(items...) }

func newTuple(pair []interface{}) _dafny.Tuple { return _dafny.TupleOf(pair...) }
