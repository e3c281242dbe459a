/**
 * What the platform core offers to the rest of the platform and to operators' tools: which
 * plugins are installed, which are in use, and a way to switch.
 */
@Export
@Version("1.1.0")
package io.orion.api.platform;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
