/*
 * syncmap-type-assert, single-value: the same sync.Map of ints and
 * strings, but the reader asserts with the single-value form, s :=
 * v.(string), on every value it finds. The first int it meets ends the
 * program: panic: interface conversion: interface {} is int, not string,
 * exit status 2. This is the panic a reader of the article's section 3.2
 * expects to see (its example uses the comma-ok form, which cannot
 * panic: see comma-ok.c).
 *
 * Go (single-value.go beside this file is the real program):
 *
 *     v, ok := m.Load(i)
 *     if ok {
 *             s := v.(string) // an int here panics
 *     }
 *
 * Whether the reader meets an int while the writer is still storing
 * depends on the schedule; if it does not, main's own pass over the keys
 * after both goroutines are done asserts key 0, an int, and panics there.
 * Either way the program panics with the same message: the run is
 * deterministic, and there is no data race (as in comma-ok.c).
 *
 * C has no interfaces. As in comma-ok.c, assert_string() does what Go's
 * compiler emits for the single-value form: compare the type word with
 * string's descriptor; on a mismatch, call runtime.panicdottypeE, which
 * panics with a *runtime.TypeAssertionError whose Error() is "interface
 * conversion: interface {} is <type>, not string" (Go 1.19:
 * src/runtime/iface.go, panicdottypeE, and src/runtime/error.go,
 * TypeAssertionError.Error). Here: the model's gopanic() with that message
 * (model/throw.h), which prints "panic: <message>" and a traceback, and
 * exits with status 2, as Go's unrecovered panic does.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "syncmap.h"
#include "throw.h"

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

/* The values the writer stores, built before the goroutines start. */
int64_t ints[rounds];
const char *strs[rounds];
char strbuf[rounds][8];
struct eface boxes[rounds];

struct Map m;
int nasserts; /* the reader's count, read after the join */

/* runtime.panicdottypeE(have, want, iface): the TypeAssertionError's
 * message (interface {} is the static type, `any`). */
static _Noreturn __attribute__((noinline)) void
panicdottypeE(const struct _type *have, const struct _type *want)
{
    static char msg[128];

    snprintf(msg, sizeof(msg),
             "interface conversion: interface {} is %s, not %s",
             have ? have->string : "nil", want->string);
    gopanic(msg);
}

/* s := v.(string): what the compiler emits, a comparison and, on a
 * mismatch, the call that panics */
static __attribute__((noinline)) const char *assert_string(struct eface *v)
{
    if (!v || v->_type != &type_string)
        panicdottypeE(v ? v->_type : NULL, &type_string);
    return *(const char *const *)v->data;
}

/* v, ok := m.Load(i); if ok { s := v.(string) } */
static __attribute__((noinline)) void load_assert(int i)
{
    uint64_t raw = 0;

    if (Map_Load(&m, (uint64_t)i, &raw)) /* RACE: m.Load(i) */
        assert_string((struct eface *)(uintptr_t)raw);
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
    printf("%d single-value assertions during the stores, no int met\n",
           nasserts);
    fflush(stdout);
    for (int i = 0; i < rounds; i++)
        load_assert(i);
    printf("no panic\n");
    syncmap_free(&m);
    return 0;
}
