#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nesting deeper than this is refused: a hostile answer must not exhaust the stack. */
#define MAX_DEPTH 64

typedef struct block {
    struct block *next;
    size_t used, cap;
    unsigned char data[];
} block;

struct json_doc {
    block *blocks;
    json_value *root;
};

typedef struct {
    json_doc *doc;
    const char *s;
    size_t len, pos;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void *arena_alloc(json_doc *d, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (!d->blocks || d->blocks->cap - d->blocks->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        block *b = malloc(sizeof(block) + cap);
        if (!b) return NULL;
        b->next = d->blocks;
        b->used = 0;
        b->cap = cap;
        d->blocks = b;
    }
    void *p = d->blocks->data + d->blocks->used;
    d->blocks->used += n;
    return p;
}

static void fail(parser *p, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = 1;
    if (!p->err || !p->errlen) return;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        p->pos++;
    }
}

static json_value *new_value(parser *p, json_kind k) {
    json_value *v = arena_alloc(p->doc, sizeof *v);
    if (!v) {
        fail(p, "out of memory");
        return NULL;
    }
    memset(v, 0, sizeof *v);
    v->kind = k;
    return v;
}

static int literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
        fail(p, "unexpected character '%c'", p->s[p->pos]);
        return -1;
    }
    p->pos += n;
    return 0;
}

static int hex4(parser *p, unsigned *out) {
    if (p->len - p->pos < 4) {
        fail(p, "truncated \\u escape");
        return -1;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else {
            fail(p, "bad hex digit '%c' in \\u escape", c);
            return -1;
        }
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes a string literal at p->pos (the opening quote) into a fresh NUL-terminated buffer. */
static const char *string_lit(parser *p, size_t *outlen) {
    p->pos++; /* the quote */
    /* the decoded text is never longer than the literal, so one allocation of that size suffices */
    size_t start = p->pos, end = start;
    while (end < p->len && p->s[end] != '"') end += (p->s[end] == '\\') ? 2 : 1;
    if (end >= p->len) {
        fail(p, "unterminated string");
        return NULL;
    }
    char *o = arena_alloc(p->doc, end - start + 1);
    if (!o) {
        fail(p, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            fail(p, "control character 0x%02x in a string", c);
            return NULL;
        }
        if (c != '\\') {
            o[n++] = (char)c;
            p->pos++;
            continue;
        }
        p->pos++;
        char e = p->s[p->pos++];
        switch (e) {
        case '"': o[n++] = '"'; break;
        case '\\': o[n++] = '\\'; break;
        case '/': o[n++] = '/'; break;
        case 'b': o[n++] = '\b'; break;
        case 'f': o[n++] = '\f'; break;
        case 'n': o[n++] = '\n'; break;
        case 'r': o[n++] = '\r'; break;
        case 't': o[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (hex4(p, &cp)) return NULL;
            if (cp >= 0xD800 && cp < 0xDC00) { /* a surrogate pair encodes one code point above U+FFFF */
                unsigned lo;
                if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    fail(p, "lone high surrogate");
                    return NULL;
                }
                p->pos += 2;
                if (hex4(p, &lo)) return NULL;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail(p, "bad low surrogate");
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(p, "lone low surrogate");
                return NULL;
            }
            n += put_utf8(o + n, cp);
            break;
        }
        default:
            fail(p, "bad escape '\\%c'", e);
            return NULL;
        }
    }
    p->pos++; /* closing quote */
    o[n] = 0;
    *outlen = n;
    return o;
}

static json_value *value(parser *p, int depth);

/* Grows a temporary array of values (and keys) while a container is read. */
typedef struct {
    json_value **items;
    const char **keys;
    size_t n, cap;
} collector;

static int collect(parser *p, collector *c, const char *key, json_value *v) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        json_value **ni = realloc(c->items, cap * sizeof *ni);
        if (!ni) { fail(p, "out of memory"); return -1; }
        c->items = ni;
        const char **nk = realloc(c->keys, cap * sizeof *nk);
        if (!nk) { fail(p, "out of memory"); return -1; }
        c->keys = nk;
        c->cap = cap;
    }
    c->items[c->n] = v;
    c->keys[c->n] = key;
    c->n++;
    return 0;
}

/* Moves the collected items into the arena and frees the temporary arrays. */
static int settle(parser *p, collector *c, json_value *v, int with_keys) {
    v->length = c->n;
    if (c->n) {
        v->items = arena_alloc(p->doc, c->n * sizeof *v->items);
        if (v->items) memcpy(v->items, c->items, c->n * sizeof *v->items);
        if (with_keys) {
            v->keys = arena_alloc(p->doc, c->n * sizeof *v->keys);
            if (v->keys) memcpy(v->keys, c->keys, c->n * sizeof *v->keys);
        }
    }
    free(c->items);
    free(c->keys);
    if (c->n && (!v->items || (with_keys && !v->keys))) {
        fail(p, "out of memory");
        return -1;
    }
    return 0;
}

static json_value *container(parser *p, int depth, int object) {
    char close = object ? '}' : ']';
    json_value *v = new_value(p, object ? JSON_OBJECT : JSON_ARRAY);
    if (!v) return NULL;
    p->pos++;
    collector c = {0};
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return settle(p, &c, v, object) ? NULL : v;
    }
    while (!p->failed) {
        skip_ws(p);
        const char *key = NULL;
        if (object) {
            size_t klen;
            if (p->pos >= p->len || p->s[p->pos] != '"') { fail(p, "expected a member name"); break; }
            key = string_lit(p, &klen);
            if (!key) break;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') { fail(p, "expected ':'"); break; }
            p->pos++;
        }
        json_value *item = value(p, depth + 1);
        if (!item || collect(p, &c, key, item)) break;
        skip_ws(p);
        if (p->pos >= p->len) { fail(p, "unterminated %s", object ? "object" : "array"); break; }
        char d = p->s[p->pos++];
        if (d == close) return settle(p, &c, v, object) ? NULL : v;
        if (d != ',') { p->pos--; fail(p, "expected ',' or '%c'", close); break; }
    }
    free(c.items);
    free(c.keys);
    return NULL;
}

static json_value *number(parser *p) {
    size_t start = p->pos;
    if (p->s[p->pos] == '-') p->pos++;
    size_t digits = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
    if (p->pos == digits || (p->s[digits] == '0' && p->pos - digits > 1)) {
        fail(p, "bad number");
        return NULL;
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        size_t f = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == f) { fail(p, "bad fraction"); return NULL; }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) p->pos++;
        size_t e = p->pos;
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') p->pos++;
        if (p->pos == e) { fail(p, "bad exponent"); return NULL; }
    }
    json_value *v = new_value(p, JSON_NUMBER);
    if (!v) return NULL;
    size_t n = p->pos - start;
    char *t = arena_alloc(p->doc, n + 1);
    if (!t) { fail(p, "out of memory"); return NULL; }
    memcpy(t, p->s + start, n);
    t[n] = 0;
    v->text = t;
    v->number = strtod(t, NULL);
    return v;
}

static json_value *value(parser *p, int depth) {
    if (depth > MAX_DEPTH) {
        fail(p, "nesting deeper than %d", MAX_DEPTH);
        return NULL;
    }
    skip_ws(p);
    if (p->pos >= p->len) {
        fail(p, "unexpected end of input");
        return NULL;
    }
    char c = p->s[p->pos];
    json_value *v;
    switch (c) {
    case '{': return container(p, depth, 1);
    case '[': return container(p, depth, 0);
    case '"':
        v = new_value(p, JSON_STRING);
        if (!v) return NULL;
        v->text = string_lit(p, &v->length);
        return v->text ? v : NULL;
    case 't':
        if (literal(p, "true")) return NULL;
        v = new_value(p, JSON_BOOL);
        if (v) v->boolean = 1;
        return v;
    case 'f':
        if (literal(p, "false")) return NULL;
        return new_value(p, JSON_BOOL);
    case 'n':
        if (literal(p, "null")) return NULL;
        return new_value(p, JSON_NULL);
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(p);
        fail(p, "unexpected character '%c'", c);
        return NULL;
    }
}

json_doc *json_parse(const char *text, size_t len, char *err, size_t errlen) {
    json_doc *d = calloc(1, sizeof *d);
    if (!d) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    parser p = {d, text, len, 0, err, errlen, 0};
    d->root = value(&p, 0);
    if (d->root) {
        skip_ws(&p);
        if (p.pos != len) fail(&p, "trailing characters after the value");
    }
    if (p.failed || !d->root) {
        json_free(d);
        return NULL;
    }
    return d;
}

void json_free(json_doc *doc) {
    if (!doc) return;
    block *b = doc->blocks;
    while (b) {
        block *n = b->next;
        free(b);
        b = n;
    }
    free(doc);
}

const json_value *json_root(const json_doc *doc) { return doc ? doc->root : NULL; }

const json_value *json_get(const json_value *v, const char *key) {
    if (!v || v->kind != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->length; i++)
        if (strcmp(v->keys[i], key) == 0) return v->items[i];
    return NULL;
}

const json_value *json_at(const json_value *v, size_t i) {
    if (!v || v->kind != JSON_ARRAY || i >= v->length) return NULL;
    return v->items[i];
}

const char *json_str(const json_value *v) {
    return v && v->kind == JSON_STRING ? v->text : NULL;
}

/* Parses an unsigned decimal or 0x-hex literal that must fill the whole text. */
static int parse_unsigned(const char *t, uint64_t *out) {
    if (!t || !*t || *t == '-' || *t == '+' || *t == ' ') return -1;
    int base = (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) ? 16 : 10;
    if (base == 16 && !t[2]) return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(t, &end, base);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int json_u64(const json_value *v, uint64_t *out) {
    if (!v) return -1;
    if (v->kind == JSON_STRING) return parse_unsigned(v->text, out);
    if (v->kind != JSON_NUMBER) return -1;
    return parse_unsigned(v->text, out); /* rejects fractions, exponents and negatives */
}

int json_i64(const json_value *v, int64_t *out) {
    if (!v) return -1;
    const char *t = v->kind == JSON_NUMBER || v->kind == JSON_STRING ? v->text : NULL;
    if (!t) return -1;
    if (t[0] == '-') {
        uint64_t m;
        if (parse_unsigned(t + 1, &m) || m > (uint64_t)INT64_MAX + 1) return -1;
        *out = (int64_t)(0 - m);
        return 0;
    }
    uint64_t u;
    if (parse_unsigned(t, &u) || u > (uint64_t)INT64_MAX) return -1;
    *out = (int64_t)u;
    return 0;
}

int json_put_string(char *buf, size_t cap, size_t *pos, const char *s) {
    size_t p = *pos;
#define PUT(c) do { if (p + 1 >= cap) return -1; buf[p++] = (char)(c); } while (0)
    PUT('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': PUT('\\'); PUT('"'); break;
        case '\\': PUT('\\'); PUT('\\'); break;
        case '\n': PUT('\\'); PUT('n'); break;
        case '\r': PUT('\\'); PUT('r'); break;
        case '\t': PUT('\\'); PUT('t'); break;
        default:
            if (*c < 0x20) {
                if (p + 7 >= cap) return -1;
                p += (size_t)snprintf(buf + p, cap - p, "\\u%04x", *c);
            } else {
                PUT(*c);
            }
        }
    }
    PUT('"');
#undef PUT
    buf[p] = 0;
    *pos = p;
    return 0;
}
