package io.orion.ucx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Finds UCX and loads JUCX's JNI glue. Native libraries belong to the process, so there is nothing
 * to hold: every call checks again, and loading what is loaded already costs nothing.
 *
 * <p>Where UCX comes from: the directory named by {@value #LIBRARY_PATH_PROPERTY} (a framework or
 * system property; {@code bin/ensure-ucx} makes {@code .tools/ucx/lib}) when it holds
 * {@code libucp.so.0}, else wherever the dynamic linker finds it (the system's packages,
 * {@code LD_LIBRARY_PATH}). UCX finds its transport modules in the {@code ucx/} folder next to
 * its own libraries, so a private copy needs no environment variables.
 */
public final class Ucx {
    private Ucx() {}

    public static final String LIBRARY_PATH_PROPERTY = "orion.ucx.libraryPath";
    /** UCX's libraries in the order they depend on each other. */
    static final String[] LIBRARIES = {"libnuma.so.1", "libucm.so.0", "libucs.so.0", "libuct.so.0", "libucp.so.0"};
    static final String GLUE = "native/linux-x86_64/libjucx.so";
    private static final String HOW = "install UCX 1.13 or newer (Debian: apt-get install libucx0), or run bin/ensure-ucx and set "
            + LIBRARY_PATH_PROPERTY + " to its .tools/ucx/lib";

    /**
     * Loads UCX (from {@code libraryPath} when it holds UCX, else the system's) and JUCX's glue.
     *
     * @param libraryPath a directory holding libucp.so.0 and its siblings; null or blank for the system's UCX
     * @return empty when JUCX can be used; otherwise why not and how to fix it, in one sentence
     */
    public static Optional<String> load(String libraryPath) {
        String from = "the system's UCX";
        if (libraryPath != null && !libraryPath.isBlank()) {
            Path dir = Path.of(libraryPath.trim());
            if (Files.isRegularFile(dir.resolve("libucp.so.0"))) {
                from = "UCX in " + dir;
                for (String lib : LIBRARIES) {
                    Path p = dir.resolve(lib);
                    if (!Files.exists(p)) continue; // libnuma, say, may come from the system
                    Optional<String> failed = loadFile(p);
                    if (failed.isPresent()) return Optional.of("UCX cannot be loaded from " + dir + ": " + failed.get() + "; " + HOW);
                }
            } else {
                from = "the system's UCX (" + LIBRARY_PATH_PROPERTY + "=" + libraryPath + " holds no libucp.so.0)";
            }
        }
        String source = from;
        return loadGlue().map(why -> "UCX is not usable (" + source + "): " + why + "; " + HOW);
    }

    /** Loads a library by path; one that this or an earlier class loader loaded already is fine. */
    private static Optional<String> loadFile(Path p) {
        try {
            System.load(p.toAbsolutePath().toString());
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            // A bundle that was updated gets a new class loader: the process has the library already.
            if (String.valueOf(e.getMessage()).contains("already loaded in another classloader")) return Optional.empty();
            return Optional.of(e.getMessage());
        }
    }

    /**
     * In a framework the glue comes from Bundle-NativeCode (the framework unpacks it); on a plain
     * class path there is no such thing, so it is unpacked into a temporary file here. Either way
     * it is loaded by this class's loader, the one JUCX's classes live in, which is what binds
     * their native methods.
     */
    private static Optional<String> loadGlue() {
        try {
            System.loadLibrary("jucx");
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            String m = String.valueOf(e.getMessage());
            if (!m.startsWith("no jucx in")) return Optional.of(linkerMessage(m));
        }
        // this bundle's jar has it under native/; JUCX's own jar (a plain class path) at its root
        String name = Ucx.class.getClassLoader().getResource(GLUE) != null ? GLUE : "libjucx.so";
        try (InputStream in = Ucx.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) return Optional.of("JUCX's JNI library (" + GLUE + ") is not on the class path");
            Path tmp = Files.createTempFile("orion-jucx-", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return loadFile(tmp).map(Ucx::linkerMessage);
        } catch (IOException e) {
            return Optional.of("cannot unpack JUCX's JNI library: " + e.getMessage());
        }
    }

    /** The dynamic linker's own words are the useful part: which library it could not find. */
    private static String linkerMessage(String m) {
        int i = m.indexOf(": ");
        return i > 0 && m.startsWith("/") ? m.substring(i + 2) : m;
    }
}
