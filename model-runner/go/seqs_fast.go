package main

// How the Go main wraps the slices its JSON reader builds, in the shipped
// binary: without a copy (SeqOfSlice and TupleOfSlice are additions of the
// speed-patched runtime, runtime/dafny.go; the reader never touches a slice
// after handing it over).

import _dafny "dafny"

func newSeq(items []interface{}) _dafny.Seq { return _dafny.SeqOfSlice(items) }

func newTuple(pair []interface{}) _dafny.Tuple { return _dafny.TupleOfSlice(pair) }
