/*
 * The simulator's trace: one JSON object per line (JSON Lines) for every
 * frame sent and received, state transition, note, timer, link event,
 * fault, delivery, token, expectation, with the virtual time.
 *
 * Records are kept in memory (expectations read them from a cursor) and
 * each one is formatted once as it is added: written to the trace file when
 * one is open, and fed to a SHA-256 of the whole trace (in batches of lines;
 * the digest is the same with or without a file).
 *
 * Memory stays bounded in a long run: records are stored in chunks of
 * SIM_TRACE_CHUNK, and sim_trace_release frees the oldest chunks once all
 * their records are more than `keep` records behind the end (the world calls
 * it before every event). What the rest of the run needs from them is kept
 * aside: per node the number of records, the last SIM_TRACE_TAIL ones (what
 * a failure message shows) and where the latest released one was (so a
 * reader whose cursor lies behind it knows it cannot read on: sim_trace_lost),
 * the table rows of released transitions, counts per kind. Record indices
 * never change: record i is the i-th added, in memory while i >=
 * sim_trace_first(). Members come in a
 * fixed order and carry no pointers and no wall time, so the same scenario,
 * seed and build give a byte-identical trace and the same digest.
 * The format is documented in scenarios/README.md ("The trace").
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/time.h"

/* ---- a growable text buffer ---------------------------------------------- */

typedef struct sim_buf {
  char *s;    /* NUL-terminated once anything was appended */
  size_t len, cap;
} sim_buf;

/* Append formatted text / raw bytes / a JSON string literal (quoted and escaped;
 * bytes that are not UTF-8 become U+FFFD) / lower-case hex. Abort on out of memory. */
void sim_buf_printf(sim_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_buf_add(sim_buf *b, const char *s, size_t n);
void sim_buf_json_str(sim_buf *b, const char *s);
void sim_buf_hex(sim_buf *b, const uint8_t *p, size_t n);

/* Append a number as printf's %llu / %lld / %0*llx (lower-case, at least
 * `width` digits, at most 16) would, without printf. */
void sim_buf_u64(sim_buf *b, uint64_t v);
void sim_buf_i64(sim_buf *b, int64_t v);
void sim_buf_hex_u64(sim_buf *b, uint64_t v, int width);

/* Empty the buffer (keeps its memory) / release it. */
void sim_buf_reset(sim_buf *b);
void sim_buf_free(sim_buf *b);

/* malloc that aborts the process on failure (the simulator cannot go on). */
void *sim_xmalloc(size_t n);
void *sim_xrealloc(void *p, size_t n);
char *sim_xstrdup(const char *s);

/* ---- an arena: many small allocations, freed all at once ---------------------- */

typedef struct sim_arena {
  struct sim_arena_block *head; /* {0}: empty */
} sim_arena;

/* `n` bytes (unaligned: for strings and byte arrays; a distinct non-NULL
 * pointer even for 0) that live until sim_arena_free. Abort on out of memory. */
void *sim_arena_alloc(sim_arena *a, size_t n);

/* Release every allocation of `a` (it is empty and usable again). */
void sim_arena_free(sim_arena *a);

/* ---- a decoded frame, for traces and expectations -------------------------- */

typedef struct sim_frame_info {
  bool header_ok;       /* at least the 13-byte header decoded */
  int err;              /* 0, or the sb_err of sb_sbrp_frame_decode / the payload decoder */
  uint8_t type;         /* raw type byte (0 if fewer than 1 byte) */
  const char *type_name;/* "Data", ..., or NULL for an undefined type */
  uint64_t sid;         /* header SessionID */
  size_t payload_len;
  /* Data */
  bool has_seq;
  uint64_t seq;
  uint32_t direction;
  /* Control */
  bool has_control;
  uint16_t control_code;
  const char *control_name; /* NULL if the code is not in the table */
  /* Signal */
  bool has_signal;
  uint8_t signal_code, signal_reason;
  /* Ping/Pong payload, Control text: views into the frame */
  const uint8_t *payload;
} sim_frame_info;

/* Decode `len` bytes as one SBRP frame for a summary; never fails (what does
 * not decode is described by `err`). */
void sim_frame_describe(const uint8_t *bytes, size_t len, sim_frame_info *out);

/* ---- records ----------------------------------------------------------------- */

typedef enum sim_rec_kind {
  SIM_REC_INFO,       /* scenario start, user notes */
  SIM_REC_FRAME,      /* a WebSocket message sent or received */
  SIM_REC_TRANSITION, /* a machine transition */
  SIM_REC_NOTE,       /* a machine note */
  SIM_REC_TIMER,      /* a timer fired (machine deadline, backoff, keepalive) */
  SIM_REC_LINK,       /* connect, upgrade status, open, error, close, drop */
  SIM_REC_FAULT,      /* a fault or adversary action */
  SIM_REC_DELIVER,    /* application bytes handed up */
  SIM_REC_KEYS,       /* traffic keys derived */
  SIM_REC_TOKEN,      /* the control plane issued a token */
  SIM_REC_EXPECT,     /* an expectation passed or failed */
  SIM_REC_API,        /* a control-plane API call or its answer (sim_cloud.h) */
  SIM_REC_SBP,        /* an SBP frame a peer sent or received (sim_peer.h) */
  SIM_REC_PEER        /* a peer's call, result, request, event, lifecycle event, ... (sim_peer.h) */
} sim_rec_kind;

/* One record. Strings are owned by the trace; unused members are 0/NULL. */
typedef struct sim_rec {
  sb_time_us t;
  sim_rec_kind kind;
  int node;         /* node index, -1 for none ("node":null) */
  int peer;         /* FRAME/LINK: the node at the other end, -1 for none */
  uint32_t conn;    /* FRAME/LINK/FAULT: the link id (0 = none) */
  bool sent;        /* FRAME: true sent, false received */
  uint8_t *bytes;   /* FRAME: the message; DELIVER: the data */
  size_t len;
  bool has_sid;
  uint64_t sid;     /* TRANSITION/NOTE/DELIVER/KEYS/TOKEN */
  char *machine, *from, *to, *event, *row; /* TRANSITION (row NULL: no table row) */
  char *what;       /* NOTE/LINK/FAULT/TIMER/TOKEN/INFO/EXPECT: the kind of thing */
  char *text;       /* NOTE/FAULT/INFO/EXPECT/TOKEN: free text */
  int code;         /* NOTE: sb_err (0 none); LINK: HTTP status or WebSocket close code */
  bool pass;        /* EXPECT */
  /* API: `what` "call" or "answer", `event` the procedure, `text` the body;
   * an answer also has `code` (the status the SDK sees: CloudApiError's,
   * else the HTTP status; 0 for a network failure), `http` (the HTTP
   * status, 0 for none), `from` (the error it stands for, NULL on success),
   * `to` (its verdict, "fatal" or "retryable"), `sid` (a session token's). */
  int http;
  /* SBP/PEER (sim_peer.h): `num` the peer session or accepted peer number;
   * PEER also `name` (method, event, lifecycle event), `tag` (call tag,
   * subscription), `json` (a JSON value: params, result, data). */
  char *name, *tag, *json;
  bool has_num;
  int64_t num;
} sim_rec;

#define SIM_REC_KINDS 14 /* SIM_REC_INFO .. SIM_REC_PEER */

/* Records per chunk: memory is released a chunk at a time. */
#define SIM_TRACE_CHUNK ((size_t)4096)
/* Default `keep`: records are released once they are this many behind the end. */
#define SIM_TRACE_KEEP ((size_t)65536)
/* Per node, the last records kept once released (a failure message shows 15). */
#define SIM_TRACE_TAIL 16

typedef struct sim_trace_chunk {
  sim_arena mem;                  /* the strings and bytes of its records */
  sim_rec recs[SIM_TRACE_CHUNK];
} sim_trace_chunk;

/* What is known about the records of one node (index node + 1: 0 is "none"). */
typedef struct sim_trace_node {
  uint64_t total;      /* records added */
  uint64_t released;   /* of which released */
  size_t released_end; /* 1 + index of the latest released record, 0 for none */
  sim_rec tail[SIM_TRACE_TAIL]; /* ring: the last released records (copies) */
  void *tail_mem[SIM_TRACE_TAIL];
  size_t ntail, tail_next;
} sim_trace_node;

typedef struct sim_trace {
  size_t n;         /* records added: indices 0 .. n-1 */
  size_t base;      /* the first record still in memory (a multiple of SIM_TRACE_CHUNK) */
  size_t keep;      /* release records only this far behind the end; SIZE_MAX: never */
  sim_trace_chunk **chunks; /* chunks[k] holds records base + k*SIM_TRACE_CHUNK ... */
  size_t nchunks, chunks_cap;
  sim_trace_chunk *spare;   /* a released chunk, reused for the next one */
  sim_trace_node *nodes;    /* by node index + 1 */
  size_t nnodes;
  char **rows;      /* table rows of released transitions: sorted, unique (heap) */
  size_t nrows, rows_cap;
  uint64_t kinds[SIM_REC_KINDS]; /* records added, by kind */
  char **names;     /* node names by index */
  size_t nnames;
  FILE *file;       /* NULL: not written */
  struct evp_md_ctx_st *sha; /* SHA-256 (OpenSSL's) of the lines before `line`'s */
  sim_buf line;     /* lines formatted but not hashed yet (hashed in batches) */
  uint64_t bytes_out;
} sim_trace;

/* Start an empty trace; `file` (may be NULL) receives the lines. */
void sim_trace_init(sim_trace *tr, FILE *file);

/* Release everything (the file is not closed). */
void sim_trace_free(sim_trace *tr);

/* Name node `index` (copied) for the "node"/"peer" members. */
void sim_trace_set_name(sim_trace *tr, int index, const char *name);

/* Name of node `index`, or "-" if it has none. */
const char *sim_trace_name(const sim_trace *tr, int index);

/* Append `r` (shallow: its strings and bytes are copied); returns its index. */
size_t sim_trace_add(sim_trace *tr, const sim_rec *r);

/* Record `i`, or NULL if it was released (i < sim_trace_first) or not added yet. */
static inline const sim_rec *sim_trace_rec(const sim_trace *tr, size_t i) {
  if (i < tr->base || i >= tr->n) return NULL;
  size_t k = i - tr->base;
  return &tr->chunks[k / SIM_TRACE_CHUNK]->recs[k % SIM_TRACE_CHUNK];
}

/* The first record still in memory (every one from there to n-1 is). */
static inline size_t sim_trace_first(const sim_trace *tr) { return tr->base; }

/* Release records `keep` or more behind the end from now on (SIZE_MAX: never;
 * the default is SIM_TRACE_KEEP). */
void sim_trace_set_keep(sim_trace *tr, size_t keep);

/* Whether sim_trace_release has a chunk to release (cheap: for every event). */
static inline bool sim_trace_release_due(const sim_trace *tr) {
  size_t held = tr->n - tr->base;
  return held >= SIM_TRACE_CHUNK && held - SIM_TRACE_CHUNK >= tr->keep;
}

/* Release every chunk whose records are all `keep` or more behind the end.
 * Call it only where no reader holds a record pointer or an unread index
 * that could fall behind (the world: before an event). */
void sim_trace_release(sim_trace *tr);

/* true if a record of `node` at index `from` or later was released: a reader
 * looking for that node's records from `from` on cannot see all of them. */
bool sim_trace_lost(const sim_trace *tr, int node, size_t from);

/* Records of `node` added so far / of them, those at index `from` or later
 * (exact unless sim_trace_lost(tr, node, from)). */
uint64_t sim_trace_node_total(const sim_trace *tr, int node);
size_t sim_trace_count_from(const sim_trace *tr, int node, size_t from);

/* The last `max` (at most) records of `node`, released or not, oldest first,
 * into out[]; returns how many. Valid until the next sim_trace_add/release. */
size_t sim_trace_node_last(const sim_trace *tr, int node, size_t max, const sim_rec **out);

/* Format record `i` (in memory) / record `r` as its JSON line (no newline) into `out` (appended). */
void sim_trace_format(const sim_trace *tr, size_t i, sim_buf *out);
void sim_trace_format_rec(const sim_trace *tr, const sim_rec *r, sim_buf *out);

/* The SHA-256 of every line so far (each with its newline), as 64 hex digits. */
void sim_trace_digest(const sim_trace *tr, char out[65]);

/* Name of a record kind as the trace writes it ("frame", "transition", ...). */
const char *sim_rec_kind_name(sim_rec_kind k);

#endif
