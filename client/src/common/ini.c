#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *trim(char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* Cuts a trailing comment off an unquoted value: ';' or '#' preceded by whitespace. */
static void cut_comment(char *v) {
    for (char *c = v; *c; c++) {
        if ((*c == ';' || *c == '#') && (c == v || isspace((unsigned char)c[-1]))) {
            *c = 0;
            return;
        }
    }
}

static int add(ini_file *f, const char *section, const char *key, const char *value, int line) {
    ini_entry *n = realloc(f->entries, (f->count + 1) * sizeof *n);
    if (!n) return -1;
    f->entries = n;
    ini_entry *e = &f->entries[f->count];
    e->section = strdup(section);
    e->key = strdup(key);
    e->value = strdup(value);
    e->line = line;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    f->count++;
    return 0;
}

int ini_parse(const char *text, ini_file *out, char *err, size_t errlen) {
    out->entries = NULL;
    out->count = 0;
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char section[128] = "";
    int line = 0;
    char *save = NULL;
    /* strtok_r would merge empty lines and so miscount them: split by hand */
    for (char *cur = copy; cur; cur = save) {
        char *nl = strchr(cur, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        line++;
        char *s = trim(cur);
        if (!*s || *s == ';' || *s == '#') continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close) {
                snprintf(err, errlen, "line %d: section header '%s' has no closing ']'", line, s);
                goto bad;
            }
            *close = 0;
            char *rest = trim(close + 1);
            if (*rest && *rest != ';' && *rest != '#') {
                snprintf(err, errlen, "line %d: unexpected text '%s' after the section header", line, rest);
                goto bad;
            }
            char *name = trim(s + 1);
            if (!*name || strlen(name) >= sizeof section) {
                snprintf(err, errlen, "line %d: section name '%s' is empty or too long", line, name);
                goto bad;
            }
            strcpy(section, name);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "line %d: '%s' is neither a [section] nor a key = value line", line, s);
            goto bad;
        }
        *eq = 0;
        char *key = trim(s);
        char *value = trim(eq + 1);
        if (!*key) {
            snprintf(err, errlen, "line %d: a value without a key", line);
            goto bad;
        }
        if (*value == '"' || *value == '\'') {
            char q = *value;
            char *end = strchr(value + 1, q);
            if (!end) {
                snprintf(err, errlen, "line %d: value of '%s' has no closing %c", line, key, q);
                goto bad;
            }
            *end = 0;
            value++;
        } else {
            cut_comment(value);
            value = trim(value);
        }
        if (add(out, section, key, value, line)) {
            snprintf(err, errlen, "out of memory");
            goto bad;
        }
    }
    free(copy);
    return 0;
bad:
    free(copy);
    ini_free(out);
    return -1;
}

int ini_load(const char *path, ini_file *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
        if (n + 1 == cap) {
            if (cap >= (1u << 20)) { /* a configuration file this large is a mistake */
                snprintf(err, errlen, "%s is larger than 1 MiB", path);
                free(buf);
                fclose(f);
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "out of memory reading %s", path);
        return -1;
    }
    buf[n] = 0;
    char why[256];
    int rc = ini_parse(buf, out, why, sizeof why);
    if (rc) snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return rc;
}

void ini_free(ini_file *f) {
    for (size_t i = 0; i < f->count; i++) {
        free(f->entries[i].section);
        free(f->entries[i].key);
        free(f->entries[i].value);
    }
    free(f->entries);
    f->entries = NULL;
    f->count = 0;
}

const char *ini_get(const ini_file *f, const char *section, const char *key) {
    const char *found = NULL;
    for (size_t i = 0; i < f->count; i++)
        if (!strcasecmp(f->entries[i].section, section) && !strcasecmp(f->entries[i].key, key))
            found = f->entries[i].value;
    return found;
}

int ini_bool(const char *v) {
    if (!v) return -1;
    if (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) return 1;
    if (!strcasecmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) return 0;
    return -1;
}
