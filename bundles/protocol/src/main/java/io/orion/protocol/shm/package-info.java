/**
 * The shared-memory transport's layout (docs/protocol.md §6): one file per connection holding a
 * control block, a request ring, a reply ring and a payload region; the rings carry ordinary
 * protocol frames. Both the server's transport and every client (this Java one, the C one) use
 * these classes or mirror them byte for byte.
 *
 * <p>Neither side trusts the other's writes: positions and lengths read from the shared file are
 * checked against the ring's own state before use, and a violation closes the connection.
 */
@Export
@Version("1.0.0")
package io.orion.protocol.shm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
