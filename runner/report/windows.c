/*
 * report/windows.c - the model's race windows in words (see windows.h).
 * Keep in the order of enum window_id (model/window.h).
 */
#include "report/windows.h"

#include <string.h>

static const struct window_words table[] = {
    {"W_MAPASSIGN_ENTRY",
     "has entered mapassign (a map write); next it reads h->flags to check "
     "that no other goroutine is writing",
     "at the entry of mapassign, before Go's check", false,
     "concurrent map writes"},
    {"W_MAPASSIGN_WRITING",
     "has set hashWriting in h->flags and written its slot; it has not "
     "cleared the flag yet",
     "inside mapassign with hashWriting set", true, NULL},
    {"W_MAPDELETE_WRITING",
     "has set hashWriting in h->flags and cleared its key's slot "
     "(mapdelete); the flag is still set",
     "inside mapdelete with hashWriting set", true, NULL},
    {"W_MAPACCESS_ENTRY",
     "has entered a map read (mapaccess); next it reads h->flags to check "
     "that no goroutine is writing",
     "at the entry of a map read, before Go's check", false,
     "concurrent map read and map write"},
    {"W_MAPACCESS",
     "has passed Go's check of h->flags; it has not chosen a bucket yet",
     "in a map read, past Go's check", false, NULL},
    {"W_MAPACCESS_BUCKET",
     "has chosen the bucket of its key and is about to scan it",
     "in a map read, its bucket chosen", false, NULL},
    {"W_MAPITERNEXT_ENTRY",
     "has entered the next step of a range loop (mapiternext); next it "
     "reads h->flags to check that no goroutine is writing",
     "at the entry of mapiternext, before Go's check", false,
     "concurrent map iteration and map write"},
    {"W_MAPITERNEXT",
     "has passed Go's check in the range loop and is about to read the "
     "next bucket",
     "in mapiternext, past Go's check", false, NULL},
    {"W_HASHGROW",
     "has started growing the map: the old buckets moved to h->oldbuckets, "
     "a new array twice as large is in h->buckets",
     "in hashGrow, the old buckets just moved aside", true, NULL},
    {"W_EVACUATE",
     "has copied a slot of an old bucket into the new array and not yet "
     "marked it moved",
     "in evacuate, a slot copied but not marked moved", true, NULL},
    {"W_GROW_DONE", "has finished the growth: h->oldbuckets is dropped",
     "where the growth ends (oldbuckets dropped)", true, NULL},
    {"W_MAPCLONE",
     "has passed Go's check of maps.Clone and is about to copy the map",
     "in maps.Clone, before the copy", false, NULL},
    {"W_GROWTOTABLE",
     "has turned the small map into a table: the new directory is in "
     "place, its length still 0",
     "in growToTable, the directory half made", true, NULL},
    {"W_GROW", "has filled a larger table that is not yet in the directory",
     "in grow, the new table not yet installed", true, NULL},
    {"W_SPLIT", "has split a full table in two halves not yet in the directory",
     "in split, the halves not yet installed", true, NULL},
    {"W_INSTALLTABLESPLIT",
     "has changed the directory's depth while the directory pointer still "
     "names the old directory",
     "in installTableSplit, halfway", true, NULL},
    {"W_ITER_TABLE", "(a range loop) has chosen a table and not read it yet",
     "in the range loop, a table chosen", false, NULL},
    {"W_ITER_GROUP",
     "(a range loop) has chosen a group and not read its control word yet",
     "in the range loop, a group chosen", false, NULL},
    {"W_CANCEL_CHILDREN", "is walking the context's children map (cancel)",
     "in cancel, walking the children map", false, NULL},
    {"W_PROPAGATE_CANCEL",
     "is about to add a child to its parent's children map",
     "in propagateCancel, before adding the child", false, NULL},
    {"W_SYNCMAP_LOADED",
     "has loaded a value from the sync.Map and not acted on it yet",
     "between a Load and what follows it", false, NULL},
};

static const struct window_words case_point = {
    NULL, "has reached the point its case marks on this line",
    "at the point its case marks", false, NULL};

const struct window_words *window_words(const char *name)
{
    for (size_t i = 0; name && i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcmp(table[i].name, name))
            return &table[i];
    return &case_point;
}
