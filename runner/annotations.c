/*
 * annotations.c - the one table of Go counterparts (annotate.h).
 *
 * Every function of the model's .c files that is not static, or is noinline (map.c's
 * GOFUNC), has an entry: runner/tests/test_annotate.c scans the model's
 * sources and fails on a missing one. The inline helpers of the model
 * headers that show up in stacks (mapstore, ctxOf) have one too.
 *
 * "role" says what the function does to shared memory, in the words a
 * student needs to see why two of its accesses race; one sentence, no full
 * stop.
 */
#include "annotate.h"

const struct go_counterpart go_counterparts[] = {
    /* model/map.c: runtime/map.go (Go <= 1.23; map_noswiss.go later) */
    {"fastrand", "runtime.fastrand",
     "draws the random seed and iteration start; touches no map memory", false,
     false},
    {"fastrandinit", "runtime.fastrandinit",
     "seeds the per-thread random generator", false, false},
    {"fastrand64", "runtime.fastrand64", "draws a 64-bit random number", false,
     false},
    {"maphash", "runtime.memhash64 (t.Hasher)",
     "hashes the key with h.hash0; reads h.hash0 only", false, false},
    {"isEmpty", "runtime.isEmpty", "tests a tophash byte for an empty slot",
     false, false},
    {"bucketShift", "runtime.bucketShift",
     "computes 1<<B from h.B (a read of the header)", false, false},
    {"bucketMask", "runtime.bucketMask",
     "computes 1<<B - 1 from h.B (a read of the header)", false, false},
    {"tophash", "runtime.tophash",
     "computes the top byte of a hash kept in each slot", false, false},
    {"evacuated", "runtime.evacuated",
     "reads a bucket's first tophash to see whether growth moved it", false,
     false},
    {"newarray", "runtime.newarray", "allocates a zeroed bucket array", false,
     false},
    {"newobject", "runtime.newobject", "allocates one zeroed object", false,
     false},
    {"incrnoverflow", "runtime.(*hmap).incrnoverflow",
     "counts a new overflow bucket in h.noverflow (a plain header write)",
     false, false},
    {"newoverflow", "runtime.(*hmap).newoverflow",
     "chains a new overflow bucket to a full bucket (writes b.overflow)", false,
     false},
    {"overLoadFactor", "runtime.overLoadFactor",
     "decides from count and B whether the map must grow", false, false},
    {"tooManyOverflowBuckets", "runtime.tooManyOverflowBuckets",
     "decides from noverflow and B whether a same-size grow is due", false,
     false},
    {"growing", "runtime.(*hmap).growing",
     "reads h.oldbuckets: is a growth in progress", false, false},
    {"isSameSizeGrow", "runtime.(*hmap).sameSizeGrow",
     "reads h.flags for the sameSizeGrow bit", false, false},
    {"noldbuckets", "runtime.(*hmap).noldbuckets",
     "computes the old bucket count from h.B and h.flags", false, false},
    {"oldbucketmask", "runtime.(*hmap).oldbucketmask",
     "computes the old bucket mask from h.B and h.flags", false, false},
    {"roundupsize", "runtime.roundupsize",
     "rounds an allocation up to a size class", false, false},
    {"makeBucketArray", "runtime.makeBucketArray",
     "allocates the bucket array (and preallocated overflow buckets)", false,
     false},
    {"makemap", "runtime.makemap",
     "allocates the hmap header and its buckets (make(map[k]v, hint))", false,
     false},
    {"mapfree", "(the garbage collector)",
     "frees the map and everything it allocated; Go's GC does this", false,
     false},
    {"maplen", "len(m) (runtime.maplen / reflect)",
     "reads h.count with no lock and no check: len(m) is a plain read", false,
     false},
    {"mapaccess1", "runtime.mapaccess1 (v := m[k])",
     "checks hashWriting in h.flags, then reads the bucket's tophash, key "
     "and value with no lock",
     false, false},
    {"mapaccess2", "runtime.mapaccess2 (v, ok := m[k])",
     "checks hashWriting in h.flags, then reads the bucket's tophash, key "
     "and value with no lock",
     false, false},
    {"mapaccessK", "runtime.mapaccessK",
     "looks a key up for the iterator during growth: reads buckets with "
     "no lock",
     false, false},
    {"bucketEvacuated", "runtime.bucketEvacuated",
     "reads an old bucket's tophash to see whether it was moved", false, false},
    {"advanceEvacuationMark", "runtime.advanceEvacuationMark",
     "advances h.nevacuate and, when growth is done, drops h.oldbuckets", false,
     false},
    {"evacuate", "runtime.evacuate",
     "moves a bucket's entries from oldbuckets to buckets during growth "
     "(reads each old slot, writes the new one, marks the old tophash "
     "evacuated)",
     false, false},
    {"growWork", "runtime.growWork",
     "a writer's share of growth: evacuates the bucket it is about to use "
     "and one more",
     false, false},
    {"hashGrow", "runtime.hashGrow",
     "starts growth: moves h.buckets to h.oldbuckets, allocates new "
     "buckets, bumps h.B",
     false, false},
    {"mapassign", "runtime.mapassign (m[k] = v)",
     "checks and sets hashWriting in h.flags, then writes the key and value "
     "into the bucket slot while hashWriting is set",
     false, false},
    {"mapstore", "m[k] = v (the compiler's *mapassign(...) = v)",
     "stores the value through the slot pointer mapassign returned", false,
     false},
    {"mapdelete", "runtime.mapdelete (delete(m, k))",
     "checks and sets hashWriting, then clears the slot's key, value and "
     "tophash",
     false, false},
    {"mapiterinit", "runtime.mapiterinit (for k, v := range m)",
     "starts an iteration at a random bucket and offset; reads h.B, "
     "h.buckets and h.flags",
     false, false},
    {"mapiternext", "runtime.mapiternext",
     "checks hashWriting, then reads the next slot's tophash, key and "
     "value with no lock",
     false, false},
    {"markBucketsEmpty", "runtime.markBucketsEmpty",
     "writes emptyRest into every tophash of a bucket chain (clear(m))", false,
     false},
    {"mapclear", "runtime.mapclear (clear(m))",
     "sets hashWriting and empties every bucket", false, false},

    /* Go >= 1.24: the Swiss-table map, src/internal/runtime/maps of
     * go1.26.8 (runtime.mapassign_fast64 and its kin are linknamed into
     * that package). Entry points carry the hmap model function that plays
     * the same part, so that a frame of today's Go sits beside the model's
     * in `show`; the rest are the Swiss model's own. */
    {"mapaccess1", "runtime.mapaccess1 (v := m[k])",
     "on the Swiss map: checks m.writing (Go's check: concurrent map read "
     "and map write), then reads the control word and slots of the key's "
     "group with no lock",
     false, true},
    {"mapaccess2", "runtime.mapaccess2 (v, ok := m[k])",
     "on the Swiss map: checks m.writing, then reads the control word and "
     "slots of the key's group with no lock",
     false, true},
    {"mapassign", "runtime.mapassign (m[k] = v)",
     "on the Swiss map: checks m.writing and toggles it (a plain write), "
     "claims or finds a slot in a group (rehashing a full table), writes "
     "key and value, toggles m.writing back",
     false, true},
    {"mapdelete", "runtime.mapdelete (delete(m, k))",
     "on the Swiss map: checks and toggles m.writing, then marks the slot "
     "empty or deleted in its group's control word",
     false, true},
    {"mapiterinit", "runtime.mapIterStart (for k, v := range m)",
     "on the Swiss map: starts an iterator at a random directory index and "
     "slot offset; reads m's directory and its first group",
     false, true},
    {"mapiternext", "runtime.mapIterNext",
     "on the Swiss map: calls (*Iter).Next, which checks m.writing and reads "
     "the next slot of the table the iterator holds",
     false, true},
    {"mapiternext", "internal/runtime/maps.(*Iter).Next",
     "checks m.writing (concurrent map iteration and map write), then reads "
     "the next slot's control byte, key and value; once the map has grown "
     "it looks the key up again in the current table (getWithKey)",
     false, true},
    {"mapclear", "runtime.mapclear (clear(m))",
     "on the Swiss map: checks and toggles m.writing, then empties every "
     "group of every table",
     false, true},
    {"fatal_at", "internal/runtime/maps.fatal",
     "the map package's throw: prints Go's \"fatal error: ...\" and the "
     "traceback, then exits 2",
     false, true},
    {"PutSlot", "internal/runtime/maps.(*Map).PutSlot",
     "m[k] = v for any key type: checks and toggles m.writing around finding "
     "or claiming the key's slot",
     false, true},
    {"getWithKey", "internal/runtime/maps.(*Map).getWithKey",
     "looks a key up with no lock after checking m.writing; a range over a "
     "grown map calls it, so a range can die of \"concurrent map read and "
     "map write\"",
     false, true},
    {"growToTable", "internal/runtime/maps.(*Map).growToTable",
     "turns the small map (one group) into a full table: stores m.dirPtr, "
     "then m.dirLen, plain writes a racing reader may see half done",
     false, true},
    {"rehash", "internal/runtime/maps.(*table).rehash",
     "a full table is rebuilt: grown in place of itself, or split in two "
     "when it is already at its largest",
     false, true},
    {"grow", "internal/runtime/maps.(*table).grow",
     "builds a table of twice the capacity aside, copies every entry, then "
     "installs it in the directory (replaceTable)",
     false, true},
    {"split", "internal/runtime/maps.(*table).split",
     "splits a maximal table into two by one more hash bit and installs "
     "them (installTableSplit)",
     false, true},
    {"installTableSplit", "internal/runtime/maps.(*Map).installTableSplit",
     "doubles the directory when needed: writes m.globalDepth, "
     "m.globalShift, then m.dirPtr and m.dirLen, with no lock",
     false, true},
    {"Map_Clone", "internal/runtime/maps.(*Map).Clone",
     "maps.Clone: checks m.writing (concurrent map clone and map write), "
     "then copies every group and table with no lock",
     false, true},

    /* model/context.c: context/context.go and the channel it closes */
    {"ctxerr_Error", "context.Canceled.Error",
     "the error's text; touches nothing shared", false, false},
    {"Background", "context.Background", "the root context, never canceled",
     false, false},
    {"makechan", "runtime.makechan (make(chan struct{}))",
     "initialises the done channel", false, false},
    {"freechan", "(the garbage collector)", "frees a done channel", false,
     false},
    {"closechan", "runtime.closechan (close(c.done))",
     "closes the done channel under its lock", false, false},
    {"selectnbrecv", "runtime.selectnbrecv (select { case <-done: })",
     "polls whether the done channel is closed (an acquire load)", false,
     false},
    {"chanrecv", "runtime.chanrecv (<-done)",
     "blocks until the done channel is closed", false, false},
    {"canceler_key", "map[canceler]struct{} key",
     "the child's pointer as the children map's key", false, false},
    {"newCancelCtx", "context.withCancel (&cancelCtx{})",
     "allocates the child context and its done channel", false, false},
    {"WithCancel", "context.WithCancel",
     "makes a child context and links it into its parent's children map", false,
     false},
    {"CallCancelFunc", "context.CancelFunc()",
     "calls the cancel function WithCancel returned", false, false},
    {"Context_Done", "context.(*cancelCtx).Done", "returns the done channel",
     false, false},
    {"Context_Err", "context.(*cancelCtx).Err", "reads c.err under c.mu", false,
     false},
    {"Cause", "context.Cause", "reads c.cause under c.mu", false, false},
    {"parentCancelCtx", "context.parentCancelCtx",
     "finds the parent's *cancelCtx (reads its done channel)", false, false},
    {"propagateCancel", "context.(*cancelCtx).propagateCancel",
     "adds the child to the parent's children map under the parent's "
     "mutex (p.children[child] = struct{}{})",
     false, false},
    {"removeChild", "context.removeChild",
     "deletes the child from the parent's children map under the parent's "
     "mutex",
     false, false},
    {"retire_children", "(the garbage collector)",
     "keeps a dropped children map alive until the context is freed", false,
     false},
    {"cancelCtx_cancel", "context.(*cancelCtx).cancel",
     "under c.mu: sets c.err, closes done, cancels every child while "
     "ranging over c.children, then sets c.children = nil",
     false, false},
    {"ctxfree", "(the garbage collector)",
     "frees a context and its children map", false, false},
    {"ctxOf", "(embedding: &c.Context)", "the Context a cancelCtx embeds",
     false, false},

    /* model/syncmap.c: sync/map.go (Go 1.20-1.23) */
    {"xmalloc", "(runtime.mallocgc)", "allocates or aborts", false, false},
    {"keep", "(the garbage collector)",
     "records an allocation to free with the map", false, false},
    {"newbox", "new(any)", "boxes a value on the heap", false, false},
    {"newmap", "make(map[any]*entry)",
     "makes the read or dirty map of a sync.Map", false, false},
    {"lookup", "m[key] on read.m or m.dirty",
     "a plain map read of sync.Map's inner map", false, false},
    {"load_p", "sync.(*entry).p.Load",
     "loads an entry's pointer atomically (acquire)", false, false},
    {"cas_p", "sync.(*entry).p.CompareAndSwap",
     "swaps an entry's pointer atomically when it still holds old", false,
     false},
    {"swap_p", "sync.(*entry).p.Swap", "swaps an entry's pointer atomically",
     false, false},
    {"loadReadOnly", "sync.(*Map).loadReadOnly",
     "loads the read-only map atomically (m.read.Load)", false, false},
    {"storeReadOnly", "sync.(*Map).read.Store",
     "publishes a new read-only map atomically", false, false},
    {"newEntry", "sync.newEntry", "allocates an entry holding a value", false,
     false},
    {"entry_load", "sync.(*entry).load", "loads an entry's value atomically",
     false, false},
    {"tryCompareAndSwap", "sync.(*entry).tryCompareAndSwap",
     "compares and swaps an entry's value atomically", false, false},
    {"unexpungeLocked", "sync.(*entry).unexpungeLocked",
     "turns an expunged entry back to nil (m.mu held)", false, false},
    {"swapLocked", "sync.(*entry).swapLocked",
     "swaps an entry's value (m.mu held)", false, false},
    {"tryLoadOrStore", "sync.(*entry).tryLoadOrStore",
     "loads, or stores when empty, atomically", false, false},
    {"entry_delete", "sync.(*entry).delete",
     "swaps an entry's value to nil atomically", false, false},
    {"trySwap", "sync.(*entry).trySwap",
     "swaps an entry's value atomically unless expunged", false, false},
    {"tryExpungeLocked", "sync.(*entry).tryExpungeLocked",
     "marks a nil entry expunged (m.mu held)", false, false},
    {"missLocked", "sync.(*Map).missLocked",
     "counts a miss; promotes dirty to read after enough (m.mu held)", false,
     false},
    {"dirtyLocked", "sync.(*Map).dirtyLocked",
     "copies read into a new dirty map (m.mu held)", false, false},
    {"syncmap_init", "var m sync.Map", "a zero sync.Map", false, false},
    {"syncmap_free", "(the garbage collector)",
     "frees a sync.Map and its boxes", false, false},
    {"Map_Load", "sync.(*Map).Load",
     "reads the read-only map lock-free, then the dirty map under m.mu", false,
     false},
    {"Map_Swap", "sync.(*Map).Swap",
     "swaps the value lock-free when the key is in read, else under m.mu",
     false, false},
    {"Map_Store", "sync.(*Map).Store", "Swap, result dropped", false, false},
    {"Map_LoadOrStore", "sync.(*Map).LoadOrStore",
     "loads or stores atomically: the one call that does check-then-act "
     "safely",
     false, false},
    {"Map_LoadAndDelete", "sync.(*Map).LoadAndDelete",
     "deletes and returns the previous value", false, false},
    {"Map_Delete", "sync.(*Map).Delete", "LoadAndDelete, result dropped", false,
     false},
    {"Map_CompareAndSwap", "sync.(*Map).CompareAndSwap",
     "swaps the value only when it still holds old", false, false},
    {"Map_Range", "sync.(*Map).Range",
     "calls f for each key of a snapshot; not a consistent snapshot", false,
     false},

    /* model/throw.c: runtime.throw/fatal and the traceback */
    {"fatal_at", "runtime.fatal",
     "prints Go's \"fatal error: ...\" and the traceback, then exits 2", false,
     false},
    {"gopanic_at", "runtime.gopanic",
     "prints Go's \"panic: ...\" and the traceback, then exits 2 (an "
     "unrecovered panic: the model has no recover)",
     false, false},
    {"throw_init", "(maprace)", "records the executable for tracebacks", true,
     false},
    {"out_flush", "(maprace)", "traceback output", true, false},
    {"out_str", "(maprace)", "traceback output", true, false},
    {"out_num", "(maprace)", "traceback output", true, false},
    {"traceback", "runtime.traceback", "walks the calling thread's stack", true,
     false},
    {"print_frame", "runtime.traceback", "prints one frame", true, false},
    {"print_dwarf_frame", "runtime.traceback", "prints one frame", true, false},

    /* model/window.c: forcing machinery, invisible to the detectors and
     * folded in reports */
    {"window_name", "(maprace window)", "names a race window", true, false},
    {"window_role", "(maprace window)",
     "gives the calling thread its role in the forced interleaving", true,
     false},
    {"window_plan", "(maprace window)",
     "declares the order in which threads meet in the windows", true, false},
    {"window_reached", "(maprace window)",
     "whether a role has reached a window", true, false},
    {"window_enter", "(maprace window)",
     "waits here, with no happens-before edge, until the plan lets the "
     "thread go on",
     true, false},
    {"window_init", "(maprace window)", "reads MAPRACE_FORCE", true, false},
    {"wait_for", "(maprace window)", "spins on a relaxed flag with sched_yield",
     true, false},
    {"now_ms", "(maprace window)", "a clock for the bounded wait", true, false},
    {"overlap_call", "(maprace grade)",
     "tells the grader's overlap probe about a map call (only when it is "
     "preloaded)",
     true, false},
    {"overlap_init", "(maprace grade)", "looks up the grader's overlap probe",
     true, false},
};

const size_t nr_go_counterparts =
    sizeof(go_counterparts) / sizeof(go_counterparts[0]);
