/*
 * model/context.c - Go's cancelCtx (see context.h for the contract and the
 * invariants). The functions follow src/context/context.go of Go 1.21;
 * each keeps Go's name and Go's order of steps.
 */
#include "context.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/helgrind.h>

#include "map.h"
#include "throw.h"
#include "window.h"

static const struct ctxerr canceled = {"context canceled"};
const struct ctxerr *const Canceled = &canceled;

const char *ctxerr_Error(const struct ctxerr *err)
{
    return err ? err->msg : "<nil>";
}

/* The one empty Context (Go: backgroundCtx{}). */
static struct Context background = {backgroundCtxKind};

struct Context *Background(void)
{
    return &background;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);

    if (!p) {
        fprintf(stderr, "context: out of memory\n");
        abort();
    }
    return p;
}

/* --- the done channel ---------------------------------------------------- */

static void makechan(struct hchan *c)
{
    atomic_init(&c->closed, 0);
    /* Helgrind and DRD see the flag's atomic accesses as plain ones; the
     * ordering it carries is told to them below with ANNOTATE_HAPPENS_*. */
    VALGRIND_HG_DISABLE_CHECKING(&c->closed, sizeof(c->closed));
    if (pthread_mutex_init(&c->lock, NULL) ||
        pthread_cond_init(&c->recvq, NULL)) {
        fprintf(stderr, "makechan: pthread init failed\n");
        abort();
    }
}

static void freechan(struct hchan *c)
{
    pthread_cond_destroy(&c->recvq);
    pthread_mutex_destroy(&c->lock);
    VALGRIND_HG_ENABLE_CHECKING(&c->closed, sizeof(c->closed));
}

void closechan(struct hchan *c)
{
    pthread_mutex_lock(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        pthread_mutex_unlock(&c->lock);
        fatal("close of closed channel");
    }
    /* A close happens before a receive that returns because the channel
     * is closed (the Go memory model). */
    ANNOTATE_HAPPENS_BEFORE(c);
    atomic_store_explicit(&c->closed, 1, memory_order_release);
    pthread_cond_broadcast(&c->recvq);
    pthread_mutex_unlock(&c->lock);
}

bool selectnbrecv(struct hchan *c)
{
    if (!atomic_load_explicit(&c->closed, memory_order_acquire))
        return false;
    ANNOTATE_HAPPENS_AFTER(c);
    return true;
}

void chanrecv(struct hchan *c)
{
    if (selectnbrecv(c))
        return;
    pthread_mutex_lock(&c->lock);
    while (!atomic_load_explicit(&c->closed, memory_order_acquire))
        pthread_cond_wait(&c->recvq, &c->lock);
    pthread_mutex_unlock(&c->lock);
    ANNOTATE_HAPPENS_AFTER(c);
}

/* --- cancelCtx ----------------------------------------------------------- */

static uint64_t canceler_key(struct cancelCtx *child)
{
    return (uint64_t)(uintptr_t)child;
}

__attribute__((noinline)) struct cancelCtx *newCancelCtx(struct Context *parent)
{
    struct cancelCtx *c;

    if (!parent) {
        fprintf(stderr, "cannot create context from nil parent\n");
        abort();
    }
    c = xcalloc(1, sizeof(*c));
    c->iface.kind = cancelCtxKind;
    c->Context = parent;
    if (pthread_mutex_init(&c->mu, NULL)) {
        fprintf(stderr, "newCancelCtx: pthread_mutex_init failed\n");
        abort();
    }
    makechan(&c->done);
    return c;
}

__attribute__((noinline)) struct cancelCtx *WithCancel(struct Context *parent,
                                                       CancelFunc *cancel)
{
    struct cancelCtx *c = newCancelCtx(parent);

    propagateCancel(c, parent);
    if (cancel)
        cancel->c = c;
    return c;
}

__attribute__((noinline)) void CallCancelFunc(CancelFunc cancel)
{
    cancelCtx_cancel(cancel.c, true, Canceled, NULL);
}

struct hchan *Context_Done(struct Context *ctx)
{
    if (ctx->kind != cancelCtxKind)
        return NULL; /* never canceled */
    return &((struct cancelCtx *)ctx)->done;
}

const struct ctxerr *Context_Err(struct Context *ctx)
{
    struct cancelCtx *c;
    const struct ctxerr *err;

    if (ctx->kind != cancelCtxKind)
        return NULL;
    c = (struct cancelCtx *)ctx;
    pthread_mutex_lock(&c->mu);
    err = c->err;
    pthread_mutex_unlock(&c->mu);
    return err;
}

const struct ctxerr *Cause(struct Context *ctx)
{
    struct cancelCtx *c;
    const struct ctxerr *cause;

    if (ctx->kind != cancelCtxKind)
        return Context_Err(ctx);
    c = (struct cancelCtx *)ctx;
    pthread_mutex_lock(&c->mu);
    cause = c->cause;
    pthread_mutex_unlock(&c->mu);
    return cause;
}

struct cancelCtx *parentCancelCtx(struct Context *parent)
{
    struct hchan *done = Context_Done(parent);

    if (!done)
        return NULL;
    /* Go also gives up when parent.Context_Done() is closedchan (a context
     * canceled before its channel was made); done is made eagerly here,
     * so the channel is always the parent's own. */
    return (struct cancelCtx *)parent;
}

__attribute__((noinline)) void propagateCancel(struct cancelCtx *child,
                                               struct Context *parent)
{
    struct hchan *done;
    struct cancelCtx *p;

    child->Context = parent;

    done = Context_Done(parent);
    if (!done)
        return; /* parent is never canceled */

    if (selectnbrecv(done)) {
        /* parent is already canceled */
        cancelCtx_cancel(child, false, Context_Err(parent), Cause(parent));
        return;
    }

    p = parentCancelCtx(parent);
    if (!p)
        return; /* Go starts a goroutine for foreign contexts: not modelled */

    /* parent is a *cancelCtx, or derives from one. */
    pthread_mutex_lock(&p->mu);
    if (p->err) {
        /* parent has already been canceled */
        cancelCtx_cancel(child, false, p->err, p->cause);
    } else {
        WINDOW(W_PROPAGATE_CANCEL);
        if (!p->children)
            p->children = makemap(0);
        mapstore(p->children, canceler_key(child), 1);
    }
    pthread_mutex_unlock(&p->mu);
}

__attribute__((noinline)) void removeChild(struct Context *parent,
                                           struct cancelCtx *child)
{
    struct cancelCtx *p = parentCancelCtx(parent);

    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    if (p->children)
        mapdelete(p->children, canceler_key(child));
    pthread_mutex_unlock(&p->mu);
}

/* Keep a dropped children map until ctxfree (Go's collector frees it once
 * nobody points to it). Called with c->mu held. */
static void retire_children(struct cancelCtx *c)
{
    struct hmap **r;

    if (!c->children)
        return;
    r = realloc(c->retired, (c->nretired + 1) * sizeof(*r));
    if (!r) {
        fprintf(stderr, "cancel: out of memory\n");
        abort();
    }
    c->retired = r;
    c->retired[c->nretired++] = c->children;
}

__attribute__((noinline)) void cancelCtx_cancel(struct cancelCtx *c,
                                                bool removeFromParent,
                                                const struct ctxerr *err,
                                                const struct ctxerr *cause)
{
    struct hiter it;

    if (!err) {
        fprintf(stderr, "context: internal error: missing cancel error\n");
        abort();
    }
    if (!cause)
        cause = err;
    pthread_mutex_lock(&c->mu);
    if (c->err) {
        pthread_mutex_unlock(&c->mu);
        return; /* already canceled */
    }
    c->err = err;
    c->cause = cause;
    closechan(&c->done);
    if (c->children) {
        for (mapiterinit(c->children, &it); it.key; mapiternext(&it)) {
            struct cancelCtx *child = (struct cancelCtx *)(uintptr_t)*it.key;

            WINDOW(W_CANCEL_CHILDREN);
            /* NOTE: acquiring the child's lock while holding parent's
             * lock. */
            cancelCtx_cancel(child, false, err, cause);
        }
    }
    retire_children(c);
    c->children = NULL;
    pthread_mutex_unlock(&c->mu);

    if (removeFromParent)
        removeChild(c->Context, c);
}

void ctxfree(struct cancelCtx *c)
{
    int i;

    if (!c)
        return;
    if (c->children)
        mapfree(c->children);
    for (i = 0; i < c->nretired; i++)
        mapfree(c->retired[i]);
    free(c->retired);
    freechan(&c->done);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
