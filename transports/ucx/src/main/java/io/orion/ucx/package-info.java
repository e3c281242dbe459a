/**
 * UCX for Orion: loading UCX and JUCX's JNI glue ({@link io.orion.ucx.Ucx#load}) without ever
 * failing a bundle's resolution, and the UCX settings every Orion context uses
 * ({@link io.orion.ucx.UcxConfig}). JUCX itself (org.openucx.jucx.*) is exported by this bundle
 * too, at its own version.
 */
@Export
@Version("1.0.0")
package io.orion.ucx;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
