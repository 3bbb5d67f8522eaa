/*
 * The floor of a conversation turn on SQLite: the SQL the embedded store runs for a turn, written
 * by hand against the C API, with nothing above it. One connection, prepared statements, the same
 * pragmas as the store's `process` durability (WAL, synchronous=NORMAL) or `strict` (FULL), the same
 * table shapes (messages under their session's integer key). A turn: in one write transaction,
 * read the session's last seq and key, insert the user (300 bytes) and the assistant (600 bytes)
 * message, update the session; then read the session and its last 20 messages (a range of ids),
 * every column of every row.
 *
 *   cc -O2 -o turn-floor turn-floor.c -lsqlite3
 *   ./turn-floor FILE SECONDS [SESSIONS] [DEPTH] [strict]
 *
 * Prints turns/s and latency percentiles, in the layout of `agentstate bench`.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "turn-floor: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), sql); }

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *s;
    check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL), sql);
    return s;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static sqlite3_stmt *last_seq, *insert, *bump, *read_session, *window;
static char user[301], assistant[601];

static void turn(const char *session) {
    exec("BEGIN IMMEDIATE");
    sqlite3_bind_text(last_seq, 1, session, -1, SQLITE_STATIC);
    check(sqlite3_step(last_seq), "last seq");
    long long seq = sqlite3_column_int64(last_seq, 0), key = sqlite3_column_int64(last_seq, 1);
    sqlite3_reset(last_seq);
    long long at = (long long)time(NULL) * 1000;
    const char *roles[] = {"user", "assistant"};
    const char *contents[] = {user, assistant};
    for (int i = 0; i < 2; i++) {
        sqlite3_bind_int64(insert, 1, key << 32 | (seq + 1 + i));
        sqlite3_bind_text(insert, 2, roles[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 3, contents[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 4, (long long)strlen(contents[i]) / 4);
        sqlite3_bind_int64(insert, 5, at);
        check(sqlite3_step(insert), "insert");
        sqlite3_reset(insert);
    }
    sqlite3_bind_int64(bump, 1, seq + 2);
    sqlite3_bind_int64(bump, 2, at);
    sqlite3_bind_text(bump, 3, session, -1, SQLITE_STATIC);
    check(sqlite3_step(bump), "update session");
    sqlite3_reset(bump);
    exec("COMMIT");

    exec("BEGIN");
    sqlite3_bind_text(read_session, 1, session, -1, SQLITE_STATIC);
    check(sqlite3_step(read_session), "read session");
    volatile size_t sink = (size_t)sqlite3_column_bytes(read_session, 0);
    key = sqlite3_column_int64(read_session, 2);
    sqlite3_reset(read_session);
    sqlite3_bind_int64(window, 1, key << 32);
    sqlite3_bind_int64(window, 2, key << 32 | 0xFFFFFFFFLL);
    while (sqlite3_step(window) == SQLITE_ROW) {
        for (int c = 0; c < 6; c++) sink += (size_t)sqlite3_column_bytes(window, c);
    }
    sqlite3_reset(window);
    exec("COMMIT");
    (void)sink;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: turn-floor FILE SECONDS [SESSIONS] [DEPTH] [strict]\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    int sessions = argc > 3 ? atoi(argv[3]) : 1;
    int depth = argc > 4 ? atoi(argv[4]) : 0;
    int strict = argc > 5 && strcmp(argv[5], "strict") == 0;
    memset(user, 'u', 300);
    memset(assistant, 'a', 600);
    check(sqlite3_open(argv[1], &db), "open");
    exec("PRAGMA journal_mode=WAL");
    exec(strict ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE IF NOT EXISTS sessions (tenant_id TEXT NOT NULL, id TEXT NOT NULL, last_seq INTEGER NOT NULL,"
         " updated_at INTEGER NOT NULL, doc TEXT NOT NULL, skey INTEGER NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID");
    exec("CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_key ON sessions (skey)");
    exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY,"
         " role TEXT NOT NULL, content TEXT NOT NULL, tokens INTEGER NOT NULL, created_at INTEGER NOT NULL, extra TEXT)");
    exec("CREATE INDEX IF NOT EXISTS messages_by_time ON messages (id >> 32, created_at)");
    last_seq = prepare("SELECT last_seq, skey FROM sessions WHERE tenant_id = 'default' AND id = ?");
    insert = prepare("INSERT INTO messages VALUES (?, ?, ?, ?, ?, NULL)");
    bump = prepare("UPDATE sessions SET last_seq = ?, updated_at = ? WHERE tenant_id = 'default' AND id = ?");
    read_session = prepare("SELECT doc, last_seq, skey FROM sessions WHERE tenant_id = 'default' AND id = ?");
    window = prepare("SELECT id, role, content, tokens, created_at, extra FROM messages"
                     " WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT 20");

    sqlite3_stmt *create = prepare("INSERT INTO sessions VALUES ('default', ?, 0, 0, ?, ?)");
    char id[32], doc[256];
    exec("BEGIN");
    for (int i = 0; i < sessions; i++) {
        snprintf(id, sizeof id, "s%d", i);
        snprintf(doc, sizeof doc, "{\"id\":\"%s\",\"user_id\":null,\"title\":null,\"metadata\":{},\"context\":{},\"status\":\"open\"}", id);
        sqlite3_bind_text(create, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(create, 2, doc, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(create, 3, i + 1);
        check(sqlite3_step(create), "create session");
        sqlite3_reset(create);
        if (i % 10000 == 9999) { exec("COMMIT"); exec("BEGIN"); }
    }
    exec("COMMIT");
    for (int d = 0; d < depth; d++) turn("s0");

    size_t cap = 1 << 20, n = 0;
    double *samples = malloc(cap * sizeof *samples);
    double start = now_ms(), end = start + seconds * 1000;
    unsigned seed = 1;
    for (;;) {
        double t0 = now_ms();
        if (t0 >= end) break;
        snprintf(id, sizeof id, "s%d", depth > 0 ? 0 : (int)(rand_r(&seed) % (unsigned)sessions));
        turn(id);
        if (n < cap) samples[n++] = now_ms() - t0;
    }
    qsort(samples, n, sizeof *samples, by_value);
    printf("target       bare SQLite %s (%s)\n", argv[1], strict ? "synchronous=FULL" : "synchronous=NORMAL");
    printf("clients      1   measured %.1f s   %d sessions in the store%s\n", seconds, sessions, depth > 0 ? "   one session, deepened" : "");
    printf("workload     turn   %zu done\n", n);
    printf("throughput   %.0f turns/s\n", n / seconds);
    printf("latency      p50 %.2f ms   p99 %.2f ms   p999 %.2f ms   max %.2f ms\n",
           samples[n / 2], samples[(size_t)(n * 0.99)], samples[(size_t)(n * 0.999)], samples[n - 1]);
    sqlite3_close(db);
    return 0;
}
