/**
 * Frames over a byte stream (docs/protocol.md §2.3): back to back, each delimited by its header's
 * length. Used by the TCP transport on the server and by clients.
 */
@Export
@Version("1.0.0")
package io.orion.protocol.stream;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
