/*
 * The client's log: one line per message to the screen (stderr) and/or a file, each with its
 * own level, as client.conf's [log] section sets them. Messages name the process, because the
 * lines interleave with the program's own output.
 */
#ifndef ORION_LOG_H
#define ORION_LOG_H

enum { OLOG_OFF = 0, OLOG_ERROR, OLOG_WARN, OLOG_INFO, OLOG_DEBUG, OLOG_TRACE };

typedef struct olog_settings {
    int screen_level;      /* OLOG_OFF disables the screen */
    int file_level;        /* OLOG_OFF disables the file */
    const char *file_path; /* "%p" in it becomes the pid */
    int with_time;
} olog_settings;

void olog_configure(const olog_settings *s);
/* Level from its name (ERROR, WARN, INFO, DEBUG, TRACE, OFF; any case); -1 when unknown. */
int olog_level_named(const char *name);
__attribute__((visibility("default"))) int olog_enabled(int level);
__attribute__((visibility("default"))) void olog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs only the first time this key is seen in the process (for unsupported calls). Returns 1 then. */
__attribute__((visibility("default"))) int olog_once(const char *key, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define OLOG_E(...) olog(OLOG_ERROR, __VA_ARGS__)
#define OLOG_W(...) olog(OLOG_WARN, __VA_ARGS__)
#define OLOG_I(...) olog(OLOG_INFO, __VA_ARGS__)
#define OLOG_D(...) do { if (olog_enabled(OLOG_DEBUG)) olog(OLOG_DEBUG, __VA_ARGS__); } while (0)
#define OLOG_T(...) do { if (olog_enabled(OLOG_TRACE)) olog(OLOG_TRACE, __VA_ARGS__); } while (0)

#endif
