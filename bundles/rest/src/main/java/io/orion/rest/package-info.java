/**
 * JSON on the platform's REST API: other bundles that add resources use this media type
 * extension by requiring the service property {@value io.orion.rest.Json#EXTENSION_NAME}.
 */
@Export
@Version("1.0.0")
package io.orion.rest;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
