/*
 * The INI dialect of /etc/orion/client.conf: [section] headers, key = value lines (indentation
 * allowed, as Orion's own files indent their keys), comments starting with ';' or '#', and
 * values that may be quoted. Keys and section names compare case-insensitively.
 */
#ifndef ORION_INI_H
#define ORION_INI_H

#include <stddef.h>

typedef struct ini_entry {
    char *section;
    char *key;
    char *value;
    int line;
} ini_entry;

typedef struct ini_file {
    ini_entry *entries;
    size_t count;
} ini_file;

/* Parses text; on a malformed line returns -1 and says which line and why in err. */
int ini_parse(const char *text, ini_file *out, char *err, size_t errlen);
/* Reads and parses a file; -1 with the reason in err when it cannot be read or parsed. */
int ini_load(const char *path, ini_file *out, char *err, size_t errlen);
void ini_free(ini_file *f);
/* The last value given to section.key, or NULL. */
const char *ini_get(const ini_file *f, const char *section, const char *key);
/* Interprets a boolean setting: 1/0, true/false, yes/no, on/off. -1 when it is none of them. */
int ini_bool(const char *value);

#endif
