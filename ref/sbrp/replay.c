#include "sbrp/replay.h"

#include <string.h>

#include "common/error.h"

_Static_assert(SB_CONFIG_REPLAY_MAX_WINDOW % 64u == 0, "the window is stored in whole words");

static unsigned words_for(uint32_t window) { return (window + 63u) / 64u; }

static bool window_ok(uint32_t window) {
  return window >= 1 && window <= SB_CONFIG_REPLAY_MAX_WINDOW;
}

/* Mask of the valid bits of the top word: bits >= W are never kept. */
static uint64_t top_mask(uint32_t window) {
  unsigned used = window % 64u;
  return used ? (UINT64_C(1) << used) - 1 : UINT64_MAX;
}

static bool bit_is_set(const sb_sbrp_replay *r, uint64_t i) {
  return (r->bits[i / 64] >> (i % 64)) & 1u;
}

int sb_sbrp_replay_init(sb_sbrp_replay *r, uint32_t window) {
  if (!r) return SB_ERR_ARG;
  if (!window_ok(window)) return SB_ERR_RANGE;
  memset(r, 0, sizeof *r);
  r->window = window;
  return SB_OK;
}

void sb_sbrp_replay_reset(sb_sbrp_replay *r) {
  r->have_max = false;
  r->max_seen = 0;
  memset(r->bits, 0, sizeof r->bits);
}

int sb_sbrp_replay_check(const sb_sbrp_replay *r, uint64_t seq) {
  if (!r->have_max || seq > r->max_seen) return SB_OK;
  uint64_t diff = r->max_seen - seq; /* no underflow: seq <= max_seen */
  if (diff >= r->window) return SB_ERR_SBRP_TOO_OLD;
  return bit_is_set(r, diff) ? SB_ERR_SBRP_REPLAY : SB_OK;
}

/* bitmap = (bitmap << shift) | 1 for 0 < shift < W, bits >= W discarded. */
static void slide(sb_sbrp_replay *r, uint64_t shift) {
  unsigned nw = words_for(r->window);
  unsigned q = (unsigned)(shift / 64), s = (unsigned)(shift % 64);
  if (q == 0) {
    /* In-order traffic moves by less than a word: one pass, no branches on
     * word offsets (keeps a small step as cheap as a reset, see make bench). */
    for (unsigned i = nw - 1; i > 0; i--) r->bits[i] = r->bits[i] << s | r->bits[i - 1] >> (64 - s);
    r->bits[0] <<= s;
  } else {
    for (unsigned i = nw; i-- > 0;) {
      uint64_t v = 0;
      if (i >= q) v = r->bits[i - q] << s;
      if (s && i >= q + 1) v |= r->bits[i - q - 1] >> (64 - s);
      r->bits[i] = v;
    }
  }
  r->bits[nw - 1] &= top_mask(r->window);
  r->bits[0] |= 1u;
}

/* Zero the first n words. Windows of up to 256 bits (the default is 128)
 * get plain stores: GCC turns a zeroing loop into a memset call, which costs
 * more than the stores and would make a large jump dearer than a small step
 * (make bench, replay_jump). */
static void clear_words(uint64_t *w, unsigned n) {
  if (n > 4) {
    memset(w, 0, n * sizeof *w);
    return;
  }
  w[0] = 0;
  if (n > 1) w[1] = 0;
  if (n > 2) w[2] = 0;
  if (n > 3) w[3] = 0;
}

/* Record `seq`, which the caller has checked. */
static void advance(sb_sbrp_replay *r, uint64_t seq) {
  if (!r->have_max) {
    r->have_max = true;
    r->max_seen = seq;
    r->bits[0] = 1u;
  } else if (seq > r->max_seen) {
    uint64_t shift = seq - r->max_seen;
    if (shift >= r->window) {
      /* O(W/64) whatever the jump: never walk the skipped numbers. */
      clear_words(r->bits, words_for(r->window));
      r->bits[0] = 1u;
    } else {
      slide(r, shift);
    }
    r->max_seen = seq;
  } else {
    uint64_t diff = r->max_seen - seq;
    r->bits[diff / 64] |= UINT64_C(1) << (diff % 64);
  }
}

int sb_sbrp_replay_update(sb_sbrp_replay *r, uint64_t seq) {
  int rc = sb_sbrp_replay_check(r, seq);
  if (rc == SB_OK) advance(r, seq);
  return rc;
}

int sb_sbrp_replay_accept(sb_sbrp_replay *r, uint64_t seq) { return sb_sbrp_replay_update(r, seq); }

bool sb_sbrp_replay_max_seen(const sb_sbrp_replay *r, uint64_t *max_seen) {
  if (max_seen) *max_seen = r->have_max ? r->max_seen : 0;
  return r->have_max;
}

uint64_t sb_sbrp_replay_bitmap_word(const sb_sbrp_replay *r, unsigned i) {
  return i < words_for(r->window) ? r->bits[i] : 0;
}

int sb_sbrp_replay_bitmap_hex(const sb_sbrp_replay *r, char *out, size_t cap) {
  static const char digits[] = "0123456789abcdef";
  if (!out || cap < SB_SBRP_REPLAY_HEX_SIZE(r->window)) return SB_ERR_BUF;
  size_t n = 0;
  for (unsigned nib = words_for(r->window) * 16; nib-- > 0;) {
    unsigned d = (unsigned)(r->bits[nib / 16] >> (4 * (nib % 16))) & 0xfu;
    if (d || n || nib == 0) out[n++] = digits[d];
  }
  out[n] = '\0';
  return SB_OK;
}

bool sb_sbrp_replay_consistent(const sb_sbrp_replay *r) {
  if (!window_ok(r->window)) return false;
  unsigned nw = words_for(r->window);
  for (unsigned i = nw; i < SB_SBRP_REPLAY_WORDS; i++)
    if (r->bits[i]) return false;
  if (r->bits[nw - 1] & ~top_mask(r->window)) return false;
  if (!r->have_max) {
    for (unsigned i = 0; i < nw; i++)
      if (r->bits[i]) return false;
    return r->max_seen == 0;
  }
  if (!(r->bits[0] & 1u)) return false;
  /* Bit i stands for max_seen - i, which must not be below 0. */
  if (r->max_seen < (uint64_t)r->window - 1) {
    for (uint64_t i = r->max_seen + 1; i < r->window; i++)
      if (bit_is_set(r, i)) return false;
  }
  return true;
}

int sb_sbrp_replay_restore(sb_sbrp_replay *r, uint32_t window, bool have_max, uint64_t max_seen,
                           const uint64_t *words, size_t nwords) {
  if (!r || (nwords && !words)) return SB_ERR_ARG;
  if (!window_ok(window)) return SB_ERR_RANGE;
  if (nwords != words_for(window)) return SB_ERR_ARG;
  sb_sbrp_replay tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.window = window;
  tmp.have_max = have_max;
  tmp.max_seen = max_seen;
  memcpy(tmp.bits, words, nwords * sizeof words[0]);
  if (!sb_sbrp_replay_consistent(&tmp)) return SB_ERR_STATE;
  *r = tmp;
  return SB_OK;
}
