-- Disclosure rows of a resume or a listing hold hundreds of records (100 KB and more), which
-- PostgreSQL compresses when it stores them out of line. lz4 does that several times faster
-- than the default pglz, at about the same size; rows already written keep their compression.
ALTER TABLE disclosures ALTER COLUMN body SET COMPRESSION lz4;
