-- Held files (issue 12, 0021): a version staff withdrew is kept (its row
-- and its bytes) but never served again; withdrawn is when ('' while it is
-- served). A resource's current file is its highest version not withdrawn.
-- text_note says why a version gave no text ("kept without text: ..."),
-- for staff; '' when its text was read.
ALTER TABLE resource_files ADD COLUMN withdrawn TEXT NOT NULL DEFAULT '';
ALTER TABLE resource_files ADD COLUMN text_note TEXT NOT NULL DEFAULT '';
