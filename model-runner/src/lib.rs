//! Client for the model-runner binary (OWNER: model). Stub.
