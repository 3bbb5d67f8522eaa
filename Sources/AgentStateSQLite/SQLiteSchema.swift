import GRDB

/// The schema, as migrations registered in order. A released migration is never edited;
/// changes come as new ones.
package enum SQLiteSchema {
    package static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-core", migrate: v1)
        m.registerMigration("v2-keys-idempotency", migrate: v2)
        m.registerMigration("v3-audit", migrate: v3)
        m.registerMigration("v4-retention", migrate: v4)
        m.registerMigration("v5-session-updated", migrate: v5)
        m.registerMigration("v6-message-session-key", migrate: v6)
        m.registerMigration("v7-event-signature", migrate: v7)
        return m
    }

    /// Every key and index leads with `tenant_id`; times are milliseconds since 1970. Records
    /// are stored as JSON in `doc`, with the columns that queries filter or sort on beside it.
    /// Messages, the hot path, are stored as plain columns to keep them small.
    private static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sessions (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT, status TEXT NOT NULL,
                created_at INTEGER NOT NULL, expires_at INTEGER, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX sessions_by_time ON sessions (tenant_id, created_at, id);
            CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id, created_at, id);
            CREATE INDEX sessions_by_status ON sessions (tenant_id, status, created_at, id);
            CREATE INDEX sessions_expiring ON sessions (expires_at) WHERE status = 'active' AND expires_at IS NOT NULL;

            CREATE TABLE messages (
                tenant_id TEXT NOT NULL, session_id TEXT NOT NULL, seq INTEGER NOT NULL,
                role TEXT NOT NULL, content TEXT NOT NULL, tokens INTEGER NOT NULL, created_at INTEGER NOT NULL,
                extra TEXT,
                PRIMARY KEY (tenant_id, session_id, seq)) WITHOUT ROWID;
            CREATE INDEX messages_by_time ON messages (tenant_id, session_id, created_at);

            CREATE TABLE runs (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, workflow TEXT NOT NULL, status TEXT NOT NULL,
                owner TEXT, user_id TEXT, session_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                claimable_at INTEGER, doc TEXT NOT NULL,
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
                tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, name TEXT NOT NULL, idx INTEGER NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, run_id, name));
            CREATE INDEX steps_in_order ON steps (tenant_id, run_id, idx);

            CREATE TABLE effects (
                tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, run_id, key));

            CREATE TABLE approvals (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, run_id TEXT NOT NULL, status TEXT NOT NULL,
                approver TEXT, grp TEXT, created_at INTEGER NOT NULL, expires_at INTEGER, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX approvals_by_time ON approvals (tenant_id, created_at, id);
            CREATE INDEX approvals_by_status ON approvals (tenant_id, status, created_at, id);
            CREATE INDEX approvals_by_approver ON approvals (tenant_id, approver, status, created_at, id);
            CREATE INDEX approvals_by_group ON approvals (tenant_id, grp, status, created_at, id);
            CREATE INDEX approvals_by_run ON approvals (tenant_id, run_id);
            CREATE INDEX approvals_due ON approvals (expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL;

            CREATE TABLE timers (
                tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, fire_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, run_id));
            CREATE INDEX timers_due ON timers (fire_at);

            CREATE TABLE checkpoints (
                tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, seq INTEGER NOT NULL, step TEXT, kind TEXT NOT NULL,
                body TEXT NOT NULL, created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, run_id, seq));
            CREATE INDEX checkpoints_by_step ON checkpoints (tenant_id, run_id, step, seq);
            CREATE INDEX checkpoints_full ON checkpoints (tenant_id, run_id, seq) WHERE kind = 'full';

            CREATE TABLE checkpoint_heads (
                tenant_id TEXT NOT NULL, run_id TEXT NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, run_id));

            CREATE TABLE events (
                tenant_id TEXT NOT NULL, stream TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
                at INTEGER NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
                PRIMARY KEY (tenant_id, stream, seq)) WITHOUT ROWID;

            CREATE TABLE memory (
                rowid INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, user_id TEXT NOT NULL, namespace TEXT NOT NULL,
                key TEXT NOT NULL, expires_at INTEGER, has_embedding INTEGER NOT NULL, doc TEXT NOT NULL,
                UNIQUE (tenant_id, user_id, namespace, key));
            CREATE INDEX memory_expiring ON memory (expires_at) WHERE expires_at IS NOT NULL;
            CREATE VIRTUAL TABLE memory_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 0');
            """)
    }

    /// API keys (only a hash of each secret) and the responses kept for idempotent retries.
    private static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE api_keys (
                id TEXT NOT NULL PRIMARY KEY, tenant_id TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL, doc TEXT NOT NULL);
            CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at, id);

            CREATE TABLE idempotency (
                tenant_id TEXT NOT NULL, key TEXT NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, key));
            CREATE INDEX idempotency_by_age ON idempotency (created_at);
            """)
    }

    /// The audit trail: one row per API request, apart from the state it describes.
    private static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE audit (
                tenant_id TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, key_id TEXT, change INTEGER NOT NULL, doc TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id));
            CREATE INDEX audit_by_time ON audit (tenant_id, at, id);
            CREATE INDEX audit_by_key ON audit (tenant_id, key_id, at, id);
            CREATE INDEX audit_by_age ON audit (at);
            """)
    }

    /// Each tenant's retention policy, and the finished runs' index by last change that its
    /// passes walk (finished sessions go by the status index and their document's last change).
    private static func v4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE retention (tenant_id TEXT NOT NULL PRIMARY KEY, doc TEXT NOT NULL);
            CREATE INDEX runs_finished ON runs (tenant_id, updated_at, id) WHERE status IN ('completed', 'cancelled');
            """)
    }

    /// A session's last change as a column: retention passes ordered by it inside the document,
    /// which a sealed document no longer shows.
    private static func v5(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sessions ADD COLUMN updated_at INTEGER;
            UPDATE sessions SET updated_at = json_extract(doc, '$.updatedAt');
            CREATE INDEX sessions_finished ON sessions (tenant_id, updated_at, id) WHERE status IN ('closed', 'expired');
            """)
    }

    /// Messages keyed by one integer, the session's key in the high 32 bits and the message's
    /// seq in the low (`MessageID`), instead of by the tenant and session ids. The ids were most
    /// of a message's key, written twice (in the table and its time index), and a rowid table
    /// fills its pages where an index-shaped one left a sixth of each empty: a turn of 900 bytes
    /// went from about 1,270 stored bytes to about 1,080. A session's key is never handed out
    /// again while any message still carries it (`insertSession`). Messages whose session no
    /// longer exists are not carried over.
    private static func v6(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE sessions ADD COLUMN skey INTEGER;
            UPDATE sessions SET skey = rowid;
            CREATE UNIQUE INDEX sessions_by_key ON sessions (skey);

            CREATE TABLE messages_keyed (
                id INTEGER PRIMARY KEY,
                role TEXT NOT NULL, content TEXT NOT NULL, tokens INTEGER NOT NULL, created_at INTEGER NOT NULL,
                extra TEXT);
            INSERT INTO messages_keyed (id, role, content, tokens, created_at, extra)
                SELECT (s.skey << 32) + m.seq, m.role, m.content, m.tokens, m.created_at, m.extra
                FROM messages m JOIN sessions s ON s.tenant_id = m.tenant_id AND s.id = m.session_id
                ORDER BY 1;
            DROP TABLE messages;
            ALTER TABLE messages_keyed RENAME TO messages;
            CREATE INDEX messages_by_time ON messages (id >> 32, created_at);
            """)
    }

    /// The signature of the chain's head each event made, when the store signs (`ChainSigner`).
    private static func v7(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE events ADD COLUMN signature TEXT")
    }
}
