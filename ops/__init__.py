"""Operations: metrics, health checks, structured logs and the admin dashboard."""
