package io.orion.api.backend;

/**
 * Where one kernel parameter lives in the packed argument buffer of a launch.
 *
 * @param index   parameter position
 * @param offset  byte offset in the argument buffer (the kernel's parameter-space layout)
 * @param size    size in bytes
 */
public record KernelParam(int index, long offset, long size) {}
