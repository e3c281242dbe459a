package io.orion.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the platform core, PID {@value PlatformCore#PID}. */
@ObjectClassDefinition(
        name = "Orion core",
        description = "Which scheduling policy, GPU backend and transports the platform uses. "
                + "Changes apply at once, without restarting anything.")
@interface CoreConfig {

    @AttributeDefinition(name = "Scheduling policy",
            description = "Name of the policy the controller places vGPUs with (binpack, spread, or a plugin's name).")
    String policy() default "binpack";

    @AttributeDefinition(name = "Fallback policy",
            description = "Policy used while the configured one is not installed.")
    String fallbackPolicy() default "binpack";

    @AttributeDefinition(name = "GPU backend",
            description = "Backend new sessions open on: a backend's name, or 'auto' for the first of "
                    + "'Backend preference' that has devices.")
    String backend() default "auto";

    @AttributeDefinition(name = "Backend preference",
            description = "Order in which 'auto' tries backends.")
    String[] backendPreference() default {"cuda", "host"};

    @AttributeDefinition(name = "Transports",
            description = "Transports the server listens on, by name; '*' for every installed one.")
    String[] transports() default {"*"};
}
