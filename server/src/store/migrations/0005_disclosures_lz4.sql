-- Disclosure rows of a resume or a listing hold hundreds of records (100 KB and more), which
-- PostgreSQL compresses when it stores them out of line. lz4 costs less CPU than the default
-- pglz and compresses them as well (to a quarter); rows already written keep their compression.
ALTER TABLE disclosures ALTER COLUMN body SET COMPRESSION lz4;
