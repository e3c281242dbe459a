package io.orion.backend.cuda.internal.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;

/**
 * Whether a native library can be opened and exports the symbols a binding needs, found out
 * without touching the jextract header class: that class opens the library in its static
 * initialiser and would be dead for good (NoClassDefFoundError) after one failure.
 *
 * @param library   the name given to {@code dlopen}, e.g. {@code libcuda.so.1}
 * @param loadError why {@code dlopen} failed, or {@code null} when the library opened
 * @param missing   the required symbols the library lacks (empty when it did not open)
 */
public record LibraryCheck(String library, String loadError, List<String> missing) {

    public LibraryCheck {
        missing = List.copyOf(missing);
    }

    /** Opens {@code library} in a private arena (closed again at once) and looks up every symbol. */
    public static LibraryCheck of(String library, List<String> symbols) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, arena);
            List<String> missing = symbols.stream().filter(s -> lookup.find(s).isEmpty()).toList();
            return new LibraryCheck(library, null, missing);
        } catch (IllegalArgumentException e) { // dlopen failed: not installed, or not loadable here
            return new LibraryCheck(library, e.getMessage() == null ? "cannot be opened" : e.getMessage(), List.of());
        }
    }

    public boolean loaded() {
        return loadError == null;
    }

    /** Loaded and complete: the binding can be used. */
    public boolean usable() {
        return loaded() && missing.isEmpty();
    }
}
