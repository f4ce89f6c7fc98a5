/* placeholders */
#include "cli.h"
int cmd_calendar(int argc, char **argv);
int cmd_calendar(int argc, char **argv) { (void)argc; (void)argv; return EXIT_INTERNAL; }
int cmd_validate(int argc, char **argv) { (void)argc; (void)argv; return EXIT_INTERNAL; }
