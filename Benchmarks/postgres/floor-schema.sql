-- The floor: the same work as the store's conversation turn and run step, written by hand
-- against bare tables, with nothing above PostgreSQL but pgbench. Each pgbench client works on
-- its own session and its own run (:client_id), as each `agentstate bench` client does.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS floor CASCADE;
CREATE SCHEMA floor;
SET search_path = floor;

CREATE TABLE sessions (id bigint PRIMARY KEY, last_seq bigint NOT NULL, version bigint NOT NULL, updated_at bigint NOT NULL);
CREATE TABLE messages (session_id bigint NOT NULL, seq bigint NOT NULL, role text NOT NULL, content text NOT NULL,
                       created_at bigint NOT NULL, PRIMARY KEY (session_id, seq));
INSERT INTO sessions SELECT g, 0, 0, 0 FROM generate_series(0, 1023) g;

CREATE TABLE runs (id bigint PRIMARY KEY, version bigint NOT NULL, checkpoint_seq bigint NOT NULL, step text);
CREATE TABLE steps (run_id bigint NOT NULL, name text NOT NULL, result text NOT NULL, PRIMARY KEY (run_id, name));
CREATE TABLE checkpoints (run_id bigint NOT NULL, seq bigint NOT NULL, body text NOT NULL, PRIMARY KEY (run_id, seq));
INSERT INTO runs SELECT g, 0, 0, NULL FROM generate_series(0, 1023) g;
