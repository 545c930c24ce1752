/*
 * syncmap-type-assert, comma-ok: a sync.Map holds values of two types; a
 * goroutine loads them and asserts with the comma-ok form while another
 * stores them. The article's section 3.2 counts a failing type assertion
 * among sync.Map's panics; the comma-ok form never panics, it sets ok to
 * false.
 *
 * Go (comma-ok.go beside this file is the real program, and the real
 * evidence):
 *
 *     var m sync.Map
 *     go func() { // writer: ints at even keys, strings at odd keys
 *             for i := 0; i < 1000; i++ {
 *                     if i%2 == 0 {
 *                             m.Store(i, i)
 *                     } else {
 *                             m.Store(i, strconv.Itoa(i))
 *                     }
 *             }
 *     }()
 *     go func() { // reader
 *             for i := 0; i < 1000; i++ {
 *                     v, _ := m.Load(i)     // nil if not stored yet
 *                     _, ok := v.(string)   // ok == false for nil and int
 *             }
 *     }()
 *
 * C has no interfaces, so this program can only mimic what Go's compiler
 * emits for `s, ok := v.(string)` with v an `any` (an eface: a type word
 * and a data word): compare the type word with the string type's
 * descriptor; equal: ok = true and s is the data; not equal (or v == nil):
 * ok = false and s is "". No call, no panic (Go 1.19:
 * cmd/compile/internal/ssagen/ssa.go, dottype1). Only the single-value form
 * `s := v.(string)` calls runtime.panicdottypeE on a mismatch
 * (src/runtime/iface.go). What this variant does check for real is the
 * concurrency: Load, Store and the eface words they hand over are race
 * free, so every detector is silent.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"

enum { rounds = 1000 };

/* Go's runtime._type, reduced to its name, and runtime.eface. */
struct _type {
    const char *string;
};
struct eface {
    const struct _type *_type;
    const void *data;
};

const struct _type type_int = {"int"}, type_string = {"string"};

/* The values the writer stores, built before the goroutines start (Go
 * allocates each boxed value when it converts it to any). */
int64_t ints[rounds];
const char *strs[rounds];
char strbuf[rounds][8];
struct eface boxes[rounds];

struct Map m;
int nasserts; /* the reader's count, read after the join */

/* s, ok := v.(string): what the compiler emits, no runtime call */
static __attribute__((noinline)) const char *assert_string(struct eface *v,
                                                           bool *ok)
{
    *ok = v && v->_type == &type_string;
    return *ok ? *(const char *const *)v->data : "";
}

/* v, _ := m.Load(i); _, ok := v.(string) */
static __attribute__((noinline)) bool load_assert(int i)
{
    uint64_t raw = 0; /* nil when the key is absent */
    bool ok;

    Map_Load(&m, (uint64_t)i, &raw); /* RACE: m.Load(i) */
    assert_string((struct eface *)(uintptr_t)raw, &ok);
    return ok;
}

/* m.Store(i, v) */
static __attribute__((noinline)) void store(int i)
{
    uint64_t v = (uint64_t)(uintptr_t)&boxes[i];

    Map_Store(&m, (uint64_t)i, v); /* RACE: m.Store(i, v) */
}

static void *writer(void *arg)
{
    for (int i = 0; i < rounds; i++)
        store(i);
    return NULL;
}

static void *reader(void *arg)
{
    for (int i = 0; i < rounds; i++) {
        load_assert(i);
        nasserts++;
    }
    return NULL;
}

int main(void)
{
    pthread_t w, r;
    int ok = 0, notok = 0;

    for (int i = 0; i < rounds; i++) {
        if (i % 2 == 0) {
            ints[i] = i;
            boxes[i] = (struct eface){&type_int, &ints[i]};
        } else {
            snprintf(strbuf[i], sizeof(strbuf[i]), "%d", i);
            strs[i] = strbuf[i];
            boxes[i] = (struct eface){&type_string, &strs[i]};
        }
    }
    syncmap_init(&m);
    if (pthread_create(&w, NULL, writer, NULL) ||
        pthread_create(&r, NULL, reader, NULL)) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    for (int i = 0; i < rounds; i++)
        load_assert(i) ? ok++ : notok++;
    printf("%d comma-ok assertions during the stores, then %d after: %d ok "
           "(string), %d not ok (int), no panic\n",
           nasserts, ok + notok, ok, notok);
    syncmap_free(&m);
    return 0;
}
