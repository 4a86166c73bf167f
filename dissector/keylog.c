/*
 * The SBRP key log (preference sbrp.keylog_file; format in README.md):
 *
 *   # comment
 *   SBRP_TRAFFIC_KEY <session-id: 16 hex> <c2d|d2c> <key: 64 hex>
 *
 * The whole file is read into a table (session, direction) -> keys, newest
 * first; it is read again when its size or modification time changes
 * (checked when a lookup finds nothing, and every 256 lookups otherwise), so
 * a key log that grows while Wireshark runs is picked up.
 */
#define _POSIX_C_SOURCE 200809L
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sbrp-plugin.h"

typedef struct key_entry {
  uint8_t key[SBX_KEY_BYTES];
  struct key_entry *next; /* older */
} key_entry;

static char *keylog_path;
static GHashTable *keys; /* slot (sid, direction) -> bucket */
static struct {
  bool have;
  off_t size;
  struct timespec mtime;
} last;
static unsigned lookups_since_stat;

/* The hash key: 16 bytes (sid, direction). */
typedef struct slot {
  uint64_t sid;
  uint64_t dir;
} slot;

static guint slot_hash(gconstpointer p) {
  const slot *s = p;
  return g_int64_hash(&s->sid) ^ (guint)(s->dir * 0x9e3779b1u);
}

static gboolean slot_equal(gconstpointer a, gconstpointer b) {
  const slot *x = a, *y = b;
  return x->sid == y->sid && x->dir == y->dir;
}

/* The value of a table entry: the list of keys, newest first. */
typedef struct bucket {
  key_entry *head;
} bucket;

static void free_entries(gpointer p) {
  bucket *b = p;
  key_entry *e = b->head;
  g_free(b);
  while (e) {
    key_entry *n = e->next;
    memset(e->key, 0, sizeof e->key);
    g_free(e);
    e = n;
  }
}

static void reset_table(void) {
  if (keys) g_hash_table_destroy(keys);
  keys = g_hash_table_new_full(slot_hash, slot_equal, g_free, free_entries);
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

bool sbx_keylog_parse_line(const char *line, size_t len, uint64_t *session_id,
                           unsigned *direction, uint8_t key[SBX_KEY_BYTES]) {
  static const char tag[] = "SBRP_TRAFFIC_KEY";
  const size_t tl = sizeof tag - 1;
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  while (len > i && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' ' ||
                     line[len - 1] == '\t'))
    len--;
  if (len - i != tl + 1 + 16 + 1 + 3 + 1 + 2 * SBX_KEY_BYTES) return false;
  const char *p = line + i;
  if (memcmp(p, tag, tl) != 0 || p[tl] != ' ') return false;
  p += tl + 1;
  uint64_t sid = 0;
  for (int k = 0; k < 16; k++) {
    int v = hexval(p[k]);
    if (v < 0) return false;
    sid = sid << 4 | (uint64_t)v;
  }
  p += 16;
  if (*p++ != ' ') return false;
  unsigned dir = memcmp(p, "c2d", 3) == 0 ? 1u : memcmp(p, "d2c", 3) == 0 ? 2u : 0u;
  if (dir == 0 || p[3] != ' ') return false;
  p += 4;
  for (unsigned k = 0; k < SBX_KEY_BYTES; k++) {
    int hi = hexval(p[2 * k]), lo = hexval(p[2 * k + 1]);
    if (hi < 0 || lo < 0) return false;
    key[k] = (uint8_t)(hi << 4 | lo);
  }
  *session_id = sid;
  *direction = dir;
  return true;
}

static void add_key(uint64_t sid, unsigned dir, const uint8_t key[SBX_KEY_BYTES]) {
  slot probe = {sid, dir};
  bucket *b = g_hash_table_lookup(keys, &probe);
  if (!b) {
    slot *k = g_new(slot, 1);
    *k = probe;
    b = g_new0(bucket, 1);
    g_hash_table_insert(keys, k, b);
  }
  for (key_entry *e = b->head; e; e = e->next)
    if (memcmp(e->key, key, SBX_KEY_BYTES) == 0) return; /* a repeated line */
  key_entry *n = g_new0(key_entry, 1);
  memcpy(n->key, key, SBX_KEY_BYTES);
  n->next = b->head;
  b->head = n;
}

static void read_file(void) {
  reset_table();
  FILE *f = fopen(keylog_path, "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    uint64_t sid;
    unsigned dir;
    uint8_t key[SBX_KEY_BYTES];
    if (sbx_keylog_parse_line(line, strlen(line), &sid, &dir, key)) add_key(sid, dir, key);
    memset(key, 0, sizeof key);
  }
  fclose(f);
}

/* Reread the file if it changed since the last read (or was never read). */
static void refresh(void) {
  struct stat st;
  lookups_since_stat = 0;
  if (!keylog_path) return;
  if (stat(keylog_path, &st) != 0) {
    if (last.have) reset_table();
    last.have = false;
    return;
  }
  if (last.have && st.st_size == last.size && st.st_mtim.tv_sec == last.mtime.tv_sec &&
      st.st_mtim.tv_nsec == last.mtime.tv_nsec)
    return;
  read_file();
  last.have = true;
  last.size = st.st_size;
  last.mtime = st.st_mtim;
}

void sbx_keylog_set_path(const char *path) {
  const char *p = path && *path ? path : NULL;
  if ((p == NULL && keylog_path == NULL) || (p && keylog_path && strcmp(p, keylog_path) == 0))
    return;
  g_free(keylog_path);
  keylog_path = p ? g_strdup(p) : NULL;
  last.have = false;
  reset_table();
}

bool sbx_keylog_configured(void) { return keylog_path != NULL; }

unsigned sbx_keylog_lookup(uint64_t session_id, unsigned direction, const uint8_t *out[],
                           unsigned max) {
  if (!keylog_path) return 0;
  if (!keys || !last.have || ++lookups_since_stat >= 256) refresh();
  if (!keys) return 0;
  slot probe = {session_id, direction};
  bucket *b = g_hash_table_lookup(keys, &probe);
  if (!b) {
    refresh();
    b = g_hash_table_lookup(keys, &probe);
  }
  key_entry *e = b ? b->head : NULL;
  unsigned n = 0;
  for (; e && n < max; e = e->next) out[n++] = e->key;
  return n;
}

void sbx_keylog_cleanup(void) {
  if (keys) g_hash_table_destroy(keys);
  keys = NULL;
  g_free(keylog_path);
  keylog_path = NULL;
  last.have = false;
}
