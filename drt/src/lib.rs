//! Differential core (OWNER: harness). Stub.
