/*
 * engine/annotate-table.c - the one table of Go counterparts (annotate.h).
 *
 * Every function of the model's .c files that is not static, or is
 * noinline (map.c's GOFUNC), has an entry: runner/tests/test_annotate.c
 * scans the model's sources and fails on a missing one; a function of the
 * Swiss-table model (the .c files of model/swiss/) has an entry marked swiss under its
 * own C name. The inline helpers of the model headers that show up in
 * stacks (mapstore, ctxOf) have one too.
 *
 * "role" says what the function does to shared memory, in the words a
 * student needs to see why two of its accesses race; one sentence, no full
 * stop.
 */
#include "engine/annotate.h"

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
    {"raceread", "runtime.racereadpc(h)",
     "reads h->race, the word only the race detectors see: every reading "
     "map call reads the map as one object, as under go -race",
     false, false},
    {"racewrite", "runtime.racewritepc(h)",
     "writes h->race, the word only the race detectors see: every writing "
     "map call writes the map as one object, as under go -race",
     false, false},
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
    {"moveToBmap", "runtime.moveToBmap",
     "copies the live slots of one source bucket into the clone's bucket, "
     "reading the source's tophash, keys and values with no lock",
     false, false},
    {"mapclone", "maps.clone (runtime.mapclone, for maps.Clone(m))",
     "checks hashWriting in the source's h.flags once, then reads its "
     "buckets (and not yet evacuated oldbuckets) with no lock to copy them",
     false, false},

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
    {"traceback_write", "(maprace)",
     "writes the calling thread's stack for the forced run's record "
     "(MAPRACE_WINDOW_TRACE)",
     true, false},
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

    /* Go >= 1.24: the Swiss-table map, model/swiss/map.c beside
     * src/internal/runtime/maps of go1.26.8, in that file's order. These
     * rows come last so that a function of both models (mapassign,
     * fatal_at...) keeps its hmap entry for annotate_lookup(); a frame of
     * model/swiss/ takes these (annotate_lookup_in). The entry points of
     * the fast64 family are linknamed into runtime (runtime_fast64.go:
     * runtime_mapassign_fast64 is runtime.mapassign_fast64 in a stack). */
    /* the collector's stand-in, Go's rand and the hasher */
    {"fastrandinit", "runtime.mrandinit",
     "seeds the calling thread's random generator (Go: per M); touches no "
     "map memory",
     false, true},
    {"fastrand", "runtime.rand32",
     "draws 32 random bits from the thread's generator; touches no map "
     "memory",
     false, true},
    {"runtime_rand", "runtime.rand (linknamed as internal/runtime/maps.rand)",
     "draws 64 random bits for a seed or an iterator's offsets; touches no "
     "map memory",
     false, true},
    {"maphash", "runtime.memhash64 (typ.Hasher(&key, m.seed))",
     "hashes the key with m.seed: a plain read of m.seed, which Delete and "
     "Clear rewrite when the map empties",
     false, true},
    {"newobj", "runtime.newobject (and runtime.newarray)",
     "allocates zeroed memory for a group array, table or directory; the "
     "collector's stand-in keeps it until mapfree",
     false, true},
    /* group.go */
    {"bitset_first", "internal/runtime/maps.bitset.first",
     "the index of the first slot in a match word; touches no map memory",
     false, true},
    {"bitset_removeFirst", "internal/runtime/maps.bitset.removeFirst",
     "drops the first slot from a match word; touches no map memory", false,
     true},
    {"bitset_removeBelow", "internal/runtime/maps.bitset.removeBelow",
     "drops the slots below i from a match word; touches no map memory", false,
     true},
    {"bitset_lowestSet", "internal/runtime/maps.bitset.lowestSet",
     "tests the first slot of a match word; touches no map memory", false,
     true},
    {"bitset_shiftOutLowest", "internal/runtime/maps.bitset.shiftOutLowest",
     "shifts the first slot out of a match word; touches no map memory", false,
     true},
    {"bitset_count", "internal/runtime/maps.bitset.count",
     "counts the slots of a match word; touches no map memory", false, true},
    {"ctrlGroup_get", "internal/runtime/maps.(*ctrlGroup).get",
     "reads one control byte of a group's control word (a plain read: is "
     "the slot empty, deleted or full)",
     false, true},
    {"ctrlGroup_set", "internal/runtime/maps.(*ctrlGroup).set",
     "writes one control byte of a group's control word (a plain write: "
     "the slot becomes full, empty or deleted)",
     false, true},
    {"ctrlGroup_setEmpty", "internal/runtime/maps.(*ctrlGroup).setEmpty",
     "writes a group's whole control word: all eight slots empty", false, true},
    {"ctrlGroup_matchH2", "internal/runtime/maps.ctrlGroup.matchH2",
     "finds the slots whose control byte is the key's h2 in a copy of a "
     "control word the caller read; touches no map memory",
     false, true},
    {"ctrlGroup_matchEmpty", "internal/runtime/maps.ctrlGroup.matchEmpty",
     "finds the empty slots in a copy of a control word the caller read; "
     "touches no map memory",
     false, true},
    {"ctrlGroup_matchEmptyOrDeleted",
     "internal/runtime/maps.ctrlGroup.matchEmptyOrDeleted",
     "finds the empty or deleted slots in a copy of a control word the "
     "caller read; touches no map memory",
     false, true},
    {"ctrlGroup_matchFull", "internal/runtime/maps.ctrlGroup.matchFull",
     "finds the full slots in a copy of a control word the caller read; "
     "touches no map memory",
     false, true},
    {"ctrlGroup_anyFull", "internal/runtime/maps.ctrlGroup.anyFull",
     "whether a copy of a control word has a full slot; touches no map "
     "memory",
     false, true},
    {"alignUpPow2", "internal/runtime/maps.alignUpPow2",
     "rounds a capacity up to a power of two; touches no map memory", false,
     true},
    {"groupReference_ctrls", "internal/runtime/maps.(*groupReference).ctrls",
     "the address of a group's control word; reads no map memory", false, true},
    {"groupReference_key", "internal/runtime/maps.(*groupReference).key",
     "the address of slot i's key in a group; reads no map memory", false,
     true},
    {"groupReference_elem", "internal/runtime/maps.(*groupReference).elem",
     "the address of slot i's elem in a group; reads no map memory", false,
     true},
    {"newGroups", "internal/runtime/maps.newGroups",
     "allocates a zeroed array of groups for a table or the small map", false,
     true},
    {"groupsReference_group", "internal/runtime/maps.(*groupsReference).group",
     "reads a table's group array pointer and returns group i's address", false,
     true},
    {"cloneGroup", "internal/runtime/maps.cloneGroup",
     "copies a whole group, control word and slots, with no lock: it reads "
     "every byte a writer may be changing",
     false, true},
    /* map.go */
    {"h1", "internal/runtime/maps.h1",
     "the high 57 bits of a hash, which pick the first group to probe; "
     "touches no map memory",
     false, true},
    {"h2", "internal/runtime/maps.h2",
     "the low 7 bits of a hash, kept in a full slot's control byte; touches "
     "no map memory",
     false, true},
    {"depthToShift", "internal/runtime/maps.depthToShift",
     "computes globalShift from a directory depth; touches no map memory",
     false, true},
    {"NewMap", "internal/runtime/maps.NewMap",
     "allocates the Map, draws m.seed and, for a large hint, the directory "
     "and its tables; nothing is shared yet",
     false, true},
    {"Map_directoryIndex", "internal/runtime/maps.(*Map).directoryIndex",
     "reads m.dirLen and m.globalShift to pick the directory entry of a "
     "hash",
     false, true},
    {"Map_directoryAt", "internal/runtime/maps.(*Map).directoryAt",
     "reads m.dirPtr and directory entry i: a reader racing with a split "
     "may pair a new index with the old directory",
     false, true},
    {"Map_directorySet", "internal/runtime/maps.(*Map).directorySet",
     "writes directory entry i (a plain store of a table pointer)", false,
     true},
    {"Map_replaceTable", "internal/runtime/maps.(*Map).replaceTable",
     "points every directory entry of a table's range at the new table "
     "(reads m.globalDepth, plain stores into the directory)",
     false, true},
    {"Map_installTableSplit", "internal/runtime/maps.(*Map).installTableSplit",
     "doubles the directory when needed: writes m.globalDepth, "
     "m.globalShift, then m.dirPtr and m.dirLen, then the entries of the two "
     "new tables, all with no lock",
     false, true},
    {"Map_Used", "internal/runtime/maps.(*Map).Used",
     "reads m.used with no lock", false, true},
    {"Map_getWithKey", "internal/runtime/maps.(*Map).getWithKey",
     "the iterator's lookup in a grown map: reads m.used, checks m.writing "
     "(concurrent map read and map write), then reads the directory and the "
     "key's groups with no lock",
     false, true},
    {"Map_getWithKeySmall", "internal/runtime/maps.(*Map).getWithKeySmall",
     "reads the small map's control word and keys with no lock", false, true},
    {"Map_growToSmall", "internal/runtime/maps.(*Map).growToSmall",
     "the first insert: allocates the one group, stores m.dirPtr and writes "
     "the group's control word empty",
     false, true},
    {"Map_growToTable", "internal/runtime/maps.(*Map).growToTable",
     "turns the small map (one group) into a table: copies the 8 slots, "
     "stores m.dirPtr, then m.dirLen, m.globalDepth and m.globalShift, plain "
     "writes a racing reader may see half done",
     false, true},
    {"Map_Delete", "internal/runtime/maps.(*Map).Delete",
     "checks m.writing (concurrent map writes) and toggles it, removes the "
     "key from the small group or its table, rewrites m.seed when the map "
     "is empty, then checks and toggles m.writing back",
     false, true},
    {"Map_deleteSmall", "internal/runtime/maps.(*Map).deleteSmall",
     "finds the key in the small group, decrements m.used, clears the elem "
     "and writes the slot's control byte empty",
     false, true},
    {"Map_Clear", "internal/runtime/maps.(*Map).Clear",
     "checks and toggles m.writing, empties every table (or the small "
     "group), zeroes m.used, bumps m.clearSeq, rewrites m.seed, then toggles "
     "m.writing back",
     false, true},
    {"Map_clearSmall", "internal/runtime/maps.(*Map).clearSmall",
     "zeroes the small group's slots, writes its control word empty and "
     "sets m.used = 0",
     false, true},
    {"Map_Clone", "internal/runtime/maps.(*Map).Clone",
     "checks m.writing (concurrent map clone and map write), then copies the "
     "header (*m2 = *m) and every group and table with no lock",
     false, true},
    /* table.go */
    {"newTable", "internal/runtime/maps.newTable",
     "allocates a table and its groups; nothing is shared until it is "
     "installed in the directory",
     false, true},
    {"table_reset", "internal/runtime/maps.(*table).reset",
     "gives a new table its groups: sets t.capacity and t.growthLeft and "
     "writes every control word empty",
     false, true},
    {"table_maxGrowthLeft", "internal/runtime/maps.(*table).maxGrowthLeft",
     "reads t.capacity: how many slots the table may fill (7/8) before a "
     "rehash",
     false, true},
    {"table_getWithKey", "internal/runtime/maps.(*table).getWithKey",
     "probes the key's groups with no lock: reads their control words and "
     "keys",
     false, true},
    {"table_PutSlot", "internal/runtime/maps.(*table).PutSlot",
     "probes for the key; on a miss claims an empty or deleted slot with "
     "plain writes of its control byte, t.growthLeft, t.used and m.used, "
     "or rehashes a full table",
     false, true},
    {"table_uncheckedPutSlot",
     "internal/runtime/maps.(*table).uncheckedPutSlot",
     "puts an absent key into a table being built (grow, split, "
     "growToTable): writes the key, elem and control byte, t.growthLeft and "
     "t.used",
     false, true},
    {"table_Delete", "internal/runtime/maps.(*table).Delete",
     "finds the key, decrements t.used and m.used, clears the slot and "
     "writes its control byte empty (raising t.growthLeft) or deleted",
     false, true},
    {"table_pruneTombstones", "internal/runtime/maps.(*table).pruneTombstones",
     "when tombstones fill a tenth of a full table, reads every control word "
     "and key, then writes unneeded deleted bytes empty and raises "
     "t.growthLeft",
     false, true},
    {"table_tombstones", "internal/runtime/maps.(*table).tombstones",
     "counts deleted slots from t.capacity, t.used and t.growthLeft (plain "
     "reads)",
     false, true},
    {"table_Clear", "internal/runtime/maps.(*table).Clear",
     "zeroes every group's slots, writes every control word empty, sets "
     "t.used = 0 and t.growthLeft to its maximum",
     false, true},
    {"Iter_Init", "internal/runtime/maps.(*Iter).Init",
     "reads m.used, m.dirLen, m.dirPtr, m.globalDepth and m.clearSeq into "
     "the iterator with no m.writing check, and draws random offsets",
     false, true},
    {"Iter_nextDirIdx", "internal/runtime/maps.(*Iter).nextDirIdx",
     "moves the iterator past its table's directory entries (reads "
     "m.globalDepth and the table's localDepth)",
     false, true},
    {"Iter_grownKeyElem", "internal/runtime/maps.(*Iter).grownKeyElem",
     "the map grew under the iterator: looks the key up again in the "
     "current map (getWithKey, which checks m.writing)",
     false, true},
    {"Iter_Next", "internal/runtime/maps.(*Iter).Next",
     "checks m.writing (concurrent map iteration and map write), then reads "
     "m.globalDepth, the directory and the next slot's control byte, key "
     "and value; once the map has grown it looks the key up again "
     "(getWithKey)",
     false, true},
    {"table_rehash", "internal/runtime/maps.(*table).rehash",
     "a full table is rebuilt: grown in place of itself, or split in two "
     "when it is already at its largest (1024 slots)",
     false, true},
    {"localDepthMask", "internal/runtime/maps.localDepthMask",
     "the hash bit that splits a table; touches no map memory", false, true},
    {"table_split", "internal/runtime/maps.(*table).split",
     "copies every entry of a maximal table into two new tables by one more "
     "hash bit, installs them (installTableSplit) and marks the old one "
     "stale (t.index = -1)",
     false, true},
    {"table_grow", "internal/runtime/maps.(*table).grow",
     "copies every entry into a table of twice the capacity, installs it in "
     "the directory (replaceTable) and marks the old one stale (t.index = "
     "-1)",
     false, true},
    {"makeProbeSeq", "internal/runtime/maps.makeProbeSeq",
     "starts the probe sequence of a hash; touches no map memory", false, true},
    {"probeSeq_next", "internal/runtime/maps.probeSeq.next",
     "the next group of a probe sequence; touches no map memory", false, true},
    {"table_clone", "internal/runtime/maps.(*table).clone",
     "copies a table's header and every group of it with no lock", false, true},
    /* runtime_fast64.go and runtime/map.go: the entry points */
    {"mapaccess1", "runtime.mapaccess1_fast64 (v := m[k])",
     "on the Swiss map: Go's race read of the map, then reads m.used, "
     "checks m.writing (concurrent map read and map write), then reads "
     "m.dirLen, m.dirPtr and the control word and slots of the key's group "
     "with no lock",
     false, true},
    {"mapaccess2", "runtime.mapaccess2_fast64 (v, ok := m[k])",
     "on the Swiss map: Go's race read of the map, then reads m.used, "
     "checks m.writing, then reads m.dirLen, m.dirPtr and the control word "
     "and slots of the key's group with no lock",
     false, true},
    {"Map_putSlotSmallFast64",
     "internal/runtime/maps.(*Map).putSlotSmallFast64",
     "on the small map: finds the key in the one group or claims an empty "
     "slot with plain writes of its control byte, key and m.used",
     false, true},
    {"mapassign", "runtime.mapassign_fast64 (m[k] = v)",
     "on the Swiss map: checks m.writing and toggles it (a plain write), "
     "claims or finds a slot in a group (rehashing a full table), writes "
     "the key, toggles m.writing back; the caller then stores the value",
     false, true},
    {"mapdelete", "runtime.mapdelete_fast64 (delete(m, k))",
     "on the Swiss map: Go's race write of the map, then (*Map).Delete: "
     "checks and toggles m.writing, marks the slot empty or deleted in its "
     "group's control word",
     false, true},
    {"makemap", "runtime.makemap (make(map[k]v, hint))",
     "on the Swiss map: NewMap, with a negative hint taken as 0", false, true},
    {"mapiterinit", "runtime.mapIterStart (for k, v := range m)",
     "on the Swiss map: Go's race read of the map, then (*Iter).Init and the "
     "first (*Iter).Next",
     false, true},
    {"mapiternext", "runtime.mapIterNext",
     "on the Swiss map: Go's race read of the map, then (*Iter).Next, which "
     "checks m.writing and reads the next slot of the table the iterator "
     "holds",
     false, true},
    {"mapclear", "runtime.mapclear (clear(m))",
     "on the Swiss map: Go's race write of the map, then (*Map).Clear: "
     "checks and toggles m.writing and empties every group of every table",
     false, true},
    {"mapclone", "maps.clone (runtime.mapclone, for maps.Clone(m))",
     "on the Swiss map: (*Map).Clone, which checks m.writing and copies the "
     "header, groups and tables with no lock",
     false, true},
    {"growing", "(not in Go 1.26: no growth outlives a map call)",
     "always false; touches no map memory", false, true},
    {"maplen", "reflect.maplen (len(m), compiled inline)",
     "on the Swiss map: Go's race read of the map, then a plain read of "
     "m.used with no lock and no check",
     false, true},
    {"mapfree", "(the garbage collector)",
     "frees the map and every group, table and directory it ever had", false,
     true},
    {"mapstore", "m[k] = v (the compiler's *mapassign_fast64(...) = v)",
     "stores the value through the slot pointer mapassign returned, after "
     "m.writing was toggled back",
     false, true},
    {"fatal_at", "internal/runtime/maps.fatal",
     "the map package's throw: prints Go's \"fatal error: ...\" and the "
     "traceback, then exits 2",
     false, true},
};

const size_t nr_go_counterparts =
    sizeof(go_counterparts) / sizeof(go_counterparts[0]);
