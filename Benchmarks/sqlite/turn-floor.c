/*
 * The floor of a conversation turn on SQLite: the SQL the embedded store runs for a turn, written
 * by hand against the C API, with nothing above it. One connection, prepared statements, the same
 * pragmas as the store's `process` durability (WAL, synchronous=NORMAL) or `strict` (FULL), the same
 * table shapes (messages under their session's integer key). A turn: in one write transaction,
 * read the session's last seq and key, insert the user (300 bytes) and the assistant (600 bytes)
 * message, update the session; then read the session and its last 20 messages (a range of ids),
 * every column of every row.
 *
 * With `-c CLIENTS`, that many clients each send turns to a session of their own (as `agentstate
 * bench` gives each client one), the next as soon as the last is done, served by `-t THREADS`
 * threads (one per client unless given), each with its own connection, taking its clients in
 * turn. A client's latency runs from the end of its last turn, when it would have sent the
 * next, to the end of this one, so it includes the wait for its thread. A process-wide mutex lets
 * one write transaction in at a time, where SQLite's own busy handler would sleep for
 * milliseconds on a lock it lost. Checkpoints then run as the store runs them: not inside a
 * commit, but from a connection of their own every 50 ms (PASSIVE, which blocks no one), with
 * the automatic checkpoint at 4,000 pages as a backstop. `-n` never checkpoints: the log grows
 * without end, which no store can do, but what is left is the CPU's floor, with no file copied
 * or flushed. With no HTTP and no store code above the SQL, this is the floor a turn at that
 * concurrency cannot beat on the machine.
 *
 *   cc -O2 -pthread -o turn-floor turn-floor.c -lsqlite3
 *   ./turn-floor [-c CLIENTS [-t THREADS] [-n]] FILE SECONDS [SESSIONS] [DEPTH] [strict]
 *
 * Prints turns/s and latency percentiles, in the layout of `agentstate bench`.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One thread's connection, statements and samples; the set-up uses the first. */
struct worker {
    sqlite3 *db;
    sqlite3_stmt *last_seq, *insert, *bump, *read_session, *window;
    int first, stride, clients;   /* the clients first, first + stride, ... below clients */
    double *samples;
    size_t n, cap;
};

static __thread sqlite3 *db;
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
static double end_ms;

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

static char user[301], assistant[601];
static int strict;

static void open_worker(struct worker *w, const char *file) {
    check(sqlite3_open(file, &w->db), "open");
    db = w->db;
    sqlite3_busy_timeout(db, 5000);   /* a reader meeting a checkpoint's lock waits, not fails */
    exec("PRAGMA journal_mode=WAL");
    exec(strict ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE IF NOT EXISTS sessions (tenant_id TEXT NOT NULL, id TEXT NOT NULL, last_seq INTEGER NOT NULL,"
         " updated_at INTEGER NOT NULL, doc TEXT NOT NULL, skey INTEGER NOT NULL, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID");
    exec("CREATE UNIQUE INDEX IF NOT EXISTS sessions_by_key ON sessions (skey)");
    exec("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY,"
         " role TEXT NOT NULL, content TEXT NOT NULL, tokens INTEGER NOT NULL, created_at INTEGER NOT NULL, extra TEXT)");
    exec("CREATE INDEX IF NOT EXISTS messages_by_time ON messages (id >> 32, created_at)");
    w->last_seq = prepare("SELECT last_seq, skey FROM sessions WHERE tenant_id = 'default' AND id = ?");
    w->insert = prepare("INSERT INTO messages VALUES (?, ?, ?, ?, ?, NULL)");
    w->bump = prepare("UPDATE sessions SET last_seq = ?, updated_at = ? WHERE tenant_id = 'default' AND id = ?");
    w->read_session = prepare("SELECT doc, last_seq, skey FROM sessions WHERE tenant_id = 'default' AND id = ?");
    w->window = prepare("SELECT id, role, content, tokens, created_at, extra FROM messages"
                        " WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT 20");
}

static void turn(struct worker *w, const char *session) {
    sqlite3_stmt *last_seq = w->last_seq, *insert = w->insert, *bump = w->bump,
                 *read_session = w->read_session, *window = w->window;
    db = w->db;
    pthread_mutex_lock(&writer);
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
    pthread_mutex_unlock(&writer);

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

static void record(struct worker *w, double ms) {
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1 << 16;
        w->samples = realloc(w->samples, w->cap * sizeof *w->samples);
    }
    w->samples[w->n++] = ms;
}

/* The store's background checkpoints: every 50 ms, until the clock runs out. */
static void *checkpointer(void *arg) {
    sqlite3 *own;
    if (sqlite3_open((const char *)arg, &own) != SQLITE_OK) return NULL;
    sqlite3_busy_timeout(own, 5000);
    while (now_ms() < end_ms) {
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
        sqlite3_wal_checkpoint_v2(own, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    sqlite3_close(own);
    return NULL;
}

/* A thread serving its clients in turn until the clock runs out. */
static void *worker_loop(void *arg) {
    struct worker *w = arg;
    int mine = (w->clients - w->first + w->stride - 1) / w->stride;
    double *sent = malloc((size_t)mine * sizeof *sent);
    double start = now_ms();
    for (int k = 0; k < mine; k++) sent[k] = start;
    char session[32];
    for (int k = 0;; k = (k + 1) % mine) {
        if (now_ms() >= end_ms) break;
        snprintf(session, sizeof session, "s%d", w->first + k * w->stride);
        turn(w, session);
        double done = now_ms();
        record(w, done - sent[k]);
        sent[k] = done;
    }
    free(sent);
    return NULL;
}

int main(int argc, char **argv) {
    int clients = 1, threads = 0, never_checkpoint = 0;
    for (;;) {
        if (argc > 2 && strcmp(argv[1], "-c") == 0) clients = atoi(argv[2]);
        else if (argc > 2 && strcmp(argv[1], "-t") == 0) threads = atoi(argv[2]);
        else if (argc > 1 && strcmp(argv[1], "-n") == 0) { never_checkpoint = 1; argc--; argv++; continue; }
        else break;
        argc -= 2;
        argv += 2;
    }
    if (threads == 0 || threads > clients) threads = clients;
    if (argc < 3 || clients < 1 || threads < 1 || (clients == 1 && never_checkpoint)) {
        fprintf(stderr, "usage: turn-floor [-c CLIENTS [-t THREADS] [-n]] FILE SECONDS [SESSIONS] [DEPTH] [strict]\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    int sessions = argc > 3 ? atoi(argv[3]) : 1;
    int depth = argc > 4 ? atoi(argv[4]) : 0;
    strict = argc > 5 && strcmp(argv[5], "strict") == 0;
    if (clients > 1 && (sessions > 1 || depth > 0)) {
        fprintf(stderr, "turn-floor: -c gives each client its own session; it takes no SESSIONS or DEPTH\n");
        return 2;
    }
    if (clients > 1) sessions = clients;
    memset(user, 'u', 300);
    memset(assistant, 'a', 600);
    struct worker *all = calloc((size_t)threads, sizeof *all);
    open_worker(&all[0], argv[1]);

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
    sqlite3_finalize(create);
    for (int d = 0; d < depth; d++) turn(&all[0], "s0");

    double start = now_ms();
    end_ms = start + seconds * 1000;
    if (clients == 1) {
        unsigned seed = 1;
        for (;;) {
            double t0 = now_ms();
            if (t0 >= end_ms) break;
            snprintf(id, sizeof id, "s%d", depth > 0 ? 0 : (int)(rand_r(&seed) % (unsigned)sessions));
            turn(&all[0], id);
            record(&all[0], now_ms() - t0);
        }
    } else {
        pthread_t *running = calloc((size_t)threads, sizeof *running), background;
        for (int i = 0; i < threads; i++) {
            if (i > 0) open_worker(&all[i], argv[1]);
            db = all[i].db;
            exec(never_checkpoint ? "PRAGMA wal_autocheckpoint=0" : "PRAGMA wal_autocheckpoint=4000");
            all[i].first = i;
            all[i].stride = threads;
            all[i].clients = clients;
        }
        start = now_ms();
        end_ms = start + seconds * 1000;
        if (!never_checkpoint) pthread_create(&background, NULL, checkpointer, argv[1]);
        for (int i = 0; i < threads; i++) pthread_create(&running[i], NULL, worker_loop, &all[i]);
        for (int i = 0; i < threads; i++) pthread_join(running[i], NULL);
        if (!never_checkpoint) pthread_join(background, NULL);
    }
    size_t n = 0;
    for (int i = 0; i < threads; i++) n += all[i].n;
    if (n == 0) {
        fprintf(stderr, "turn-floor: no turn finished in %s seconds\n", argv[2]);
        return 1;
    }
    double *samples = malloc(n * sizeof *samples);
    for (int i = 0, at = 0; i < threads; at += (int)all[i].n, i++) memcpy(samples + at, all[i].samples, all[i].n * sizeof *samples);
    qsort(samples, n, sizeof *samples, by_value);
    printf("target       bare SQLite %s (%s%s)\n", argv[1], strict ? "synchronous=FULL" : "synchronous=NORMAL",
           never_checkpoint ? ", never checkpointed" : "");
    printf("clients      %d on %d thread%s   measured %.1f s   %d sessions in the store%s\n", clients, threads, threads == 1 ? "" : "s",
           seconds, sessions, depth > 0 ? "   one session, deepened" : "");
    printf("workload     turn   %zu done\n", n);
    printf("throughput   %.0f turns/s\n", n / seconds);
    printf("latency      p50 %.2f ms   p99 %.2f ms   p999 %.2f ms   max %.2f ms\n",
           samples[n / 2], samples[(size_t)(n * 0.99)], samples[(size_t)(n * 0.999)], samples[n - 1]);
    for (int i = 0; i < threads; i++) sqlite3_close(all[i].db);
    return 0;
}
