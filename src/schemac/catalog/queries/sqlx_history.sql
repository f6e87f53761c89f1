-- sqlx's record of applied migrations (read only when the table exists and is readable).
SELECT version, description, success, checksum
FROM _sqlx_migrations
ORDER BY version;
