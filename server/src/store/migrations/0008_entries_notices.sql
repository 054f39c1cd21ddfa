-- Invitations and removals by their subject. A node whose listener was cut off misses the
-- notices other nodes' writes would have sent to organisations connected to it; when it is back
-- it looks up those committed meanwhile for the organisations connected to it.
CREATE INDEX entries_notices ON entries (subject_org, at) WHERE kind IN ('member.invited', 'member.removed');
