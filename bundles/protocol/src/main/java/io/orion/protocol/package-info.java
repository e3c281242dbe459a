/**
 * The Orion remoting protocol: frames, the messages they carry, and their codec. The
 * specification is {@code docs/protocol.md}; this package implements it, and the golden vectors in
 * {@code bundles/protocol/vectors} pin both to the same bytes.
 *
 * <p>Decoding is strict: a length, count, flag or enum value that the specification does not allow
 * is a {@link io.orion.protocol.ProtocolException} naming the field, never a guess. Bulk fields are
 * views into the frame (no copy), valid only as long as the frame's buffer is.
 */
@Export
@Version("1.0.0")
package io.orion.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
