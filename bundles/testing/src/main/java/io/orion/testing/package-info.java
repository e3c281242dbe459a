/** Support for the platform's in-framework tests: waiting, bundles, configuration, log capture. */
@Export
@Version("1.0.0")
package io.orion.testing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
