//! Runner for the integration-test format (OWNER: cli). Stub.
