//! Upstream comparisons (OWNER: cli). Stub.
