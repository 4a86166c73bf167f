#include "sbrp/session.h"

#include <sodium.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "sbrp/aead.h"
#include "sbrp/payload.h"

static uint32_t send_direction(uint8_t role) {
  return role == SB_SBRP_ROLE_CLIENT ? SB_SBRP_C2D : SB_SBRP_D2C;
}

static uint32_t recv_direction(uint8_t role) {
  return role == SB_SBRP_ROLE_CLIENT ? SB_SBRP_D2C : SB_SBRP_C2D;
}

static bool role_ok(unsigned role) {
  return role == SB_SBRP_ROLE_CLIENT || role == SB_SBRP_ROLE_DAEMON;
}

int sb_sbrp_session_init(sb_sbrp_session *s, sb_sbrp_role role, uint64_t session_id,
                         const sb_sbrp_session_keys *keys, const sb_sbrp_session_options *opts) {
  if (!s || !keys || !role_ok(role)) return SB_ERR_ARG;
  if (session_id == 0) return SB_ERR_SBRP_SID_ZERO;
  uint32_t w = opts && opts->window ? opts->window : SB_SBRP_SESSION_DEFAULT_WINDOW;
  if (w < SB_SBRP_SESSION_MIN_WINDOW) return SB_ERR_SBRP_WINDOW_SIZE;
  sb_sbrp_session t;
  memset(&t, 0, sizeof t);
  int rc = sb_sbrp_replay_init(&t.recv, w);
  if (rc != SB_OK) return rc;
  t.session_id = session_id;
  t.role = (uint8_t)role;
  t.strict_direction = opts && opts->strict_direction;
  bool client = role == SB_SBRP_ROLE_CLIENT;
  memcpy(t.send_key, client ? keys->c2d : keys->d2c, SB_SBRP_KEY_BYTES);
  memcpy(t.recv_key, client ? keys->d2c : keys->c2d, SB_SBRP_KEY_BYTES);
  *s = t;
  sodium_memzero(&t, sizeof t);
  return SB_OK;
}

int sb_sbrp_session_seal(sb_sbrp_session *s, const uint8_t *pt, size_t pt_len, uint8_t *frame,
                         size_t frame_cap, size_t *frame_len) {
  if (!s || !role_ok(s->role)) return SB_ERR_ARG;
  /* 2^64-1 is never sent: reaching it ends the key's life (sbrp.md O-4). */
  if (s->send_next > SB_SBRP_SEQ_LAST) return SB_ERR_SBRP_SEQ_EXHAUSTED;
  int rc = sb_sbrp_aead_seal(s->send_key, send_direction(s->role), s->send_next, s->session_id, pt,
                             pt_len, frame, frame_cap, frame_len);
  if (rc == SB_OK) s->send_next++;
  return rc;
}

int sb_sbrp_session_open(sb_sbrp_session *s, const sb_sbrp_frame *f, uint8_t *pt, size_t pt_cap,
                         size_t *pt_len, uint64_t *seq) {
  if (!s || !f || !pt_len || !role_ok(s->role)) return SB_ERR_ARG;
  if (f->hdr.type != SB_SBRP_DATA || f->hdr.session_id != s->session_id) return SB_ERR_ARG;
  sb_sbrp_data_view d;
  int rc = sb_sbrp_data_decode(f, &d);
  if (rc != SB_OK) return rc;
  *pt_len = d.ciphertext_len;
  if (pt_cap < d.ciphertext_len || (!pt && d.ciphertext_len)) return SB_ERR_BUF;
  rc = sb_sbrp_replay_check(&s->recv, d.seq);
  if (rc == SB_OK)
    rc = sb_sbrp_aead_open(s->recv_key, &d, s->strict_direction ? recv_direction(s->role) : 0, pt,
                           pt_cap, pt_len);
  /* Only an authentic frame moves the window. */
  if (rc == SB_OK) rc = sb_sbrp_replay_update(&s->recv, d.seq);
  if (rc == SB_OK && seq) *seq = d.seq;
  return rc;
}

void sb_sbrp_session_wipe(sb_sbrp_session *s) {
  if (s) sodium_memzero(s, sizeof *s);
}

int sb_sbrp_session_export(const sb_sbrp_session *s, uint8_t *out, size_t out_cap,
                           size_t *out_len) {
  if (!s || !out_len) return SB_ERR_ARG;
  if (!role_ok(s->role) || s->session_id == 0) return SB_ERR_STATE;
  unsigned nw = (s->recv.window + 63u) / 64u;
  sb_writer w;
  sb_writer_init(&w, out, out_cap);
  sb_writer_u8(&w, SB_SBRP_SESSION_STATE_VERSION);
  sb_writer_u8(&w, s->role);
  sb_writer_u64be(&w, s->session_id);
  sb_writer_u8(&w, SB_SBRP_KEY_BYTES);
  sb_writer_bytes(&w, s->send_key, SB_SBRP_KEY_BYTES);
  sb_writer_u8(&w, SB_SBRP_KEY_BYTES);
  sb_writer_bytes(&w, s->recv_key, SB_SBRP_KEY_BYTES);
  sb_writer_u64be(&w, s->send_next);
  sb_writer_u8(&w, s->strict_direction ? 1 : 0);
  sb_writer_u16be(&w, (uint16_t)s->recv.window);
  sb_writer_u8(&w, s->recv.have_max ? 1 : 0);
  sb_writer_u64be(&w, s->recv.max_seen);
  for (unsigned i = 0; i < nw; i++) sb_writer_u64be(&w, s->recv.bits[i]);
  return sb_writer_finish(&w, out_len);
}

/* Read a key field: a length byte that must be 32 (0 = missing), then it. */
static bool read_key(sb_reader *r, uint8_t key[SB_SBRP_KEY_BYTES]) {
  uint8_t len;
  return sb_reader_u8(r, &len) == SB_OK && len == SB_SBRP_KEY_BYTES &&
         sb_reader_copy(r, SB_SBRP_KEY_BYTES, key) == SB_OK;
}

static bool read_flag(sb_reader *r, bool *out) {
  uint8_t v;
  if (sb_reader_u8(r, &v) != SB_OK || v > 1) return false;
  *out = v == 1;
  return true;
}

/* The parse proper; false on the first item that fails (SBRP-RES-007). */
static bool parse_state(const uint8_t *in, size_t len, sb_sbrp_session *t) {
  sb_reader r;
  uint8_t version, role;
  uint16_t window;
  bool have_max;
  uint64_t max_seen, words[SB_SBRP_REPLAY_WORDS];
  sb_reader_init(&r, in, len);
  if (sb_reader_u8(&r, &version) != SB_OK || version != SB_SBRP_SESSION_STATE_VERSION) return false;
  if (sb_reader_u8(&r, &role) != SB_OK || !role_ok(role)) return false;
  t->role = role;
  /* (1) SessionID present and usable */
  if (sb_reader_u64be(&r, &t->session_id) != SB_OK || t->session_id == 0) return false;
  /* (1), (2) both traffic keys present, exactly 32 bytes */
  if (!read_key(&r, t->send_key) || !read_key(&r, t->recv_key)) return false;
  /* (3) the send counter is valid and not exhausted */
  if (sb_reader_u64be(&r, &t->send_next) != SB_OK || t->send_next > SB_SBRP_SEQ_LAST) return false;
  if (!read_flag(&r, &t->strict_direction)) return false;
  /* (1), (4) a receive window the algorithm can reach, W >= 64 */
  if (sb_reader_u16be(&r, &window) != SB_OK || window < SB_SBRP_SESSION_MIN_WINDOW ||
      window > SB_CONFIG_REPLAY_MAX_WINDOW)
    return false;
  if (!read_flag(&r, &have_max) || sb_reader_u64be(&r, &max_seen) != SB_OK) return false;
  unsigned nw = (window + 63u) / 64u;
  for (unsigned i = 0; i < nw; i++)
    if (sb_reader_u64be(&r, &words[i]) != SB_OK) return false;
  if (sb_reader_remaining(&r) != 0) return false;
  return sb_sbrp_replay_restore(&t->recv, window, have_max, max_seen, words, nw) == SB_OK;
}

int sb_sbrp_session_import(const uint8_t *in, size_t len, sb_sbrp_session *s) {
  if (!s || (len && !in)) return SB_ERR_ARG;
  sb_sbrp_session t;
  memset(&t, 0, sizeof t);
  bool ok = parse_state(in, len, &t);
  if (ok) *s = t;
  sodium_memzero(&t, sizeof t);
  return ok ? SB_OK : SB_ERR_SBRP_STATE_LOST;
}

int sb_sbrp_session_check_state(const uint8_t *in, size_t len) {
  sb_sbrp_session t;
  int rc = sb_sbrp_session_import(in, len, &t);
  sodium_memzero(&t, sizeof t);
  return rc;
}

/* ---- test hooks ------------------------------------------------------------- */

int sb_sbrp_session_debug_set_send_seq(sb_sbrp_session *s, uint64_t next) {
  if (!s || !role_ok(s->role) || s->session_id == 0) return SB_ERR_ARG;
  if (next < s->send_next) return SB_ERR_RANGE; /* never back: a nonce would repeat */
  s->send_next = next;
  return SB_OK;
}

int sb_sbrp_session_debug_seal(const sb_sbrp_session *s, uint32_t direction, uint64_t seq,
                               const uint8_t *pt, size_t pt_len, uint8_t *frame,
                               size_t frame_cap, size_t *frame_len) {
  if (!s || !role_ok(s->role) || s->session_id == 0) return SB_ERR_ARG;
  return sb_sbrp_aead_seal(s->send_key, direction, seq, s->session_id, pt, pt_len, frame,
                           frame_cap, frame_len);
}
