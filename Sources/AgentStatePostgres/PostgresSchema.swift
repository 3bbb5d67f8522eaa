/// The schema as numbered migrations. A released migration is never edited; changes come as
/// new ones. `agentstate migrate` (or `serve --migrate`) applies them; opening a store only
/// checks that the database is up to date, so many servers never race to change it.
///
/// Every primary key and index leads with `tenant_id`, so the tables can be distributed by
/// tenant (Citus: `create_distributed_table(…, 'tenant_id')`; `api_keys` is looked up by
/// secret before the tenant is known, so it would be a reference table). Messages and events,
/// the tables that grow without end, are partitioned by time with a default partition: an
/// operator adds monthly partitions and detaches old ones without touching the store.
/// Ids and keys sort bytewise (`COLLATE "C"`), as in every backend, whatever the database's
/// locale. Times are milliseconds since 1970; records are JSON text in `doc` with the columns that
/// queries filter or sort on beside it.
enum PostgresSchema {
    struct Migration: Sendable {
        let version: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: "v1-core", sql: """
            CREATE TABLE sessions (
                tenant_id text NOT NULL, id text COLLATE "C" NOT NULL, user_id text, status text NOT NULL,
                created_at bigint NOT NULL, expires_at bigint, doc text NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX sessions_by_time ON sessions (tenant_id, created_at, id);
            CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id, created_at, id);
            CREATE INDEX sessions_by_status ON sessions (tenant_id, status, created_at, id);
            CREATE INDEX sessions_expiring ON sessions (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;

            CREATE TABLE messages (
                tenant_id text NOT NULL, session_id text NOT NULL, seq bigint NOT NULL,
                role text NOT NULL, content text NOT NULL, tokens integer NOT NULL, created_at bigint NOT NULL,
                extra text,
                PRIMARY KEY (tenant_id, session_id, seq, created_at)) PARTITION BY RANGE (created_at);
            CREATE TABLE messages_default PARTITION OF messages DEFAULT;
            CREATE INDEX messages_by_time ON messages (tenant_id, session_id, created_at, seq);

            CREATE TABLE runs (
                tenant_id text NOT NULL, id text COLLATE "C" NOT NULL, workflow text NOT NULL, status text NOT NULL,
                owner text, user_id text, session_id text, created_at bigint NOT NULL, updated_at bigint NOT NULL,
                claimable_at bigint, doc text NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX runs_by_time ON runs (tenant_id, created_at, id);
            CREATE INDEX runs_by_status ON runs (tenant_id, status, created_at, id);
            CREATE INDEX runs_by_owner ON runs (tenant_id, owner, created_at, id);
            CREATE INDEX runs_by_workflow ON runs (tenant_id, workflow, created_at, id);
            CREATE INDEX runs_by_user ON runs (tenant_id, user_id, created_at, id);
            CREATE INDEX runs_by_session ON runs (tenant_id, session_id, status);
            CREATE INDEX runs_by_update ON runs (tenant_id, updated_at);
            CREATE INDEX runs_claimable ON runs (tenant_id, claimable_at, id) WHERE claimable_at IS NOT NULL;
            CREATE INDEX runs_claimable_by_workflow ON runs (tenant_id, workflow, claimable_at, id) WHERE claimable_at IS NOT NULL;

            CREATE TABLE steps (
                tenant_id text NOT NULL, run_id text NOT NULL, name text NOT NULL, idx bigint NOT NULL, doc text NOT NULL,
                PRIMARY KEY (tenant_id, run_id, name));
            CREATE INDEX steps_in_order ON steps (tenant_id, run_id, idx);

            CREATE TABLE effects (
                tenant_id text NOT NULL, run_id text NOT NULL, key text COLLATE "C" NOT NULL, doc text NOT NULL,
                PRIMARY KEY (tenant_id, run_id, key));

            CREATE TABLE approvals (
                tenant_id text NOT NULL, id text COLLATE "C" NOT NULL, run_id text NOT NULL, status text NOT NULL,
                approver text, grp text, created_at bigint NOT NULL, expires_at bigint, doc text NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX approvals_by_time ON approvals (tenant_id, created_at, id);
            CREATE INDEX approvals_by_status ON approvals (tenant_id, status, created_at, id);
            CREATE INDEX approvals_by_approver ON approvals (tenant_id, approver, status, created_at, id);
            CREATE INDEX approvals_by_group ON approvals (tenant_id, grp, status, created_at, id);
            CREATE INDEX approvals_by_run ON approvals (tenant_id, run_id);
            CREATE INDEX approvals_due ON approvals (expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;

            CREATE TABLE timers (
                tenant_id text NOT NULL, run_id text NOT NULL, fire_at bigint NOT NULL,
                PRIMARY KEY (tenant_id, run_id));
            CREATE INDEX timers_due ON timers (fire_at);

            CREATE TABLE checkpoints (
                tenant_id text NOT NULL, run_id text NOT NULL, seq bigint NOT NULL, step text, kind text NOT NULL,
                body text NOT NULL, created_at bigint NOT NULL,
                PRIMARY KEY (tenant_id, run_id, seq));
            CREATE INDEX checkpoints_by_step ON checkpoints (tenant_id, run_id, step, seq);
            CREATE INDEX checkpoints_full ON checkpoints (tenant_id, run_id, seq) WHERE kind = 'full';

            CREATE TABLE checkpoint_heads (
                tenant_id text NOT NULL, run_id text NOT NULL, doc text NOT NULL,
                PRIMARY KEY (tenant_id, run_id));

            CREATE TABLE events (
                tenant_id text NOT NULL, stream text NOT NULL, seq bigint NOT NULL, type text NOT NULL,
                at bigint NOT NULL, data text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,
                PRIMARY KEY (tenant_id, stream, seq, at)) PARTITION BY RANGE (at);
            CREATE TABLE events_default PARTITION OF events DEFAULT;

            CREATE TABLE memory (
                tenant_id text NOT NULL, user_id text NOT NULL, namespace text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL,
                expires_at bigint, has_embedding boolean NOT NULL, text text, doc text NOT NULL,
                words tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED,
                PRIMARY KEY (tenant_id, user_id, namespace, key));
            CREATE INDEX memory_expiring ON memory (expires_at) WHERE expires_at IS NOT NULL;
            CREATE INDEX memory_words ON memory USING gin (words);

            CREATE TABLE api_keys (
                id text COLLATE "C" NOT NULL PRIMARY KEY, tenant_id text NOT NULL, secret_hash text NOT NULL UNIQUE,
                created_at bigint NOT NULL, doc text NOT NULL);
            CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at, id);

            CREATE TABLE idempotency (
                tenant_id text NOT NULL, key text NOT NULL, created_at bigint NOT NULL, doc text NOT NULL,
                PRIMARY KEY (tenant_id, key));
            CREATE INDEX idempotency_by_age ON idempotency (created_at);
            """),
        // The audit trail: one row per API request, apart from the state it describes, and
        // partitioned by time like the other tables that grow without end.
        Migration(version: "v2-audit", sql: """
            CREATE TABLE audit (
                tenant_id text NOT NULL, id text COLLATE "C" NOT NULL, created_at bigint NOT NULL, key_id text, change boolean NOT NULL,
                doc text NOT NULL,
                PRIMARY KEY (tenant_id, created_at, id)) PARTITION BY RANGE (created_at);
            CREATE TABLE audit_default PARTITION OF audit DEFAULT;
            CREATE INDEX audit_by_key ON audit (tenant_id, key_id, created_at, id);
            CREATE INDEX audit_by_age ON audit (created_at);
            """),
        // Each tenant's retention policy, and the finished runs' index by last change that its
        // passes walk (finished sessions go by the status index and their document's last change).
        Migration(version: "v3-retention", sql: """
            CREATE TABLE retention (tenant_id text NOT NULL PRIMARY KEY, doc text NOT NULL);
            CREATE INDEX runs_finished ON runs (tenant_id, updated_at, id) WHERE status IN ('completed', 'cancelled');
            """),
        // A session's last change as a column: retention passes ordered by it inside the
        // document, which a sealed document no longer shows.
        Migration(version: "v4-session-updated", sql: """
            ALTER TABLE sessions ADD COLUMN updated_at bigint;
            UPDATE sessions SET updated_at = (doc::json->>'updatedAt')::bigint;
            CREATE INDEX sessions_finished ON sessions (tenant_id, updated_at, id) WHERE status IN ('closed', 'expired');
            """),
        // The signature of the chain's head each event made, when the store signs (`ChainSigner`).
        Migration(version: "v5-event-signature", sql: """
            ALTER TABLE events ADD COLUMN signature text;
            """),
        // The servers listening for change notices now, each until its row expires unless it
        // renews it: writes send a notice only while one does (`PostgresTransaction.announcement`).
        Migration(version: "v6-feed-listeners", sql: """
            CREATE TABLE feed_listeners (server text COLLATE "C" NOT NULL PRIMARY KEY, expires_at timestamptz NOT NULL);
            """),
        // A session or run is rewritten on every write to it: a turn, a step, a checkpoint. Such a
        // write should change no indexed column, so that PostgreSQL rewrites the row in place (a
        // HOT update) instead of adding an entry to each of the table's indexes (ten for runs),
        // and leave room on each page for it. A run's last change is therefore indexed to the
        // minute (the exact time beside it, unindexed, for the `updated_before` filter), and its
        // retention index reads a column set only once it has finished. A session's `updated_at`
        // is already kept only for closed and expired ones.
        Migration(version: "v7-hot-updates", sql: """
            ALTER TABLE sessions SET (fillfactor = 80);
            ALTER TABLE runs SET (fillfactor = 80);
            ALTER TABLE runs ADD COLUMN touched_minute bigint, ADD COLUMN finished_at bigint;
            UPDATE runs SET touched_minute = updated_at / 60000, finished_at = CASE WHEN status IN ('completed', 'cancelled') THEN updated_at END;
            DROP INDEX runs_by_update;
            DROP INDEX runs_finished;
            CREATE INDEX runs_by_update ON runs (tenant_id, touched_minute);
            CREATE INDEX runs_finished ON runs (tenant_id, finished_at, id) WHERE finished_at IS NOT NULL;
            """),
    ]

    static var latest: String { migrations.last!.version }
}
