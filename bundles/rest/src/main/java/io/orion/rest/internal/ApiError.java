package io.orion.rest.internal;

/** The body of every error answer: the HTTP status and what was wrong, naming the bad value. */
public record ApiError(int status, String error) {}
