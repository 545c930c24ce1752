/*
 * repository.h - where the verbs find the repository, the catalog and
 * the folders the command line names.
 */
#ifndef MAPRACE_CMD_REPOSITORY_H
#define MAPRACE_CMD_REPOSITORY_H

#include "engine/catalog.h"

#include <stdbool.h>

/* The repository: $MAPRACE_ROOT, or the first folder from the cwd up with
 * cases/ and a Makefile. Malloc'd absolute path, or NULL (said). */
char *find_root(void);

/* Whether a folder from the cwd up holds cases/ and a Makefile (quiet). */
bool repository_above_cwd(void);

/* The folder an option named, made absolute, or <root>/<sub> when it
 * named none. NULL (the error said) when there is no repository. */
char *given_or_in_root(const char *given, const char *sub);

/* Load the catalog: `cases` (--cases) or <root>/cases, shown in messages
 * relative to the cwd. Sets *abs_dir (malloc'd). 0, or -1 (said). */
int cli_load_catalog(const char *root, const char *cases, struct catalog *cat,
                     char **abs_dir);

#endif
