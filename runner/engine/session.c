/*
 * session.c - a session's notes and its release (see session.h).
 */
#include "engine/session.h"

#include "lib/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void session_note(struct session *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ALLOC_GROW(s->notes, s->nr_notes + 1, s->alloc_notes);
    s->notes[s->nr_notes++] = xstrdup(buf);
}

void session_release(struct session *s)
{
    for (size_t i = 0; i < s->nr_cells; i++) {
        struct cell *cl = &s->cells[i];
        free(cl->error);
        free(cl->build_log);
        if (cl->obs)
            for (int r = 0; r < s->opts.runs; r++)
                run_obs_release(&cl->obs[r]);
        free(cl->obs);
        json_decref(cl->runs_json);
        cell_verdict_release(&cl->verdict);
    }
    free(s->cells);
    for (size_t i = 0; i < s->nr_targets; i++)
        build_target_release(&s->targets[i]);
    free(s->targets);
    build_ctx_release(&s->bctx);
    catalog_release(&s->cat);
    for (size_t i = 0; i < s->nr_notes; i++)
        free(s->notes[i]);
    free(s->notes);
    free(s->run_id);
    free(s->report_dir);
    free(s->raw_dir);
    free(s->started);
    shard_release(&s->opts.shard);
}

const struct markers *cell_markers(const struct cell *cl)
{
    return detector_row(cl->d)->go_twin ? &cl->v->go_markers : &cl->v->markers;
}

const char *session_verb(const struct session *s)
{
    if (s->opts.merged)
        return "merge";
    return s->opts.try_id ? "try" : s->opts.check ? "check" : "run";
}
