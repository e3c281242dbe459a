/**
 * The scheduling-policy SPI: a policy decides where the vGPUs of a request go.
 *
 * <p>A policy is a service of type {@link io.orion.api.policy.SchedulingPolicy} with the
 * service property {@value io.orion.api.policy.SchedulingPolicy#NAME_PROPERTY} naming it. The
 * controller uses the one named in its configuration and falls back to its default when that
 * one goes away. See {@code docs/policy-guide.md}.
 */
@Export
@Version("1.0.0")
package io.orion.api.policy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
