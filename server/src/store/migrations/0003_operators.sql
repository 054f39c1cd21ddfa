-- Operator organisations (the party that runs Kamer) may administer the registry and run
-- retention through the protocol; every organisation's privacy officer may verify the log.
ALTER TABLE organisations ADD COLUMN operator boolean NOT NULL DEFAULT false;
