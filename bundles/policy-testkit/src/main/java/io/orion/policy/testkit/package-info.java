/**
 * Test support for scheduling-policy authors: realistic pools ({@link RealisticPools},
 * {@link PoolBuilder}), a harness that runs a policy against a simulated pool and keeps score
 * ({@link PolicyHarness}), and the SPI contract every policy must keep ({@link PolicyContract}).
 * Plain Java with no test-framework dependency; failures are {@link AssertionError}s.
 */
@Export
@Version("1.0.0")
package io.orion.policy.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
