package io.orion.client.e2e;

import java.lang.reflect.Constructor;

import io.orion.api.backend.GpuBackend;
import io.orion.backend.host.internal.HostClock;

/**
 * The real backends without OSGi, for tests and the benchmark: each backend keeps a plain
 * constructor or factory next to its DS activation; they are internal, so they are reached by name.
 */
public final class TestBackends {
    private TestBackends() {}

    /** The host backend (PTX interpreter) with {@code devices} devices of {@code memoryMiB}. */
    public static GpuBackend host(int devices, long memoryMiB) {
        return host(devices, memoryMiB, HostClock.SYSTEM);
    }

    /** As the other, with its events timed by {@code clock} (a {@link DeviceTimeClock}, to time work exactly). */
    public static GpuBackend host(int devices, long memoryMiB, HostClock clock) {
        try {
            Class<?> c = Class.forName("io.orion.backend.host.internal.HostBackend");
            Constructor<?> k = c.getDeclaredConstructor(int.class, long.class, String.class, int.class, HostClock.class);
            k.setAccessible(true);
            return (GpuBackend) k.newInstance(devices, memoryMiB, "", 0, clock);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the host backend (io.orion.backend.host) is not on the class path", e);
        }
    }

    /** The CUDA backend on the system's driver, with its default settings. */
    public static GpuBackend cuda() {
        try {
            Class<?> settings = Class.forName("io.orion.backend.cuda.internal.CudaSettings");
            Object defaults = settings.getMethod("defaults").invoke(null);
            Class<?> c = Class.forName("io.orion.backend.cuda.internal.CudaBackend");
            return (GpuBackend) c.getMethod("open", settings).invoke(null, defaults);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the cuda backend (io.orion.backend.cuda) is not on the class path", e);
        }
    }

    /** A backend by name: {@code host} or {@code cuda}. */
    public static GpuBackend byName(String name) {
        return switch (name) {
            case "host" -> host(1, 4096);
            case "cuda" -> cuda();
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (host or cuda)");
        };
    }

    /** Contexts the backend has open now (the double's and the host backend's own count, reached by name). */
    public static int openContexts(GpuBackend b) {
        try {
            var m = b.getClass().getDeclaredMethod("openContexts");
            m.setAccessible(true);
            return (Integer) m.invoke(b);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("backend " + b.name() + " does not count its open contexts", e);
        }
    }

    /** Stops a backend the way its DS component would. */
    public static void close(GpuBackend b) {
        try {
            if (b instanceof AutoCloseable a) {
                a.close();
                return;
            }
            var m = b.getClass().getDeclaredMethod("deactivate");
            m.setAccessible(true);
            m.invoke(b);
        } catch (NoSuchMethodException e) {
            // nothing to stop
        } catch (Exception e) {
            throw new IllegalStateException("could not stop backend " + b.name(), e);
        }
    }
}
