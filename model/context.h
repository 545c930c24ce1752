/*
 * model/context.h - a C model of the cancelCtx part of Go's context package
 * (src/context/context.go, Go 1.21-1.23). Read it side by side with that
 * file: the names and the algorithms are Go's.
 *
 * A cancelCtx can be canceled. When canceled, it also cancels any children
 * that implement canceler. WithCancel(parent) makes a cancelCtx and calls
 * propagateCancel, which, when the parent is itself a cancelCtx, adds the
 * child to the parent's children map so that canceling the parent cancels
 * the child. cancel() closes done, cancels every child while holding the
 * parent's lock, sets children to nil and, when asked, removes the context
 * from its own parent (removeChild).
 *
 * Invariants (each checked by tests/model/test_context.c):
 *  - children, err and cause are only touched with mu held.
 *  - err is nil until the first cancel call; once set it never changes
 *    (a second cancel is a no-op), and cause is set with it.
 *  - done is closed exactly once, by the first cancel call, with mu held,
 *    after err is set: a thread that saw done closed sees err != nil.
 *  - children is set to NULL by the first cancel call and never made again
 *    after err is set: propagateCancel checks err under the same lock and
 *    cancels the child at once instead of adding it.
 *  - Once cancel(removeFromParent=true) has returned, the context is no
 *    longer in its parent's children (removeChild deleted it under the
 *    parent's lock).
 *  - Locks are taken parent first, then child (cancel holds c->mu while it
 *    cancels each child), never the other way round.
 *
 * Names: Go's, with methods written Type_Method(receiver, ...):
 * ctx.Done() is Context_Done(ctx), c.cancel(...) is cancelCtx_cancel(c,
 * ...), err.Error() is ctxerr_Error(err); ctxOf(c) is the Context
 * interface value of a *cancelCtx.
 *
 * The children map is the map model of model/map.h (Go:
 * map[canceler]struct{}): its keys are the children's addresses, its elems
 * unused. Taking the lock away from any of its uses is the misuse the
 * context-cancel-delete case shows.
 *
 * Where this model departs from Go, and why:
 *  - Only Background and cancelCtx exist: no timerCtx, valueCtx,
 *    afterFuncCtx, withoutCancelCtx, and no goroutine started by
 *    propagateCancel for foreign context types. The only canceler is
 *    struct cancelCtx.
 *  - Go makes the done channel lazily (an atomic.Value, made under mu by
 *    the first Done call). It is made eagerly here, so Context_Done() never locks:
 *    a lazily made channel would add a mu lock/unlock to every Done call,
 *    and with it an ordering the detectors would see in the cases.
 *  - done is a channel that is only ever closed (Go: chan struct{}): a
 *    closed flag read with acquire loads and set with a release store, plus
 *    a mutex and a condition variable for blocking receivers. Closing a
 *    channel happens before a receive that returns because it is closed
 *    (the Go memory model); the flag carries that edge. Helgrind and DRD do
 *    not model C11 atomics (measured: correct release/acquire code
 *    got false races from both), so the edge is also told to them
 *    with ANNOTATE_HAPPENS_BEFORE/AFTER, and the flag word itself is hidden
 *    from them (VALGRIND_HG_DISABLE_CHECKING). These requests add exactly
 *    the edge Go's channel has, no other.
 *  - Memory: Go's collector frees a children map once cancel drops it. A
 *    racing caller (the misuse in the cases) may still hold it, so cancel
 *    keeps dropped maps on c->retired until ctxfree(), as map.h does with
 *    old buckets.
 *  - Errors are struct ctxerr values compared by address, as Go compares
 *    its sentinel errors (Canceled).
 */
#ifndef MAPRACE_CONTEXT_H
#define MAPRACE_CONTEXT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

struct hmap;

/* An error value (Go: error). Sentinel errors are compared by address. */
struct ctxerr {
    const char *msg;
};

/* Canceled is the error returned by Context.Err when the context is
 * canceled: "context canceled". */
extern const struct ctxerr *const Canceled;

/* err.Error(). */
const char *ctxerr_Error(const struct ctxerr *err);

/* A channel that is only ever closed (Go: chan struct{} used as a done
 * signal; the runtime's hchan reduced to what that needs). */
struct hchan {
    atomic_uint closed;   /* set once by closechan; release/acquire */
    pthread_mutex_t lock; /* guards the wait on recvq */
    pthread_cond_t recvq; /* blocked receivers */
};

/* close(c). Closing a closed channel throws, as Go panics. */
void closechan(struct hchan *c);

/* <-c: blocks until c is closed. */
void chanrecv(struct hchan *c);

/* select { case <-c: return true; default: return false }. */
bool selectnbrecv(struct hchan *c);

/* The kinds of Context this model has (the interface's dynamic type). */
enum contextKind {
    backgroundCtxKind,
    cancelCtxKind,
};

/* A Context (Go: the Context interface): every context starts with it. */
struct Context {
    enum contextKind kind;
};

/* A cancelCtx can be canceled. When canceled, it also cancels any
 * children that implement canceler. */
struct cancelCtx {
    struct Context iface;    /* kind == cancelCtxKind */
    struct Context *Context; /* the parent (Go embeds it) */

    pthread_mutex_t mu;         /* protects following fields */
    struct hchan done;          /* closed by the first cancel call */
    struct hmap *children;      /* set to NULL by the first cancel call;
                                    keys: struct cancelCtx * */
    const struct ctxerr *err;   /* set to non-nil by the first cancel call */
    const struct ctxerr *cause; /* set to non-nil by the first cancel call */

    struct hmap **retired; /* not Go: dropped children maps (see above) */
    int nretired;
};

/* A CancelFunc tells an operation to abandon its work (Go: the closure
 * func() { c.cancel(true, Canceled, nil) } that WithCancel returns). */
typedef struct CancelFunc {
    struct cancelCtx *c;
} CancelFunc;

/* cancel(): call a CancelFunc. After the first call, later calls do
 * nothing. */
void CallCancelFunc(CancelFunc cancel);

/* Background returns a non-nil, empty Context. It is never canceled, has
 * no values, and has no deadline. */
struct Context *Background(void);

/* WithCancel returns a derived context that points to the parent context
 * but has a new Done channel, and its cancel function in *cancel. The
 * returned context's Done channel is closed when the cancel function is
 * called or when the parent context's Done channel is closed, whichever
 * happens first. Free it with ctxfree(). */
struct cancelCtx *WithCancel(struct Context *parent, CancelFunc *cancel);

/* newCancelCtx: an initialized cancelCtx whose parent is `parent`, not yet
 * linked to it (WithCancel calls propagateCancel next). Exposed so that a
 * case can write its own propagateCancel. */
struct cancelCtx *newCancelCtx(struct Context *parent);

/* propagateCancel arranges for child to be canceled when parent is. */
void propagateCancel(struct cancelCtx *child, struct Context *parent);

/* parentCancelCtx returns the underlying *cancelCtx for parent, or NULL
 * when parent is not one (or is already canceled, as Go's returns false
 * when parent.Context_Done() is closedchan). */
struct cancelCtx *parentCancelCtx(struct Context *parent);

/* removeChild removes a context from its parent's children, under the
 * parent's lock. */
void removeChild(struct Context *parent, struct cancelCtx *child);

/* c.cancel(removeFromParent, err, cause): closes c.done, cancels each of
 * c's children, and, if removeFromParent is true, removes c from its
 * parent's children. cause == NULL means cause = err. */
void cancelCtx_cancel(struct cancelCtx *c, bool removeFromParent,
                      const struct ctxerr *err, const struct ctxerr *cause);

/* ctx.Context_Done(): the channel closed when ctx is canceled, or NULL when ctx
 * can never be canceled (Background). */
struct hchan *Context_Done(struct Context *ctx);

/* ctx.Context_Err(): nil until ctx is canceled, then the error (under mu, as Go
 * 1.21's cancelCtx.Err). */
const struct ctxerr *Context_Err(struct Context *ctx);

/* context.Cause(ctx): the cause the context was canceled with. */
const struct ctxerr *Cause(struct Context *ctx);

/* The Context interface value of a cancelCtx. */
static inline struct Context *ctxOf(struct cancelCtx *c)
{
    return &c->iface;
}

/* Not Go: free a cancelCtx, its children map and the maps it dropped. The
 * context must no longer be in use by any thread. */
void ctxfree(struct cancelCtx *c);

#endif
