-- The partner registry and the runtime role.
-- Migrations run as the schema owner. The server runs as a login role that is a member of
-- kamer_runtime and gets only the privileges granted here, table by table.
-- Roles belong to the whole cluster while the migration lock is per database: another
-- database being migrated at the same moment may create the role first.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kamer_runtime') THEN
        CREATE ROLE kamer_runtime NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO kamer_runtime;
GRANT SELECT ON schema_migrations TO kamer_runtime;

CREATE TABLE organisations (
    id          serial PRIMARY KEY,
    oin         text NOT NULL UNIQUE CHECK (oin ~ '^[0-9]{20}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    sector      text NOT NULL CHECK (sector IN ('politie', 'om', 'reclassering', 'gi', 'ggz',
                    'veilig-thuis', 'gemeente', 'lokaal-team', 'zvh', 'vrouwenopvang', 'rvdk')),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON organisations TO kamer_runtime;
GRANT USAGE ON SEQUENCE organisations_id_seq TO kamer_runtime;

-- Every node reloads its in-memory registry when it changes.
CREATE FUNCTION notify_registry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kamer_registry', NEW.oin);
    RETURN NULL;
END
$$;
CREATE TRIGGER organisations_changed AFTER INSERT OR UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION notify_registry_changed();
