/*
 * A small JSON reader (RFC 8259) for the controller's REST answers and the protocol's golden
 * vectors, plus the string escaping the client needs to write request bodies. Values live in
 * one arena owned by the document, so a whole answer is freed at once.
 */
#ifndef ORION_JSON_H
#define ORION_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_kind;

typedef struct json_value json_value;
struct json_value {
    json_kind kind;
    int boolean;
    double number;
    const char *text;      /* JSON_NUMBER: the literal as written; JSON_STRING: the decoded UTF-8 */
    size_t length;         /* JSON_STRING: bytes of text (it may contain NUL); containers: item count */
    json_value **items;    /* JSON_ARRAY and JSON_OBJECT: the values, in document order */
    const char **keys;     /* JSON_OBJECT: the key of each item */
};

typedef struct json_doc json_doc;

/* Parses text[0..len). On failure returns NULL and writes why (with the byte offset) into err. */
json_doc *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(json_doc *doc);
const json_value *json_root(const json_doc *doc);

/* The member named key of an object, or NULL (also when v is not an object). */
const json_value *json_get(const json_value *v, const char *key);
/* Item i of an array, or NULL. */
const json_value *json_at(const json_value *v, size_t i);
/* The string, or NULL when v is not a string. */
const char *json_str(const json_value *v);
/* An integral number (or a "0x..." / decimal string, as the golden vectors write large values)
 * into *out; 0 on success, -1 when v is no such value or it does not fit. */
int json_u64(const json_value *v, uint64_t *out);
int json_i64(const json_value *v, int64_t *out);

/* Appends s as a JSON string literal (quotes included) to buf of size cap at *pos; returns -1
 * (and writes nothing more) when it does not fit. */
int json_put_string(char *buf, size_t cap, size_t *pos, const char *s);

#endif
