package io.orion.k8s.store.internal;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StoreException;

/**
 * Records as JSON, one per ConfigMap: the API records' own fields (ISO-8601 instants). Unknown
 * fields are ignored so that a later version may add some.
 */
final class RecordCodec {
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    String write(Object record) {
        try {
            return json.writeValueAsString(record);
        } catch (IOException e) {
            throw new StoreException("cannot encode " + record + ": " + e.getMessage(), e);
        }
    }

    NodeRecord node(String object, String text) {
        return read(object, text, NodeRecord.class);
    }

    AllocationRecord allocation(String object, String text) {
        return read(object, text, AllocationRecord.class);
    }

    private <T> T read(String object, String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException("ConfigMap " + object + " does not hold a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
