/*
 * tests/model/test_context.c - the cancelCtx model (model/context.h):
 * canceling a parent cancels its whole subtree, a canceled child leaves
 * its parent's children, err is set once and never changes, a child of a
 * canceled parent is canceled at birth, Done is closed exactly when Err is
 * set, and under concurrent correct use no child is ever lost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "context.h"
#include "map.h"

/* Whether c's children map holds child. Call with no thread running. */
static bool has_child(struct cancelCtx *c, struct cancelCtx *child)
{
    bool ok = false;

    if (!c->children)
        return false;
    mapaccess2(c->children, (uint64_t)(uintptr_t)child, &ok);
    return ok;
}

static int64_t nchildren(struct cancelCtx *c)
{
    return c->children ? maplen(c->children) : 0;
}

static void assert_canceled(struct cancelCtx *c, const struct ctxerr *err)
{
    assert_ptr_equal(Context_Err(ctxOf(c)), err);
    assert_true(selectnbrecv(Context_Done(ctxOf(c))));
    assert_null(c->children);
}

static void assert_live(struct cancelCtx *c)
{
    assert_null(Context_Err(ctxOf(c)));
    assert_false(selectnbrecv(Context_Done(ctxOf(c))));
}

static void test_background(void **state)
{
    struct Context *bg = Background();

    assert_non_null(bg);
    assert_ptr_equal(Background(), bg);
    assert_null(Context_Done(bg));
    assert_null(Context_Err(bg));
    assert_null(Cause(bg));
    assert_null(parentCancelCtx(bg));
    assert_string_equal(ctxerr_Error(Canceled), "context canceled");
    assert_string_equal(ctxerr_Error(NULL), "<nil>");
}

static void test_with_cancel_links_child(void **state)
{
    CancelFunc pcancel, ccancel;
    struct cancelCtx *parent = WithCancel(Background(), &pcancel);
    struct cancelCtx *child;

    /* A child of Background is in no map: Background is never canceled;
     * the children map is made by the first child. */
    assert_ptr_equal(parent->Context, Background());
    assert_null(parent->children);
    assert_ptr_equal(pcancel.c, parent);
    child = WithCancel(ctxOf(parent), &ccancel);
    assert_ptr_equal(child->Context, ctxOf(parent));
    assert_ptr_equal(parentCancelCtx(ctxOf(parent)), parent);
    assert_true(has_child(parent, child));
    assert_int_equal(nchildren(parent), 1);
    assert_live(parent);
    assert_live(child);

    CallCancelFunc(pcancel);
    CallCancelFunc(ccancel);
    ctxfree(child);
    ctxfree(parent);
}

static void test_cancel_parent_cancels_subtree(void **state)
{
    CancelFunc cancel, c1cancel, c2cancel, gcancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *c1 = WithCancel(ctxOf(parent), &c1cancel);
    struct cancelCtx *c2 = WithCancel(ctxOf(parent), &c2cancel);
    struct cancelCtx *g = WithCancel(ctxOf(c1), &gcancel);

    assert_int_equal(nchildren(parent), 2);
    assert_int_equal(nchildren(c1), 1);
    assert_true(has_child(c1, g));

    CallCancelFunc(cancel);

    assert_canceled(parent, Canceled);
    assert_canceled(c1, Canceled);
    assert_canceled(c2, Canceled);
    assert_canceled(g, Canceled);
    assert_ptr_equal(Cause(ctxOf(g)), Canceled);
    /* the dropped children maps are kept for ctxfree */
    assert_int_equal(parent->nretired, 1);
    assert_int_equal(c1->nretired, 1);

    /* canceling a canceled child again does nothing */
    CallCancelFunc(gcancel);
    CallCancelFunc(c1cancel);
    CallCancelFunc(c2cancel);
    assert_canceled(g, Canceled);
    ctxfree(g);
    ctxfree(c2);
    ctxfree(c1);
    ctxfree(parent);
}

static void test_cancel_child_removes_it(void **state)
{
    CancelFunc cancel, c1cancel, c2cancel, gcancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *c1 = WithCancel(ctxOf(parent), &c1cancel);
    struct cancelCtx *c2 = WithCancel(ctxOf(parent), &c2cancel);
    struct cancelCtx *g = WithCancel(ctxOf(c1), &gcancel);

    CallCancelFunc(c1cancel);

    /* c1 and its subtree are canceled, and c1 left its parent ... */
    assert_canceled(c1, Canceled);
    assert_canceled(g, Canceled);
    assert_false(has_child(parent, c1));
    /* ... which, like its other child, is untouched */
    assert_true(has_child(parent, c2));
    assert_int_equal(nchildren(parent), 1);
    assert_live(parent);
    assert_live(c2);

    /* removeChild on a parent that is not a cancelCtx does nothing */
    removeChild(Background(), c2);
    assert_true(has_child(parent, c2));

    CallCancelFunc(c2cancel);
    assert_int_equal(nchildren(parent), 0);
    assert_non_null(parent->children); /* emptied, not dropped */
    CallCancelFunc(cancel);
    CallCancelFunc(gcancel);
    ctxfree(g);
    ctxfree(c2);
    ctxfree(c1);
    ctxfree(parent);
}

static const struct ctxerr first_cause = {"first cause"};
static const struct ctxerr other_err = {"other error"};

static void test_err_never_changes(void **state)
{
    CancelFunc cancel, ccancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *child = WithCancel(ctxOf(parent), &ccancel);

    cancelCtx_cancel(parent, true, Canceled, &first_cause);
    assert_ptr_equal(Context_Err(ctxOf(parent)), Canceled);
    assert_ptr_equal(Cause(ctxOf(parent)), &first_cause);
    /* the cause goes down the tree with the error */
    assert_ptr_equal(Context_Err(ctxOf(child)), Canceled);
    assert_ptr_equal(Cause(ctxOf(child)), &first_cause);

    /* a second cancel, with another error, changes nothing */
    cancelCtx_cancel(parent, true, &other_err, &other_err);
    cancelCtx_cancel(child, true, &other_err, NULL);
    assert_ptr_equal(Context_Err(ctxOf(parent)), Canceled);
    assert_ptr_equal(Cause(ctxOf(parent)), &first_cause);
    assert_ptr_equal(Context_Err(ctxOf(child)), Canceled);
    assert_ptr_equal(Cause(ctxOf(child)), &first_cause);
    ctxfree(child);
    ctxfree(parent);
}

static void test_nil_cause_is_err(void **state)
{
    struct cancelCtx *c = WithCancel(Background(), NULL);

    cancelCtx_cancel(c, true, &other_err, NULL);
    assert_ptr_equal(Context_Err(ctxOf(c)), &other_err);
    assert_ptr_equal(Cause(ctxOf(c)), &other_err);
    ctxfree(c);
}

static void test_child_of_canceled_parent(void **state)
{
    CancelFunc cancel, ccancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *child;

    cancelCtx_cancel(parent, true, Canceled, &first_cause);
    child = WithCancel(ctxOf(parent), &ccancel);
    /* canceled at birth, with the parent's error and cause, and never
     * added to the dropped children map */
    assert_canceled(child, Canceled);
    assert_ptr_equal(Cause(ctxOf(child)), &first_cause);
    assert_null(parent->children);

    /* the same through propagateCancel's locked path: the parent's done
     * reads open (as if the cancel came in between), err is set */
    struct cancelCtx *late = newCancelCtx(ctxOf(parent));
    atomic_store(&parent->done.closed, 0);
    propagateCancel(late, ctxOf(parent));
    atomic_store(&parent->done.closed, 1);
    assert_canceled(late, Canceled);
    assert_ptr_equal(Cause(ctxOf(late)), &first_cause);
    assert_null(parent->children);

    CallCancelFunc(ccancel);
    ctxfree(late);
    ctxfree(child);
    ctxfree(parent);
}

static void test_many_children(void **state)
{
    enum { n = 500 };
    CancelFunc cancel, ccancel[n];
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *child[n];
    int i;

    for (i = 0; i < n; i++)
        child[i] = WithCancel(ctxOf(parent), &ccancel[i]);
    assert_int_equal(nchildren(parent), n);
    /* cancel every third child itself first */
    for (i = 0; i < n; i += 3)
        CallCancelFunc(ccancel[i]);
    assert_int_equal(nchildren(parent), n - (n + 2) / 3);
    for (i = 0; i < n; i++)
        assert_int_equal(has_child(parent, child[i]), i % 3 != 0);

    CallCancelFunc(cancel);
    for (i = 0; i < n; i++)
        assert_canceled(child[i], Canceled);
    for (i = 0; i < n; i++) {
        CallCancelFunc(ccancel[i]);
        ctxfree(child[i]);
    }
    ctxfree(parent);
}

struct waiter {
    struct cancelCtx *c;
    const struct ctxerr *seen;
};

static void *wait_done(void *arg)
{
    struct waiter *w = arg;

    chanrecv(Context_Done(ctxOf(w->c)));
    /* done is closed after err is set, both under mu */
    w->seen = w->c->err;
    return NULL;
}

static void test_done_wakes_waiters(void **state)
{
    enum { n = 4 };
    CancelFunc cancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct cancelCtx *child = WithCancel(ctxOf(parent), NULL);
    struct waiter w[n];
    pthread_t t[n];
    int i;

    for (i = 0; i < n; i++) {
        w[i].c = i % 2 ? child : parent;
        w[i].seen = NULL;
        assert_int_equal(pthread_create(&t[i], NULL, wait_done, &w[i]), 0);
    }
    CallCancelFunc(cancel);
    for (i = 0; i < n; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_ptr_equal(w[i].seen, Canceled);
    }
    /* a receive on a closed channel returns at once */
    chanrecv(Context_Done(ctxOf(child)));
    ctxfree(child);
    ctxfree(parent);
}

/* Correct concurrent use: request threads make children of a shared
 * parent (WithCancel, under the parent's lock) and cancel some of them,
 * while another thread cancels the parent. Whatever the interleaving, no
 * child may be lost: every child ends canceled, and the parent's children
 * map is dropped. */
enum { stress_threads = 3, stress_children = 300 };

struct stress {
    struct cancelCtx *parent;
    struct cancelCtx *child[stress_children];
    int id;
};

static void *make_children(void *arg)
{
    struct stress *s = arg;
    int i;

    for (i = 0; i < stress_children; i++) {
        CancelFunc cancel;

        s->child[i] = WithCancel(ctxOf(s->parent), &cancel);
        if ((i + s->id) % 4 == 0)
            CallCancelFunc(cancel);
    }
    return NULL;
}

static int64_t nchildren_locked(struct cancelCtx *c)
{
    int64_t n;

    pthread_mutex_lock(&c->mu);
    n = nchildren(c);
    pthread_mutex_unlock(&c->mu);
    return n;
}

static void *cancel_parent(void *arg)
{
    struct stress *s = arg;

    /* Let some children in first, so that the cancel overlaps with the
     * makers. Not a timing assumption: the makers add more than this many
     * live children in any interleaving, and any overlap is correct. */
    while (nchildren_locked(s->parent) < stress_children / 2)
        sched_yield();
    cancelCtx_cancel(s->parent, true, Canceled, NULL);
    return NULL;
}

static void test_concurrent_no_lost_child(void **state)
{
    CancelFunc cancel;
    struct cancelCtx *parent = WithCancel(Background(), &cancel);
    struct stress s[stress_threads];
    pthread_t t[stress_threads], c;
    int i, j;

    for (i = 0; i < stress_threads; i++) {
        s[i].parent = parent;
        s[i].id = i;
        assert_int_equal(pthread_create(&t[i], NULL, make_children, &s[i]), 0);
    }
    assert_int_equal(pthread_create(&c, NULL, cancel_parent, &s[0]), 0);
    for (i = 0; i < stress_threads; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(pthread_join(c, NULL), 0);

    assert_canceled(parent, Canceled);
    for (i = 0; i < stress_threads; i++)
        for (j = 0; j < stress_children; j++) {
            assert_non_null(Context_Err(ctxOf(s[i].child[j])));
            assert_true(selectnbrecv(Context_Done(ctxOf(s[i].child[j]))));
            ctxfree(s[i].child[j]);
        }
    ctxfree(parent);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_background),
        cmocka_unit_test(test_with_cancel_links_child),
        cmocka_unit_test(test_cancel_parent_cancels_subtree),
        cmocka_unit_test(test_cancel_child_removes_it),
        cmocka_unit_test(test_err_never_changes),
        cmocka_unit_test(test_nil_cause_is_err),
        cmocka_unit_test(test_child_of_canceled_parent),
        cmocka_unit_test(test_many_children),
        cmocka_unit_test(test_done_wakes_waiters),
        cmocka_unit_test(test_concurrent_no_lost_child),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
