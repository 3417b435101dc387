//! Input generators (OWNER: harness). Stub.
