-- hoso's PostgreSQL roles, run by an administrator in hoso's database (storage/roles.py).
-- {migrate} owns the schema and runs the migrations; {worker} reads and writes rows
-- and can neither drop nor alter a table (it owns none); {portal} reads the columns
-- a lookup by receipt number shows, nothing else (portal_grants below).
-- Placeholders are filled with psycopg.sql (identifiers quoted, passwords as literals).

-- part: roles
REVOKE ALL ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT ON DATABASE {database} TO {migrate}, {worker}, {portal};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO {migrate};
GRANT USAGE ON SCHEMA public TO {worker}, {portal};
ALTER DEFAULT PRIVILEGES FOR ROLE {migrate} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {worker};
ALTER DEFAULT PRIVILEGES FOR ROLE {migrate} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {worker};

-- part: after_migrations
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {worker};
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {worker};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {portal};
GRANT SELECT (receipt, status, procedure, office, commune, due, received_at, updated_at) ON dossier TO {portal};
