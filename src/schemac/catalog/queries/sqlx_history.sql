-- sqlx's record of applied migrations (read only when the table exists and is readable); {table}: _sqlx_migrations,
-- or sqlx.toml's table-name, quoted by psycopg.sql.
SELECT version, description, success, checksum
FROM {table}
ORDER BY version;
