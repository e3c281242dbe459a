/**
 * Recent log records of the platform, for tools that show them (console, portal) and tests.
 * The logging itself is SLF4J; this bundle is its provider.
 */
@Export
@Version("1.0.0")
package io.orion.logging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
