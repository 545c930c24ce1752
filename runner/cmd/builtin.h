/*
 * builtin.h - the verbs of maprace, one entry point each (like git's
 * builtin.h). main.c's commands[] table dispatches to them.
 *
 * cmd_<verb>(argc, argv) gets the verb's own arguments (argv[0] is the
 * verb's name), parses them with parse_options() and the verb's table of
 * options (cmd/options.h), and returns the exit code (lib/exit.h). Each
 * lives in the file of cmd/ named after it (run and check in run.c, show
 * and explain in show.c) with its usage and its options.
 */
#ifndef MAPRACE_CMD_BUILTIN_H
#define MAPRACE_CMD_BUILTIN_H

int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_rates(int argc, char **argv);
int cmd_try(int argc, char **argv);
int cmd_asm(int argc, char **argv);
int cmd_fidelity(int argc, char **argv);
int cmd_grade(int argc, char **argv);

#endif
