"""Operations settings: structured logs, request ids, read replicas (see docs/operations.md)."""
