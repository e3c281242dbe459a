/**
 * The rdma transport's rendezvous (docs/rdma.md §3, docs/protocol.md §6b): over a TCP socket the
 * client and the server exchange their UCX worker addresses and, when one-sided RDMA is used, the
 * address, size and remote key of the server's payload region. Frames then travel as UCX tagged
 * messages; the socket stays open and its end tells either side that the other is gone. Both the
 * server's transport and the clients (this Java one, the C one) encode exactly these bytes.
 */
@Export
@Version("1.1.0")
package io.orion.protocol.rdma;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
