package io.orion.store.journal.internal;

import java.io.IOException;

/**
 * Named points in the store's file protocol where tests stop to copy the directory (a crash at
 * that moment leaves exactly those files) or to fail an operation. Production passes {@link #NONE}.
 */
@FunctionalInterface
interface Faults {
    Faults NONE = point -> {};

    void at(String point) throws IOException;
}
