//! Strict validation (OWNER: validator). Stub.
