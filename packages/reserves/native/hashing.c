/*
 * Keygrade proof of reserves: the leaf and node loops of the liabilities tree, in C.
 *
 * SHA-256 is OpenSSL's (the copy Node.js is built with), through its low-level SHA256_Init /
 * SHA256_Update / SHA256_Final functions: the same assembly as node:crypto, without the provider
 * machinery that node:crypto's digests go through on every call. That machinery takes locks and
 * moves reference counts shared by all threads of the process, so node:crypto hashing does not
 * scale over worker threads (docs/decisions.md, decisions 262 and 265). Nothing here implements a
 * cryptographic primitive; this file lays out the messages of FORMATS.md (leaf, uid and node
 * messages) and adds the 128-bit sums, exactly as packages/reserves/src/tree.ts does, and the
 * tests check that both give byte-identical trees.
 *
 * Every function checks every index and length it is given against the sizes of the buffers it
 * was handed before it uses them (values read from shared memory are read once, then checked):
 * a wrong argument is a RangeError, never a read or write out of bounds.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <node_api.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ASSETS 64
#define MAX_RECORD (32 + 16 * MAX_ASSETS)
#define MAX_ARGS 20
#define MAX_CHUNKS 65536
/* Longest user id (accounts.ts MAX_ID_BYTES), and the id bytes kept inline in a shared table's chunks (INLINE_ID_BYTES). */
#define MAX_ID 1024
#define INLINE_ID 24

/*
 * A prefetch into the L2 cache, not L1 (prefetcht2): the leaves' table reads run a batch or two
 * ahead of the hashing, and in L1 (32 KiB a core on the Zen 4 VM measured) they would evict the
 * hashing's own lines. A/B there, 3 pairs of 2 builds: 2.79 s mean against 2.86 s for L1 prefetches.
 */
static inline void prefetch_l2(const void *p) {
  __builtin_prefetch(p, 0, 1);
}

/*
 * Prefetches every cache line of the `bytes` at p (bytes > 0). A chunk's records start 16 bytes
 * into a 64-byte line, so a 96-byte record spans three lines every other account: prefetching its
 * first and last byte only left the middle line, where its id's place is, to a demand miss.
 */
static inline void prefetch_span_l2(const uint8_t *p, size_t bytes) {
  const uintptr_t first = (uintptr_t)p & ~(uintptr_t)63, last = ((uintptr_t)p + bytes - 1) & ~(uintptr_t)63;
  for (uintptr_t line = first; line <= last; line += 64) prefetch_l2((const void *)line);
}

/* Nodes of a level laid out together, then hashed back to back (level()). */
#define NODE_GROUP 8

/* Leaves whose random table reads are done together before they are hashed. */
#ifndef BATCH
#define BATCH 64
#endif

typedef struct {
  uint8_t *data;
  size_t bytes;
} span_t;

/* Throws a RangeError (unless an exception is already pending) and returns 0. */
static int fail(napi_env env, const char *message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_range_error(env, "ERR_KEYGRADE_NATIVE", message);
  return 0;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = MAX_ARGS;
  napi_value all[MAX_ARGS];
  if (want > MAX_ARGS) return fail(env, "too many arguments for MAX_ARGS");
  if (napi_get_cb_info(env, info, &argc, all, NULL, NULL) != napi_ok) return fail(env, "bad call");
  if (argc != want) return fail(env, "wrong number of arguments");
  for (size_t i = 0; i < want; i++) argv[i] = all[i];
  return 1;
}

/* A typed array (any element type) as bytes. */
static int get_span(napi_env env, napi_value v, span_t *out, const char *what) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return fail(env, what);
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL) != napi_ok) return fail(env, what);
  size_t size = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: size = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: size = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: size = 8; break;
    default: size = 1;
  }
  out->data = (uint8_t *)data;
  out->bytes = length * size;
  return 1;
}

/* A Uint32Array (its elements are read as 32-bit words, so it must be one). */
static int get_u32s(napi_env env, napi_value v, const uint32_t **out, size_t *count, const char *what) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return fail(env, what);
  napi_typedarray_type type;
  void *data;
  if (napi_get_typedarray_info(env, v, &type, count, &data, NULL, NULL) != napi_ok || type != napi_uint32_array) return fail(env, what);
  *out = (const uint32_t *)data;
  return 1;
}

/* A whole number in [0, 2^32). */
static int get_u32(napi_env env, napi_value v, uint32_t *out, const char *what) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) return fail(env, what);
  *out = (uint32_t)d;
  return 1;
}

static int get_assets(napi_env env, napi_value v, uint32_t *k) {
  if (!get_u32(env, v, k, "assets must be a whole number")) return 0;
  if (*k < 1 || *k > MAX_ASSETS) return fail(env, "assets must be 1 to 64");
  return 1;
}

static napi_value number(napi_env env, double d) {
  napi_value r;
  napi_create_double(env, d, &r);
  return r;
}

static inline uint64_t load_be64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return v;
#else
  return __builtin_bswap64(v);
#endif
}

static inline uint32_t load_le32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void store_be64(uint8_t *p, uint64_t v) {
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
  v = __builtin_bswap64(v);
#endif
  memcpy(p, &v, 8);
}

/* The constant part of every leaf message of a snapshot: 0x00 || snapshot id (the index follows). */
typedef struct {
  uint8_t head[33];
  const uint8_t *tag;
  size_t tag_bytes;
} leaf_ctx_t;

/*
 * SHA-256 of one contiguous message with a single SHA256_Update: OpenSSL then compresses the whole
 * blocks straight from the message and copies only the tail. Laying a message out first and
 * hashing it at once costs less than one SHA256_Update per field, which copies every field into
 * the context's block buffer and calls back per field (decision 269).
 */
static inline void sha256_once(const uint8_t *m, size_t bytes, uint8_t *out) {
  SHA256_CTX s;
  SHA256_Init(&s);
  SHA256_Update(&s, m, bytes);
  SHA256_Final(out, &s);
}

/*
 * Copies n bytes, a multiple of 16, in 16-byte steps. For the small copies of a record's sums the
 * compiler would otherwise inline a string move (rep movs), whose start-up costs more than the copy.
 */
static inline void copy16(uint8_t *restrict d, const uint8_t *restrict s, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    uint64_t x, y;
    memcpy(&x, s + i, 8);
    memcpy(&y, s + i + 8, 8);
    memcpy(d + i, &x, 8);
    memcpy(d + i + 8, &y, 8);
  }
}

/* Bytes of the uid message laid out on the stack (a longer tag is hashed field by field). */
#define UID_MESSAGE (64 + 32 + 1024)

/* Bytes of the longest leaf message. */
#define LEAF_MESSAGE (33 + 8 + 32 + 32 + 16 * MAX_ASSETS)

/* The uid message tag || salt || id into `u`; returns its length. */
static inline size_t uid_message(const leaf_ctx_t *c, const uint8_t *salt, const uint8_t *id, size_t id_bytes, uint8_t *u) {
  memcpy(u, c->tag, c->tag_bytes);
  memcpy(u + c->tag_bytes, salt, 32);
  memcpy(u + c->tag_bytes + 32, id, id_bytes);
  return c->tag_bytes + 32 + id_bytes;
}

/* uid = SHA-256(tag || salt || id) into `out` at once (a message laid out on the stack, or a longer one field by field). */
static inline void uid_hash(const leaf_ctx_t *c, const uint8_t *salt, const uint8_t *id, size_t id_bytes, uint8_t *out) {
  if (c->tag_bytes + 32 + id_bytes <= UID_MESSAGE) {
    uint8_t u[UID_MESSAGE];
    sha256_once(u, uid_message(c, salt, id, id_bytes, u), out);
  } else {
    SHA256_CTX s;
    SHA256_Init(&s);
    SHA256_Update(&s, c->tag, c->tag_bytes);
    SHA256_Update(&s, salt, 32);
    SHA256_Update(&s, id, id_bytes);
    SHA256_Final(out, &s);
  }
}

/*
 * Leaves laid out together and then hashed together: first their uid hashes back to back, each
 * into its own leaf message, then their leaf hashes back to back. Between two hashes there is then
 * only the call, as in the raw loop of bench/reserves.ts, and the processor overlaps the end of one
 * hash with the start of the next; laying out a message between two hashes kept it from doing so.
 * Alone, 8,192 leaves with their table reads in cache: 225 ns a leaf instead of 236 (medians of 40;
 * the raw uid and leaf hashes take 195).
 */
#define LEAF_GROUP 8

/* A group's uid message slot: tag, salt and ids up to UID_SLOT - tag - 32 bytes; a longer one is hashed as it is laid out. */
#define UID_SLOT 128

typedef struct {
  uint8_t leaf[LEAF_GROUP][LEAF_MESSAGE];
  uint8_t uid[LEAF_GROUP][UID_SLOT];
  /* Bytes of uid[x] to hash into leaf[x]; 0 when the leaf message already holds its uid hash. */
  size_t uid_bytes[LEAF_GROUP];
  uint8_t *out[LEAF_GROUP];
  uint32_t count;
} leaf_group_t;

/*
 * Adds a leaf to the group, its hash to go to `out`: its message 0x00 || snapshot id || u64be(p) ||
 * uid || salt || balances, where uid = SHA-256(tag || salt || id) unless `uid` is given (a padding
 * leaf). Every input is copied here, so `out` may be where the uid or the balances were.
 */
static inline void group_add(leaf_group_t *g, const leaf_ctx_t *c, uint64_t p, const uint8_t *salt, const uint8_t *id, size_t id_bytes, const uint8_t *uid, const uint8_t *balances, size_t balance_bytes, uint8_t *out) {
  const uint32_t x = g->count++;
  uint8_t *msg = g->leaf[x];
  g->out[x] = out;
  g->uid_bytes[x] = 0;
  memcpy(msg, c->head, 33);
  store_be64(msg + 33, p);
  memcpy(msg + 73, salt, 32);
  copy16(msg + 105, balances, balance_bytes);
  if (uid != NULL) memcpy(msg + 41, uid, 32);
  else if (c->tag_bytes + 32 + id_bytes <= UID_SLOT) g->uid_bytes[x] = uid_message(c, salt, id, id_bytes, g->uid[x]);
  else uid_hash(c, salt, id, id_bytes, msg + 41);
}

/* Hashes the group's leaves (uid hashes first) and empties it. */
static inline void group_hash(leaf_group_t *g, size_t balance_bytes) {
  for (uint32_t x = 0; x < g->count; x++)
    if (g->uid_bytes[x] > 0) sha256_once(g->uid[x], g->uid_bytes[x], g->leaf[x] + 41);
  for (uint32_t x = 0; x < g->count; x++) sha256_once(g->leaf[x], 105 + balance_bytes, g->out[x]);
  g->count = 0;
}

static int get_leaf_ctx(napi_env env, napi_value snapshot, napi_value tag, leaf_ctx_t *c) {
  span_t s, t;
  if (!get_span(env, snapshot, &s, "snapshotId must be a typed array") || !get_span(env, tag, &t, "uidTag must be a typed array")) return 0;
  if (s.bytes != 32) return fail(env, "snapshotId must be 32 bytes");
  c->head[0] = 0;
  memcpy(c->head + 1, s.data, 32);
  c->tag = t.data;
  c->tag_bytes = t.bytes;
  return 1;
}

/*
 * Account `acc`'s bytes in the table's balance chunks (chunks of 2^shift accounts, `stride` bytes
 * each), or NULL when they are not inside the chunks given.
 */
static inline const uint8_t *account_record(const span_t *chunk, uint32_t chunk_count, uint32_t shift, size_t stride, uint32_t acc) {
  const uint32_t ci = acc >> shift;
  const size_t at = (size_t)(acc & ((1u << shift) - 1)) * stride;
  return ci < chunk_count && at + stride <= chunk[ci].bytes ? chunk[ci].data + at : NULL;
}

/*
 * leaves(records, salts, leafAccount, accounts, chunks, chunkShift, chunkStride, ids, idOffsets, pads,
 *        padStart, snapshotId, uidTag, assets, from, to, recordBase, saltBase) -> padding leaves used
 *
 * The in-memory build's 'leaves' job, over leaves [from, to) in leaf order (indexes absolute but
 * for `records`): leaf p belongs to account leafAccount[p] when that is below `accounts`, else it is
 * a padding leaf whose uid hash is the next 32 bytes of `pads` (from 32-byte slot padStart on).
 * Leaf p's record is record p - recordBase of `records` (0: the whole level; the leaf index of a
 * block's first leaf: a block's scratch buffer). When `chunks` (an array of Uint8Arrays, the
 * account table's balance chunks of 2^chunkShift accounts) is not empty, an account's balances are
 * copied from it into its record first, and a padding leaf's are set to zero; otherwise they are
 * already there. `chunkStride` is an account's bytes in the chunks: 0 for its balances only, or the
 * balances' bytes + 32 when its id's start and length in `ids` (u32, little-endian) and its first
 * 24 bytes follow them (a shared AccountTable's layout); ids then come from there, not idOffsets. The leaf hash goes into the first 32 bytes of the record. Leaf p's salt is salt
 * p - saltBase of `salts` (0: all the salts; a block's first leaf: a block's own salts).
 */
static napi_value leaves(napi_env env, napi_callback_info info) {
  napi_value a[18];
  if (!get_args(env, info, 18, a)) return NULL;
  span_t records, salts, ids, pads;
  const uint32_t *leaf_account, *offsets;
  size_t leaf_count, offset_count;
  uint32_t n, shift, chunk_stride, pad_start, k, from, to, rbase, sbase;
  leaf_ctx_t c;
  if (!get_span(env, a[0], &records, "records must be a typed array") || !get_span(env, a[1], &salts, "salts must be a typed array") ||
      !get_u32s(env, a[2], &leaf_account, &leaf_count, "leafAccount must be a Uint32Array") || !get_u32(env, a[3], &n, "accounts must be a whole number") ||
      !get_u32(env, a[5], &shift, "chunkShift must be a whole number") || !get_u32(env, a[6], &chunk_stride, "chunkStride must be a whole number") ||
      !get_span(env, a[7], &ids, "ids must be a typed array") || !get_u32s(env, a[8], &offsets, &offset_count, "idOffsets must be a Uint32Array") ||
      !get_span(env, a[9], &pads, "pads must be a typed array") || !get_u32(env, a[10], &pad_start, "padStart must be a whole number") ||
      !get_leaf_ctx(env, a[11], a[12], &c) || !get_assets(env, a[13], &k) || !get_u32(env, a[14], &from, "from must be a whole number") ||
      !get_u32(env, a[15], &to, "to must be a whole number") || !get_u32(env, a[16], &rbase, "recordBase must be a whole number") ||
      !get_u32(env, a[17], &sbase, "saltBase must be a whole number"))
    return NULL;
  const size_t bal = 16 * (size_t)k, r = 32 + bal;
  /* An account's bytes in the chunks: its balances only (0), or with its id's place and first bytes after them. */
  const size_t stride = chunk_stride == 0 ? bal : chunk_stride;
  if (stride != bal && stride != bal + 8 + INLINE_ID) return fail(env, "chunkStride must be 0 or the balances' bytes plus 32"), NULL;
  if (from > to || to > leaf_count || rbase > from || sbase > from) return fail(env, "leaf range out of bounds"), NULL;
  if ((size_t)(to - rbase) * r > records.bytes) return fail(env, "records too short for the leaf range"), NULL;
  if ((size_t)(to - sbase) * 32 > salts.bytes) return fail(env, "salts too short for the leaf range"), NULL;
  if ((size_t)n + 1 > offset_count) return fail(env, "idOffsets must hold accounts + 1 entries"), NULL;
  if (shift < 1 || shift > 30) return fail(env, "chunkShift must be 1 to 30"), NULL;
  /* The balance chunks. */
  bool is_array = false;
  uint32_t chunk_count = 0;
  if (napi_is_array(env, a[4], &is_array) != napi_ok || !is_array || napi_get_array_length(env, a[4], &chunk_count) != napi_ok) return fail(env, "chunks must be an array"), NULL;
  if (chunk_count > MAX_CHUNKS) return fail(env, "too many chunks"), NULL;
  span_t *chunk = chunk_count > 0 ? (span_t *)malloc(chunk_count * sizeof(span_t)) : NULL;
  if (chunk_count > 0 && chunk == NULL) return fail(env, "out of memory"), NULL;
  for (uint32_t i = 0; i < chunk_count; i++) {
    napi_value e;
    if (napi_get_element(env, a[4], i, &e) != napi_ok || !get_span(env, e, &chunk[i], "every chunk must be a typed array")) {
      free(chunk);
      return NULL;
    }
  }
  /* Ids are read from their places in the chunks when the chunks have them; otherwise through idOffsets. */
  const bool places = stride != bal && chunk_count > 0;
  /* The tables may be shared memory: every value is read once and checked before it is used. */
  const char *problem = NULL;
  size_t pad = pad_start;
  uint32_t acc_b[BATCH], start_b[BATCH], end_b[BATCH], len_b[BATCH];
  const uint8_t *id_b[BATCH];
  leaf_group_t group;
  group.count = 0;
  volatile uint32_t sink = 0;
  for (uint32_t first = from; first < to && problem == NULL; first += BATCH) {
    const uint32_t m = to - first < BATCH ? to - first : BATCH;
    /* Prefetches ahead, past `to` too (the leaves after it are usually this thread's next call).
       With the ids' places in the chunks: the accounts' chunk records two batches ahead, and for
       the next batch the arena bytes of ids too long to be inline. Otherwise: the id offsets two
       batches ahead, and the ids and balances of the next batch, whose offsets the previous
       batch prefetched. Only hints: every value is still read and checked below. */
    {
      const size_t ahead2 = (size_t)first + 2 * BATCH, ahead1 = (size_t)first + BATCH;
      for (size_t q = ahead2; q < ahead2 + BATCH && q < leaf_count; q++) {
        const uint32_t acc = leaf_account[q];
        if (acc >= n) continue;
        if (!places) {
          prefetch_l2(offsets + acc);
          continue;
        }
        const uint8_t *b = account_record(chunk, chunk_count, shift, stride, acc);
        if (b != NULL) prefetch_span_l2(b, stride);
      }
      for (size_t q = ahead1; q < ahead1 + BATCH && q < leaf_count; q++) {
        const uint32_t acc = leaf_account[q];
        if (acc >= n) continue;
        const uint8_t *b = account_record(chunk, chunk_count, shift, stride, acc);
        if (places && b != NULL) {
          const uint32_t start = load_le32(b + bal), len = load_le32(b + bal + 4);
          if (len > INLINE_ID && start < ids.bytes) prefetch_l2(ids.data + start);
          continue;
        }
        const uint32_t start = offsets[acc];
        if (start < ids.bytes) prefetch_l2(ids.data + start);
        if (b != NULL) prefetch_span_l2(b, bal);
      }
    }
    /* The table reads of a batch first, in short loops of independent loads whose cache misses
       the processor overlaps; the hashing then finds them in the cache. */
    for (uint32_t i = 0; i < m; i++) acc_b[i] = leaf_account[first + i];
    if (!places) {
      for (uint32_t i = 0; i < m; i++) {
        const uint32_t acc = acc_b[i];
        if (acc < n) {
          start_b[i] = offsets[acc];
          end_b[i] = offsets[acc + 1];
        }
      }
    }
    uint32_t touch = 0;
    for (uint32_t i = 0; i < m; i++) {
      const uint32_t acc = acc_b[i];
      if (acc >= n) {
        /* A padding leaf has zero balances (the records may be a reused scratch buffer). */
        if (chunk_count > 0) memset(records.data + (size_t)(first + i - rbase) * r + 32, 0, bal);
        continue;
      }
      const uint8_t *b = chunk_count > 0 ? account_record(chunk, chunk_count, shift, stride, acc) : NULL;
      if (chunk_count > 0 && b == NULL) {
        problem = "an account's balances are out of the chunks";
        break;
      }
      if (places && b != NULL) {
        const uint32_t start = load_le32(b + bal), len = load_le32(b + bal + 4);
        if (len > MAX_ID || (len > INLINE_ID && ((size_t)start + len > ids.bytes))) {
          problem = "an id offset is out of bounds";
          break;
        }
        id_b[i] = len <= INLINE_ID ? b + bal + 8 : ids.data + start;
        len_b[i] = len;
      } else {
        if (start_b[i] > end_b[i] || end_b[i] > ids.bytes) {
          problem = "an id offset is out of bounds";
          break;
        }
        id_b[i] = ids.data + start_b[i];
        len_b[i] = end_b[i] - start_b[i];
      }
      if (len_b[i] > 0) touch ^= id_b[i][0] ^ id_b[i][len_b[i] - 1];
      if (b != NULL) copy16(records.data + (size_t)(first + i - rbase) * r + 32, b, bal);
    }
    sink ^= touch;
    /* The batch's leaves in groups (group_hash). A leaf's hash overwrites the start of its own
       record, whose balances its message has copied. */
    for (uint32_t i = 0; i < m && problem == NULL; i++) {
      const uint32_t p = first + i;
      uint8_t *rec = records.data + (size_t)(p - rbase) * r;
      const uint8_t *salt = salts.data + (size_t)(p - sbase) * 32;
      if (acc_b[i] < n) {
        group_add(&group, &c, p, salt, id_b[i], len_b[i], NULL, rec + 32, bal, rec);
      } else if ((pad + 1) * 32 > pads.bytes) {
        problem = "pads too short for the padding leaves";
      } else {
        group_add(&group, &c, p, salt, NULL, 0, pads.data + pad * 32, rec + 32, bal, rec);
        pad++;
      }
      if (group.count == LEAF_GROUP) group_hash(&group, bal);
    }
  }
  if (problem == NULL && group.count > 0) group_hash(&group, bal);
  free(chunk);
  if (problem) return fail(env, problem), NULL;
  return number(env, (double)(pad - pad_start));
}

/*
 * block(records, salts, ids, idStart, idLen, snapshotId, uidTag, assets, base, from, to) -> undefined
 *
 * The streaming build's 'block' job over leaves [from, to) of a block laid out in leaf order from
 * leaf `base` on: leaf p's record is record p - base (balances in place), its salt salt p - base.
 * idLen[p - base] = 0xffffffff marks a padding leaf whose uid hash is already in the record's hash
 * slot; otherwise the id is idLen bytes at idStart in `ids`.
 */
static napi_value block(napi_env env, napi_callback_info info) {
  napi_value a[11];
  if (!get_args(env, info, 11, a)) return NULL;
  span_t records, salts, ids;
  const uint32_t *id_start, *id_len;
  size_t starts, lens;
  uint32_t k, base, from, to;
  leaf_ctx_t c;
  if (!get_span(env, a[0], &records, "records must be a typed array") || !get_span(env, a[1], &salts, "salts must be a typed array") ||
      !get_span(env, a[2], &ids, "ids must be a typed array") || !get_u32s(env, a[3], &id_start, &starts, "idStart must be a Uint32Array") ||
      !get_u32s(env, a[4], &id_len, &lens, "idLen must be a Uint32Array") || !get_leaf_ctx(env, a[5], a[6], &c) || !get_assets(env, a[7], &k) ||
      !get_u32(env, a[8], &base, "base must be a whole number") || !get_u32(env, a[9], &from, "from must be a whole number") ||
      !get_u32(env, a[10], &to, "to must be a whole number"))
    return NULL;
  const size_t bal = 16 * (size_t)k, r = 32 + bal;
  if (base > from || from > to) return fail(env, "leaf range out of bounds"), NULL;
  const size_t m = (size_t)(to - base);
  if (m * r > records.bytes || m * 32 > salts.bytes || m > starts || m > lens) return fail(env, "block buffers too short for the leaf range"), NULL;
  leaf_group_t group;
  group.count = 0;
  for (uint32_t p = from; p < to; p++) {
    const size_t q = p - base;
    uint8_t *rec = records.data + q * r;
    const uint8_t *salt = salts.data + q * 32;
    const uint32_t len = id_len[q], start = id_start[q];
    /* A padding leaf's uid hash is copied into its message before its hash overwrites it. */
    if (len == 0xffffffffu) {
      group_add(&group, &c, p, salt, NULL, 0, rec, rec + 32, bal, rec);
    } else {
      if ((size_t)start + len > ids.bytes) return fail(env, "an id is out of bounds"), NULL;
      group_add(&group, &c, p, salt, ids.data + start, len, NULL, rec + 32, bal, rec);
    }
    if (group.count == LEAF_GROUP) group_hash(&group, bal);
  }
  if (group.count > 0) group_hash(&group, bal);
  return NULL;
}

/*
 * Node i's message (0x01 || left child || right child, or zeros for a missing right child) into
 * `msg` and its sums into `sums`, from the level below at `prev` (record 0 is node `base`'s left
 * child). Returns 1 with the asset in *overflow when a sum reaches 2^128, else 0.
 */
static inline int node_message(const uint8_t *prev, uint32_t prev_count, size_t r, uint32_t k, uint32_t base, uint32_t i, uint8_t *msg, uint8_t *sums, uint32_t *overflow) {
  const uint8_t *left = prev + 2 * (size_t)(i - base) * r;
  const uint8_t *right = (uint64_t)2 * i + 1 < prev_count ? left + r : NULL;
  if (right) {
    for (uint32_t x = 0; x < k; x++) {
      const size_t o = 32 + 16 * (size_t)x;
      const uint64_t lh = load_be64(left + o), ll = load_be64(left + o + 8);
      const uint64_t rh = load_be64(right + o), rl = load_be64(right + o + 8);
      const uint64_t lo = ll + rl;
      const uint64_t carry = lo < ll;
      const uint64_t hi = lh + rh;
      const uint64_t top = hi + carry;
      if (hi < lh || top < hi) {
        *overflow = x;
        return 1;
      }
      store_be64(sums + 16 * x, top);
      store_be64(sums + 16 * x + 8, lo);
    }
  } else {
    copy16(sums, left + 32, r - 32);
  }
  msg[0] = 1;
  copy16(msg + 1, left, r);
  if (right) copy16(msg + 1 + r, right, r);
  else memset(msg + 1 + r, 0, r);
  return 0;
}

/*
 * level(prev, prevCount, next, assets, base, from, to) -> index of an asset whose sum reached 2^128, or -1
 *
 * Nodes [from, to) of a level from the level below (prevCount records): node i = SHA-256(0x01 ||
 * record 2i || record 2i + 1) and its sums are the children's sums; an absent right child is an
 * empty subtree (zero hash, zero sums). Both buffers start at node `base`: node i is record i - base
 * of `next`, its children records 2(i - base) and 2(i - base) + 1 of `prev`.
 */
static napi_value level(napi_env env, napi_callback_info info) {
  napi_value a[7];
  if (!get_args(env, info, 7, a)) return NULL;
  span_t prev, next;
  uint32_t prev_count, k, base, from, to;
  if (!get_span(env, a[0], &prev, "prev must be a typed array") || !get_u32(env, a[1], &prev_count, "prevCount must be a whole number") ||
      !get_span(env, a[2], &next, "next must be a typed array") || !get_assets(env, a[3], &k) || !get_u32(env, a[4], &base, "base must be a whole number") ||
      !get_u32(env, a[5], &from, "from must be a whole number") || !get_u32(env, a[6], &to, "to must be a whole number"))
    return NULL;
  const size_t r = 32 + 16 * (size_t)k;
  if (base > from || from > to) return fail(env, "node range out of bounds"), NULL;
  uint32_t overflow = 0;
  if (from < to) {
    const uint64_t last = (uint64_t)to - 1;
    if (2 * last >= prev_count) return fail(env, "a node past the level below"), NULL;
    const uint64_t children = (2 * (uint64_t)to < prev_count ? 2 * (uint64_t)to : prev_count) - 2 * (uint64_t)base;
    if (children * r > prev.bytes) return fail(env, "prev too short for the node range"), NULL;
    if (((uint64_t)to - base) * r > next.bytes) return fail(env, "next too short for the node range"), NULL;
  }
  /*
   * Each node's message is copied to the stack and hashed in one call: 0x01 and the two children
   * make 1 + 2r bytes, so hashed straight from the records (after the tag byte) SHA-256 would take
   * three block calls and a copy into its context; 7% faster per node, measured alone. Messages are
   * laid out NODE_GROUP at a time and then hashed back to back, as the leaves are (group_hash):
   * alone, 178 ns a node instead of 188 (the raw 193-byte hash takes 162).
   */
  uint8_t msg[NODE_GROUP][1 + 2 * MAX_RECORD];
  uint8_t sums[NODE_GROUP][16 * MAX_ASSETS];
  for (uint32_t i0 = from; i0 < to; i0 += NODE_GROUP) {
    const uint32_t m = to - i0 < NODE_GROUP ? to - i0 : NODE_GROUP;
    for (uint32_t x = 0; x < m; x++)
      if (node_message(prev.data, prev_count, r, k, base, i0 + x, msg[x], sums[x], &overflow)) return number(env, overflow);
    /* Hashed in place, a node's record is its left child's or one before: every child of the group
       is in the messages before the first hash is written, and later groups read higher records. */
    for (uint32_t x = 0; x < m; x++) sha256_once(msg[x], 1 + 2 * r, next.data + (size_t)(i0 + x - base) * r);
    for (uint32_t x = 0; x < m; x++) copy16(next.data + (size_t)(i0 + x - base) * r + 32, sums[x], r - 32);
  }
  return number(env, -1);
}

/* Swaps of the shuffle drawn ahead, whose slots are prefetched before they are swapped. */
#define SHUFFLE_BATCH 256

/*
 * shuffle(items, bytes, pos, state) -> the position in `bytes` after the bytes used
 *
 * The Fisher–Yates steps of random.ts's shuffle(), with its draws: for i = state[0], state[0] - 1,
 * ... down to state[1] + 1, draw j uniform in [0, i] and swap items[i] and items[j]. A draw takes
 * the next 4 bytes of `bytes` from `pos` on as a big-endian u32 x, and with n = i + 1 and
 * r = x mod n keeps r when x - r + n <= 2^32 (otherwise draws again): RandomStream.belowEach's
 * rule, so the same bytes give the same permutation as the JavaScript shuffle. Stops when the
 * steps are done or fewer than 4 bytes are left; state[0] is then the next step's i (state[1]
 * once done), and the caller refills the bytes and calls again.
 */
static napi_value shuffle(napi_env env, napi_callback_info info) {
  napi_value a[4];
  if (!get_args(env, info, 4, a)) return NULL;
  const uint32_t *items_c, *state_c;
  size_t count, state_count;
  span_t bytes;
  uint32_t pos;
  if (!get_u32s(env, a[0], &items_c, &count, "items must be a Uint32Array") || !get_span(env, a[1], &bytes, "bytes must be a typed array") ||
      !get_u32(env, a[2], &pos, "pos must be a whole number") || !get_u32s(env, a[3], &state_c, &state_count, "state must be a Uint32Array"))
    return NULL;
  if (state_count != 2) return fail(env, "state must hold 2 values"), NULL;
  uint32_t *items = (uint32_t *)items_c, *state = (uint32_t *)state_c;
  uint32_t top = state[0];
  const uint32_t stop = state[1];
  if (stop > top || (top > stop && (size_t)top >= count)) return fail(env, "shuffle steps out of bounds"), NULL;
  if (pos > bytes.bytes) return fail(env, "pos out of bounds"), NULL;
  const uint8_t *b = bytes.data;
  const size_t end = bytes.bytes;
  size_t p = pos;
  uint32_t target[SHUFFLE_BATCH];
  bool out = false;
  while (top > stop && !out) {
    const uint32_t want = top - stop < SHUFFLE_BATCH ? top - stop : SHUFFLE_BATCH;
    uint32_t m = 0;
    while (m < want) {
      const uint64_t n = (uint64_t)(top - m) + 1;
      if (p + 4 > end) {
        out = true;
        break;
      }
      const uint64_t x = ((uint64_t)b[p] << 24) | ((uint64_t)b[p + 1] << 16) | ((uint64_t)b[p + 2] << 8) | b[p + 3];
      p += 4;
      const uint64_t r = x % n;
      if (x - r + n <= 0x100000000ull) target[m++] = (uint32_t)r;
    }
    /* The swaps' random slots first, so their cache misses overlap. */
    for (uint32_t k = 0; k < m; k++) __builtin_prefetch(items + target[k], 1);
    for (uint32_t k = 0; k < m; k++) {
      const uint32_t i = top - k, j = target[k];
      const uint32_t t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    top -= m;
  }
  state[0] = top;
  return number(env, (double)p);
}

/*
 * repeat(message, count) -> a byte of the last digest
 *
 * SHA-256 of the same message `count` times: raw hashing with nothing around it, the yardstick of
 * bench/reserves.ts for the builds that hash here.
 */
static napi_value repeat(napi_env env, napi_callback_info info) {
  napi_value a[2];
  if (!get_args(env, info, 2, a)) return NULL;
  span_t m;
  uint32_t count;
  if (!get_span(env, a[0], &m, "message must be a typed array") || !get_u32(env, a[1], &count, "count must be a whole number")) return NULL;
  uint8_t md[32] = {0};
  uint32_t x = 0;
  for (uint32_t i = 0; i < count; i++) {
    sha256_once(m.data, m.bytes, md);
    x ^= md[i & 31];
  }
  return number(env, x);
}

/* sha256(message) -> Uint8Array: one digest (the tests check this build against known values). */
static napi_value sha256(napi_env env, napi_callback_info info) {
  napi_value a[1];
  if (!get_args(env, info, 1, a)) return NULL;
  span_t m;
  if (!get_span(env, a[0], &m, "message must be a typed array")) return NULL;
  napi_value buffer, out;
  void *data;
  if (napi_create_arraybuffer(env, 32, &data, &buffer) != napi_ok || napi_create_typedarray(env, napi_uint8_array, 32, buffer, 0, &out) != napi_ok) return fail(env, "out of memory"), NULL;
  sha256_once(m.data, m.bytes, (uint8_t *)data);
  return out;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor functions[] = {
    {"leaves", NULL, leaves, NULL, NULL, NULL, napi_enumerable, NULL},
    {"block", NULL, block, NULL, NULL, NULL, napi_enumerable, NULL},
    {"level", NULL, level, NULL, NULL, NULL, napi_enumerable, NULL},
    {"shuffle", NULL, shuffle, NULL, NULL, NULL, napi_enumerable, NULL},
    {"repeat", NULL, repeat, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sha256", NULL, sha256, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
