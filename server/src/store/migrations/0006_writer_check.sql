-- The writer's check for a batch it runs on rooms it holds in memory (one round trip instead of
-- two): locks the rooms, in the order every writer locks them, and fails with SQLSTATE KM001
-- when any of them is not at the position the writer holds (another node wrote it meanwhile).
-- The transaction is then rolled back, and the writer runs the batch again the long way.
CREATE FUNCTION kamer_expect_heads(ids uuid[], heads bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM rooms r JOIN unnest(ids, heads) AS w(public_id, head_seq)
            ON r.public_id = w.public_id AND r.head_seq = w.head_seq
            ORDER BY r.id FOR NO KEY UPDATE OF r) AS locked) <> cardinality(ids) THEN
        RAISE EXCEPTION USING ERRCODE = 'KM001', MESSAGE = 'a room moved on since the writer read it';
    END IF;
END $$;
