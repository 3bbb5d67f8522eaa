-- Append a user and an assistant message (300 and 600 bytes) to the client's session, then
-- read the last 20: lock the session, insert, bump it, commit; read.
BEGIN;
SELECT last_seq FROM floor.sessions WHERE id = :client_id FOR UPDATE \gset
INSERT INTO floor.messages VALUES (:client_id, :last_seq + 1, 'user', repeat('u', 300), 0), (:client_id, :last_seq + 2, 'assistant', repeat('a', 600), 0);
UPDATE floor.sessions SET last_seq = :last_seq + 2, version = version + 1, updated_at = 0 WHERE id = :client_id;
COMMIT;
SELECT seq, role, content FROM floor.messages WHERE session_id = :client_id ORDER BY seq DESC LIMIT 20;
