-- Consultation rooms. The log (entries) is the truth; rooms, members, grants, decisions and
-- checkpoints are projections of it, written in the same transaction, for listings across
-- rooms and for the need-to-know view of a room.

CREATE TABLE server_secrets (
    name   text PRIMARY KEY,
    value  bytea NOT NULL
);
GRANT SELECT, INSERT ON server_secrets TO kamer_runtime;

CREATE TABLE rooms (
    id             bigserial PRIMARY KEY,
    public_id      uuid NOT NULL UNIQUE,
    kind           text NOT NULL CHECK (kind IN ('lokale-kamer', 'mda++', 'vt-advies')),
    case_ref       text NOT NULL,
    title          text,
    state          text NOT NULL,
    head_seq       bigint NOT NULL DEFAULT 0,
    chair_org      integer NOT NULL REFERENCES organisations,
    regisseur_org  integer NOT NULL REFERENCES organisations,
    parent_room    bigint REFERENCES rooms,
    opened_at      timestamptz NOT NULL,
    closed_at      timestamptz,
    purged_at      timestamptz
);
CREATE INDEX rooms_closed ON rooms (closed_at) WHERE closed_at IS NOT NULL AND purged_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON rooms TO kamer_runtime;
GRANT USAGE ON SEQUENCE rooms_id_seq TO kamer_runtime;

-- The log of each room. `body` is the entry as members receive it (JSON); the other columns
-- are what the need-to-know policy needs without parsing it.
CREATE TABLE entries (
    room_id          bigint NOT NULL REFERENCES rooms,
    seq              bigint NOT NULL,
    kind             text NOT NULL,
    item_id          uuid,
    version          integer NOT NULL DEFAULT 0,
    author_org       integer NOT NULL REFERENCES organisations,
    category         text,
    audience         integer[],
    subject_org      integer,
    signal           boolean NOT NULL DEFAULT false,
    signal_audience  integer[],
    persons          text[] NOT NULL DEFAULT '{}',
    at               timestamptz NOT NULL,
    body             text NOT NULL,
    signal_body      text,
    PRIMARY KEY (room_id, seq)
);
CREATE INDEX entries_item ON entries (item_id) WHERE item_id IS NOT NULL;
-- UPDATE only to remove content: redaction and retention.
GRANT SELECT, INSERT, UPDATE ON entries TO kamer_runtime;

CREATE TABLE members (
    room_id  bigint NOT NULL REFERENCES rooms,
    org_id   integer NOT NULL REFERENCES organisations,
    role     text NOT NULL,
    status   text NOT NULL,
    PRIMARY KEY (room_id, org_id)
);
CREATE INDEX members_org ON members (org_id, room_id);
GRANT SELECT, INSERT, UPDATE ON members TO kamer_runtime;

CREATE TABLE grants (
    room_id     bigint NOT NULL REFERENCES rooms,
    item_id     uuid NOT NULL,
    org_id      integer NOT NULL REFERENCES organisations,
    request_id  uuid NOT NULL,
    PRIMARY KEY (item_id, org_id)
);
GRANT SELECT, INSERT, UPDATE ON grants TO kamer_runtime;

CREATE TABLE decisions (
    item_id    uuid PRIMARY KEY,
    room_id    bigint NOT NULL REFERENCES rooms,
    seq        bigint NOT NULL,
    owner_org  integer NOT NULL REFERENCES organisations,
    due        date NOT NULL,
    done       boolean NOT NULL DEFAULT false
);
CREATE INDEX decisions_open ON decisions (room_id) WHERE NOT done;
GRANT SELECT, INSERT, UPDATE ON decisions TO kamer_runtime;

CREATE TABLE checkpoints (
    item_id    uuid NOT NULL,
    due        date NOT NULL,
    room_id    bigint NOT NULL REFERENCES rooms,
    seq        bigint NOT NULL,
    owner_org  integer NOT NULL REFERENCES organisations,
    held       boolean,
    PRIMARY KEY (item_id, due)
);
CREATE INDEX checkpoints_due ON checkpoints (due) WHERE held IS NULL;
GRANT SELECT, INSERT, UPDATE ON checkpoints TO kamer_runtime;

-- Idempotency: the reply to every change, by the client message id that asked for it.
CREATE TABLE ops (
    org_id        integer NOT NULL REFERENCES organisations,
    client_id     text NOT NULL,
    request_hash  bytea NOT NULL,
    reply         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, client_id)
);
GRANT SELECT, INSERT, DELETE ON ops TO kamer_runtime;

-- The disclosure log (NEN 7513): every decision to disclose or withhold an item, per
-- recipient. Append-only: the runtime role may only read and insert, and no role may change
-- a row. Tamper-evident: each row's hash covers the previous row's hash and its own body.
CREATE TABLE disclosures (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,
    room_id    bigint REFERENCES rooms,
    how        text NOT NULL,
    records    integer NOT NULL,
    body       text NOT NULL,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);
CREATE INDEX disclosures_room ON disclosures (room_id, seq);
REVOKE ALL ON disclosures FROM kamer_runtime;
GRANT SELECT, INSERT ON disclosures TO kamer_runtime;

CREATE FUNCTION disclosures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the disclosure log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER disclosures_no_update BEFORE UPDATE OR DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION disclosures_append_only();
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures
    FOR EACH STATEMENT EXECUTE FUNCTION disclosures_append_only();
