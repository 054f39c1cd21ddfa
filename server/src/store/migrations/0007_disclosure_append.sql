-- The disclosure log's append in one statement, so that it is one round trip (autocommitted):
-- under the chain's lock, the rows are inserted only when the log's last row is the one the
-- node chained them to (after_seq and after_hash; 0 and the hash of zeros for an empty log).
-- Otherwise SQLSTATE KM002: another node appended meanwhile; the node reads the head again
-- and builds its rows again.
-- The bodies travel as one binary parameter, cut apart by position: inside a JSON or array
-- literal PostgreSQL would parse every escaped character (5 ms for the row of one resume page).
CREATE FUNCTION kamer_append_disclosures(rows json, bodies bytea, after_seq bigint, after_hash bytea)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;  -- NULL: the log is empty
    last_hash bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(7737585917278056295);  -- 0x6b616d65726c6f67, "kamerlog"
    SELECT seq, hash INTO last_seq, last_hash FROM disclosures ORDER BY seq DESC LIMIT 1;
    IF coalesce(last_seq, 0) <> after_seq OR (last_seq IS NOT NULL AND last_hash <> after_hash) THEN
        RAISE EXCEPTION USING ERRCODE = 'KM002', MESSAGE = 'the disclosure log moved on since the node read it';
    END IF;
    INSERT INTO disclosures (seq, at, room_id, how, records, body, prev_hash, hash)
    SELECT r.seq, r.at, r.room_id, r.how, r.records,
           convert_from(substring(bodies FROM r.start FOR r.length), 'UTF8'),
           decode(r.prev_hash, 'hex'), decode(r.hash, 'hex')
    FROM json_to_recordset(rows) AS r(seq bigint, at timestamptz, room_id bigint, how text, records integer,
                                      start integer, length integer, prev_hash text, hash text);
END $$;
