/*
 * The simulator's trace: one JSON object per line (JSON Lines) for every
 * frame sent and received, state transition, note, timer, link event,
 * fault, delivery, token, expectation, with the virtual time.
 *
 * Records are kept in memory (expectations read them from a cursor) and
 * each one is formatted once as it is added: written to the trace file when
 * one is open, and fed to a SHA-256 of the whole trace (in batches of lines;
 * the digest is the same with or without a file). Members come in a
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

typedef struct sim_trace {
  sim_rec *recs;
  size_t n, cap;
  char **names;     /* node names by index */
  size_t nnames;
  FILE *file;       /* NULL: not written */
  struct evp_md_ctx_st *sha; /* SHA-256 (OpenSSL's) of the lines before `line`'s */
  sim_buf line;     /* lines formatted but not hashed yet (hashed in batches) */
  uint64_t bytes_out;
  sim_arena mem;    /* the records' strings and bytes */
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

/* Format record `i` as its JSON line (no newline) into `out` (appended). */
void sim_trace_format(const sim_trace *tr, size_t i, sim_buf *out);

/* The SHA-256 of every line so far (each with its newline), as 64 hex digits. */
void sim_trace_digest(const sim_trace *tr, char out[65]);

/* Name of a record kind as the trace writes it ("frame", "transition", ...). */
const char *sim_rec_kind_name(sim_rec_kind k);

#endif
