-- Write a step's result, then a 2 KB checkpoint, then read the checkpoint back, on the client's
-- run: each write locks the run, writes, bumps the run's version, commits.
BEGIN;
SELECT version, checkpoint_seq FROM floor.runs WHERE id = :client_id FOR UPDATE \gset
INSERT INTO floor.steps VALUES (:client_id, 's' || (:checkpoint_seq % 10), '{"ok": true}')
    ON CONFLICT (run_id, name) DO UPDATE SET result = excluded.result;
UPDATE floor.runs SET version = version + 1 WHERE id = :client_id;
COMMIT;
BEGIN;
SELECT checkpoint_seq FROM floor.runs WHERE id = :client_id FOR UPDATE \gset
INSERT INTO floor.checkpoints VALUES (:client_id, :checkpoint_seq + 1, '{"cursor":' || :checkpoint_seq || ',"notes":"' || repeat('n', 2000) || '"}');
UPDATE floor.runs SET checkpoint_seq = :checkpoint_seq + 1, version = version + 1 WHERE id = :client_id;
COMMIT;
SELECT body FROM floor.checkpoints WHERE run_id = :client_id ORDER BY seq DESC LIMIT 1;
