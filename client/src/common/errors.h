/* CUDA's error names and this client's descriptions of them (cudaGetErrorString, cuGetErrorString). */
#ifndef ORION_ERRORS_H
#define ORION_ERRORS_H

struct orion_error_name {
    int code;
    const char *name;
};

/* Generated from the CUDA headers (tools/gen-errors.sh). */
#define ORION_ERR_API __attribute__((visibility("default")))
extern ORION_ERR_API const struct orion_error_name orion_runtime_error_names[];
extern ORION_ERR_API const struct orion_error_name orion_driver_error_names[];

/* The name of a code in a table, or NULL. */
ORION_ERR_API const char *orion_error_name(const struct orion_error_name *table, int code);
/* A description of a code in words; never NULL (unknown codes get a generic sentence). */
ORION_ERR_API const char *orion_error_description(const struct orion_error_name *table, int code);

#endif
