package io.orion.api.server;

import java.time.Instant;
import java.util.List;

/**
 * One client session: a client process and the vGPUs it opened.
 *
 * @param id         the session id (also on the wire); survives reconnects
 * @param pid        the client's process id, as it reported it
 * @param host       the client's host name, as it reported it
 * @param client     the client's own description (program name)
 * @param groupId    its accounting group; empty for none
 * @param state      attached to a connection, or detached and waiting for its client to resume
 * @param transport  the transport of its connection; empty while detached
 * @param peer       the other end of its connection; empty while detached
 * @param started    when the session was opened
 * @param vgpus      its vGPUs in device order, with usage counters
 */
public record SessionInfo(long id, long pid, String host, String client, String groupId, State state,
                          String transport, String peer, Instant started, List<SessionVgpu> vgpus) {
    public SessionInfo {
        vgpus = List.copyOf(vgpus);
    }

    public enum State { ATTACHED, DETACHED }

    /** The id as the logs and the console show it. */
    public String idHex() { return String.format("%016x", id); }
}
