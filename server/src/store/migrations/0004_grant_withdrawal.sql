-- A grant can be withdrawn by the owning organisation. The row stays (it is the record of
-- the basis on which the item was disclosed); only grants in force widen the audience.
ALTER TABLE grants ADD COLUMN withdrawn boolean NOT NULL DEFAULT false;
