/**
 * Control of a remoting server: the vGPUs it has been granted, their quotas, and the client
 * sessions that use them. The controller calls it (in the same JVM in the standalone role, over
 * REST otherwise); operators reach it through the console.
 *
 * <p>A vGPU is granted to a server before a client uses it; a client names the vGPUs it holds when
 * it opens its session. Quotas change at once on running sessions.
 */
@Export
@Version("1.2.0")
package io.orion.api.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
